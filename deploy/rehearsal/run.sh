#!/usr/bin/env bash
# make prod-rehearsal: production, rehearsed on this machine, in a few minutes.
#
# PostgreSQL with two roles (the owner migrates; the app role, owning nothing, serves),
# Redis with the broker and the cache in separate databases, two gunicorn instances as two
# web machines would run (shared database, Redis and uploads), two Celery workers with
# different node names and one beat, all with DEBUG=false. deploy/rehearsal/drive.py then
# works them over HTTP, kills a worker mid-job, backs up and restores. Everything started
# here is stopped on the way out, success or failure (trap), by its own process id.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT="$PWD"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
BIN="$(dirname "$PYTHON")"
PGHOST=127.0.0.1 PGPORT=5432 PGSUPER="${REHEARSAL_PGSUPER:-postgres}"
DB="${REHEARSAL_DB:-portal_rehearsal}"
OWNER=portal_rehearsal_owner APP=portal_rehearsal_app
BROKER_DB="${REHEARSAL_REDIS_BROKER_DB:-14}" CACHE_DB="${REHEARSAL_REDIS_CACHE_DB:-15}"
WORK="$(mktemp -d /tmp/portal-rehearsal.XXXXXX)"
export REHEARSAL_WORK="$WORK"
started=$SECONDS
pids=()

step() { printf '\n==> [%3ss] %s\n' "$((SECONDS - started))" "$*"; }
fail() { printf '\nREHEARSAL FAILED: %s\n' "$*" >&2; exit 1; }
psql_super() { psql -h "$PGHOST" -p "$PGPORT" -U "$PGSUPER" -v ON_ERROR_STOP=1 -qtA "$@"; }
drop_databases() {
    for name in "$DB" "${DB}_restored"; do
        psql_super -d postgres -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null 2>&1 || true
    done
}

cleanup() {
    status=$?
    step "stopping everything started here"
    # Gentle first (gunicorn and Celery finish what they hold), then by force.
    for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 40); do
        alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.5
    done
    for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    if [ "$status" != 0 ]; then
        echo "--- last lines of each log ($WORK) ---"
        for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "### $log"; tail -n 25 "$log"; }; done
    fi
    redis-cli -n "$BROKER_DB" flushdb >/dev/null 2>&1 || true
    redis-cli -n "$CACHE_DB" flushdb >/dev/null 2>&1 || true
    drop_databases
    [ "${KEEP_REHEARSAL:-0}" = 1 ] || rm -rf "$WORK"
    if [ "$status" = 0 ]; then
        printf '\nREHEARSAL PASSED in %ss\n' "$((SECONDS - started))"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Start a service in its own process group (so stopping it stops its children too).
start() {
    local name="$1"; shift
    setsid "$@" >"$WORK/$name.log" 2>&1 &
    pids+=("$!")
    echo "$name: pid $!"
    eval "PID_$(echo "$name" | tr -c 'a-zA-Z0-9\n' '_')=$!"
}
free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

step "PostgreSQL and Redis answer"
pg_isready -h "$PGHOST" -p "$PGPORT" -q || fail "PostgreSQL is not up on $PGHOST:$PGPORT"
[ "$(redis-cli ping 2>/dev/null)" = PONG ] || fail "Redis is not up on 127.0.0.1:6379"

step "database $DB with two roles: $OWNER owns and migrates, $APP serves and owns nothing"
drop_databases
psql_super -d postgres -v owner="$OWNER" -v app="$APP" -v db="$DB" -f deploy/postgres-roles.sql >/dev/null
redis-cli -n "$BROKER_DB" flushdb >/dev/null
redis-cli -n "$CACHE_DB" flushdb >/dev/null

export DEBUG=false
export SECRET_KEY="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(64))')"
export AUDIT_KEY="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(48))')"
export ALLOWED_HOSTS=127.0.0.1,localhost
# TLS ends at the proxy (nginx), which sets X-Forwarded-Proto: https; so does the driver.
export OWNER_DATABASE_URL="postgres://$OWNER@$PGHOST:$PGPORT/$DB"
export DATABASE_URL="postgres://$APP@$PGHOST:$PGPORT/$DB"
export REDIS_URL="redis://127.0.0.1:6379/$BROKER_DB"
export CACHE_URL="redis://127.0.0.1:6379/$CACHE_DB"
export MEDIA_ROOT="$WORK/shared-media"          # one path every web machine mounts
export AUDIT_HEAD_FILE="$WORK/audit-head.json"
export EMAIL_NOTIFICATIONS=true
export LOG_LEVEL=INFO
# Seconds instead of production's minutes, so a killed worker's job comes back quickly.
export CELERY_VISIBILITY_TIMEOUT=12 CELERY_TASK_TIME_LIMIT=10 CELERY_RESTORE_INTERVAL=1
export CELERY_BEAT_EVERY="audit-chain-verify=4"
mkdir -p "$MEDIA_ROOT"
SMTP_PORT="$(free_port)"
export EMAIL_URL="smtp://127.0.0.1:$SMTP_PORT"
export REHEARSAL_MAILBOX="$WORK/mailbox.jsonl"

step "manage.py check --deploy (production settings)"
"$PYTHON" manage.py check --deploy --fail-level WARNING

step "migrate as the owner, then grant the app role its rows"
DATABASE_URL="$OWNER_DATABASE_URL" "$PYTHON" manage.py migrate --no-input -v 0
psql -v ON_ERROR_STOP=1 -q -v app="$APP" "$OWNER_DATABASE_URL" -f deploy/postgres-grants.sql >/dev/null
if psql -qtA "$DATABASE_URL" -c "TRUNCATE registry_auditentry" >/dev/null 2>&1; then
    fail "the app role could TRUNCATE the audit log"
fi
echo "the app role cannot TRUNCATE the audit log: ok"

step "collectstatic and the demo city (through the services, as the app role)"
"$PYTHON" manage.py collectstatic --no-input -v 0
# A throwaway database: the demo logins' published password is fine here.
EMAIL_NOTIFICATIONS=false "$PYTHON" manage.py seed_demo --allow-production >"$WORK/seed.log" 2>&1 || { tail -20 "$WORK/seed.log"; fail "seed_demo"; }
# A cadre with an email address in each community of 朝阳街道 (through the services), so a
# dispatch there sends one notification email per community.
"$PYTHON" manage.py shell -c "
from registry import services
from registry.models import Organisation, User
admin = User.objects.get(username='admin')
for number, org in enumerate(Organisation.objects.filter(parent__code='990102001', kind='community').order_by('code')[:5]):
    user = services.user_create(actor=admin, username=f'cy_cadre{number}', password='Lantern-river-42', email=f'cy_cadre{number}@example.gov.cn', memberships=[(org, 'community_cadre')])
" >/dev/null
# The demo's history queued nothing worth sending; start the rehearsal with an empty queue.
redis-cli -n "$BROKER_DB" flushdb >/dev/null

step "starting: SMTP sink, gunicorn x2, celery workers w1 and w2, one beat"
start smtp "$PYTHON" -m deploy.rehearsal.smtp_sink "$REHEARSAL_MAILBOX" "$SMTP_PORT" 1.5
WEB1_PORT="$(free_port)" WEB2_PORT="$(free_port)"
for n in 1 2; do
    port_var="WEB${n}_PORT"
    # The web machines' own settings file (deploy/gunicorn.conf.py), with this port.
    start "web$n" "$BIN/gunicorn" -c deploy/gunicorn.conf.py config.wsgi:application \
        --bind "127.0.0.1:${!port_var}" --workers 2
done
for n in 1 2; do
    start "worker$n" "$BIN/celery" -A config worker --loglevel INFO --concurrency 2 -n "w$n@%h"
done
start beat "$BIN/celery" -A config beat --loglevel INFO \
    --scheduler django_celery_beat.schedulers:DatabaseScheduler --schedule "$WORK/beat-schedule"

export REHEARSAL_WEB1="http://127.0.0.1:$WEB1_PORT" REHEARSAL_WEB2="http://127.0.0.1:$WEB2_PORT"
export REHEARSAL_WORKER1_PID="$PID_worker1" REHEARSAL_WORKER2_PID="$PID_worker2"
export REHEARSAL_RESTORE_URL="postgres://$OWNER@$PGHOST:$PGPORT/${DB}_restored"
export REHEARSAL_PGSUPER_URL="postgres://$PGSUPER@$PGHOST:$PGPORT/${DB}_restored"
psql_super -d postgres -c "ALTER ROLE \"$OWNER\" CREATEDB" >/dev/null

step "driving production over HTTP (deploy/rehearsal/drive.py)"
"$PYTHON" -u deploy/rehearsal/drive.py
