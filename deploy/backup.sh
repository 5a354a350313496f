#!/usr/bin/env bash
# A dated backup: the audit chain's signed head, a pg_dump (custom format) and the uploads.
#   deploy/backup.sh [DESTINATION]        (default: $BACKUP_DIR, else ./backups)
# Reads the portal's environment (DATABASE_URL, MEDIA_ROOT, AUDIT_KEY, AUDIT_HEAD_FILE):
# run it with the same environment file as the services, e.g. from cron on one machine:
#   30 1 * * *  portal  set -a; . /etc/portal/env; cd /srv/portal && deploy/backup.sh /backup
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
: "${DATABASE_URL:?DATABASE_URL must be set}"
stamp="$(date +%Y-%m-%dT%H%M%S)"
dest="${1:-${BACKUP_DIR:-backups}}/portal-$stamp"
mkdir -p "$dest"
chmod 700 "$dest"

# The head first: the dump taken after it holds at least the entries it counts, so a
# restore that falls short of it has lost entries (or someone cut them before the dump).
"$PYTHON" manage.py verify_audit --write-head --head-file "$dest/audit-head.json"
if [ -n "${AUDIT_HEAD_FILE:-}" ]; then
    cp "$dest/audit-head.json" "$AUDIT_HEAD_FILE.tmp" && mv "$AUDIT_HEAD_FILE.tmp" "$AUDIT_HEAD_FILE"
fi
# libpq takes the URL as is; Django's postgres:// scheme is libpq's too.
pg_dump --format=custom --file="$dest/portal.dump" "$DATABASE_URL"
media="${MEDIA_ROOT:-media}"
if [ -d "$media" ]; then
    tar -czf "$dest/media.tar.gz" -C "$media" .
else
    tar -czf "$dest/media.tar.gz" --files-from /dev/null
fi
(cd "$dest" && sha256sum audit-head.json portal.dump media.tar.gz >SHA256SUMS)
echo "Backup written: $dest"
