#!/usr/bin/env bash
# Restore a backup into a NEW database and check it against the head saved with it.
#   deploy/restore.sh BACKUP_DIRECTORY NEW_DATABASE_URL [MEDIA_DESTINATION]
# The database must not exist yet; it is created owned by the URL's user (the owner role),
# who needs CREATEDB (or create it beforehand, empty, and set RESTORE_INTO_EXISTING=1).
# Then `manage.py verify_audit --head-file BACKUP/audit-head.json` must say the chain is
# intact and reaches the head: fewer entries than the head counted means some were cut.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
backup="${1:?usage: deploy/restore.sh BACKUP_DIRECTORY NEW_DATABASE_URL [MEDIA_DESTINATION]}"
target="${2:?usage: deploy/restore.sh BACKUP_DIRECTORY NEW_DATABASE_URL [MEDIA_DESTINATION]}"
media_dest="${3:-}"
(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || {
    echo "The backup's checksums do not match: refusing to restore it." >&2
    exit 1
}
if [ "${RESTORE_INTO_EXISTING:-0}" != 1 ]; then
    name="$("$PYTHON" -c 'import sys, urllib.parse as u; print(u.urlparse(sys.argv[1]).path.lstrip("/"))' "$target")"
    maintenance="$("$PYTHON" -c 'import sys, urllib.parse as u; p = u.urlparse(sys.argv[1]); print(p._replace(path="/postgres").geturl())' "$target")"
    psql --quiet --set ON_ERROR_STOP=1 "$maintenance" -c "CREATE DATABASE \"$name\" ENCODING 'UTF8' TEMPLATE template0"
fi
pg_restore --exit-on-error --no-owner --dbname="$target" "$backup/portal.dump"
if [ -n "$media_dest" ]; then
    mkdir -p "$media_dest"
    tar -xzf "$backup/media.tar.gz" -C "$media_dest"
fi
DATABASE_URL="$target" "$PYTHON" manage.py verify_audit --head-file "$backup/audit-head.json"
echo "Restored into $target and verified against the backup's audit head."
