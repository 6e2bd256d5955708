#!/usr/bin/env bash
# The CKAN extension's test run: PostgreSQL and Redis (Debian packages, loopback only), a
# virtualenv of its own for CKAN (CKAN pins Flask, SQLAlchemy, click ... and must not touch the
# main environment), the database, then CKAN's pytest plugin over integrations/ckan.
# Idempotent: packages, cluster, role, database and venv that already exist are reused.
#
#   bash .ci/services.sh          # everything, then the extension's tests
#   bash .ci/services.sh start    # only install and start PostgreSQL and Redis
#   bash .ci/services.sh stop     # stop the PostgreSQL cluster and the Redis this script started
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
EXT="$ROOT/integrations/ckan"
VENV="${SHARECHECK_CKAN_VENV:-/opt/sharecheck-ckan-venv}"
CKAN_VERSION="${SHARECHECK_CKAN_VERSION:-2.11.6}"
PYTHON="${PYTHON:-python3}"
REDIS_PORT=6379
REDIS_PIDFILE=/tmp/sharecheck-ci-redis.pid

log() { printf '[services] %s\n' "$*"; }

install_packages() {
  if command -v pg_ctlcluster >/dev/null && command -v redis-server >/dev/null && command -v pg_config >/dev/null; then
    return
  fi
  log "installing postgresql, redis-server, libpq-dev"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq postgresql redis-server libpq-dev >/dev/null
}

start_postgres() {
  local version
  version="$(ls /etc/postgresql | sort -n | tail -1)"
  if [ -z "$version" ]; then
    version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
    pg_createcluster "$version" main >/dev/null
  fi
  # Debian's default listen_addresses is 'localhost': loopback only.
  if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
    log "starting PostgreSQL $version"
    pg_ctlcluster "$version" main start
  fi
  for _ in $(seq 30); do
    su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
    sleep 1
  done
  local sql
  sql() { su postgres -c "psql -qtAc \"$1\""; }
  if [ "$(sql "SELECT 1 FROM pg_roles WHERE rolname = 'ckan_default'")" != 1 ]; then
    sql "CREATE ROLE ckan_default LOGIN PASSWORD 'pass'"
  fi
  if [ "$(sql "SELECT 1 FROM pg_database WHERE datname = 'ckan_test'")" != 1 ]; then
    su postgres -c "createdb -O ckan_default -E utf-8 -T template0 ckan_test"
  fi
}

start_redis() {
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    return
  fi
  log "starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --daemonize yes --pidfile "$REDIS_PIDFILE" --logfile /tmp/sharecheck-ci-redis.log
  for _ in $(seq 30); do
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && return
    sleep 0.5
  done
  log "Redis did not start"; exit 1
}

build_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating $VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
  fi
  # CKAN's own pins (the [requirements] extra) and the test libraries its pytest plugin imports,
  # resolved together with sharecheck's dependencies in one step.
  "$VENV/bin/pip" install -q "ckan[requirements]==$CKAN_VERSION" -e "$ROOT" \
    -r "$EXT/requirements-test.txt"
  # CKAN 2.11's PyYAML and typing-extensions pins are older than sharecheck's PII engine needs
  # (see the file); newer compatible releases replace them. pip then warns that ckan pins others.
  case "$CKAN_VERSION" in
    2.11.*) "$VENV/bin/pip" install -q -r "$EXT/overrides-ckan-2.11.txt" 2>&1 | grep -v "^WARNING: Location" || true ;;
  esac
  "$VENV/bin/python" -c "import presidio_analyzer.predefined_recognizers as r; r.DeTaxIdRecognizer" \
    || { log "presidio-analyzer in $VENV is too old for sharecheck"; exit 1; }
  # compat mode: a plain path entry, so `ckanext` stays one namespace package with CKAN's own.
  "$VENV/bin/pip" install -q --no-deps -e "$EXT" --config-settings editable_mode=compat
}

run_tests() {
  cd "$EXT"
  # CKAN logs its failed Solr probe at length; show the log only when the init fails.
  "$VENV/bin/ckan" -c test.ini db init >/tmp/sharecheck-ckan-db-init.log 2>&1 \
    || { cat /tmp/sharecheck-ckan-db-init.log; exit 1; }
  "$VENV/bin/python" -m pytest --ckan-ini=test.ini ckanext/sharecheck/tests -q -p no:cacheprovider "$@"
}

case "${1:-all}" in
  start) install_packages; start_postgres; start_redis ;;
  stop)
    for cluster in $(pg_lsclusters -h | awk '$4 == "online" {print $1 "/" $2}'); do
      pg_ctlcluster "${cluster%/*}" "${cluster#*/}" stop
    done
    if [ -f "$REDIS_PIDFILE" ]; then kill "$(cat "$REDIS_PIDFILE")" 2>/dev/null || true; rm -f "$REDIS_PIDFILE"; fi
    ;;
  all) shift || true; install_packages; start_postgres; start_redis; build_venv; run_tests "$@" ;;
  *) echo "usage: $0 [all|start|stop]" >&2; exit 2 ;;
esac
