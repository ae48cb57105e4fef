#!/usr/bin/env bash
# Runs a command against a private Debian PostgreSQL 15 cluster with pg_cron preloaded, the way
# Supabase runs pg_cron, then stops the cluster. Needs the Debian packages postgresql-15 and
# postgresql-15-cron (.ci/run installs them). The command sees:
#   DATABASE_URL          the cluster's postgres database (tests make throwaway databases on it)
#   PG_CRON_DATABASE_URL  the database pg_cron runs jobs in
# Usage: scripts/with-pg15-cron.sh npx vitest run --project pg-cron
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
port=${PG15_PORT:-54330}
cron_db=presence_cron
[ -x "$bin/pg_ctl" ] && [ -f /usr/lib/postgresql/15/lib/pg_cron.so ] || {
  echo "error: PostgreSQL 15 with pg_cron is missing: apt-get install postgresql-15 postgresql-15-cron" >&2
  exit 1
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

dir=$(mktemp -d /tmp/pg15-cron-XXXXXX)
chmod 755 "$dir"
[ "$(id -u)" = 0 ] && chown postgres: "$dir"
cleanup() {
  as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

echo postgres > "$dir/pwfile"
[ "$(id -u)" = 0 ] && chown postgres: "$dir/pwfile"
as_postgres "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" --auth=scram-sha-256 -E UTF8 --locale=C >/dev/null
as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
  "-p $port -c listen_addresses=127.0.0.1 -k $dir -c shared_preload_libraries=pg_cron -c cron.database_name=$cron_db -c cron.use_background_workers=on -c max_worker_processes=20" start >/dev/null
PGPASSWORD=postgres psql -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "create database $cron_db" >/dev/null

export DATABASE_URL="postgresql://postgres:postgres@127.0.0.1:$port/postgres"
export PG_CRON_DATABASE_URL="postgresql://postgres:postgres@127.0.0.1:$port/$cron_db"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') with pg_cron on port $port"
"$@"
