#!/usr/bin/env bash
# ensure-postgres.sh — install (if needed) and start a local PostgreSQL that
# listens on 127.0.0.1 only, create the privscan role and database, and print
# the DSN on standard output (everything else goes to standard error).
# Idempotent: run it as often as you like.
#
#   export PRIVSCAN_TEST_POSTGRES="$(bash scripts/ensure-postgres.sh)"
#   bash scripts/ensure-postgres.sh restart   # restart the server (tests use this)
#
# Needs root (apt-get, pg_ctlcluster). Environment: PRIVSCAN_PG_PORT (5432).
set -euo pipefail

port="${PRIVSCAN_PG_PORT:-5432}"
user=privscan
pass=privscan
db=privscan_test

log() { echo "ensure-postgres: $*" >&2; }

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
	log "installing postgresql"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq postgresql >&2
fi
version="$(ls /usr/lib/postgresql | sort -n | tail -1)"

if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
	log "creating cluster $version/main"
	pg_createcluster "$version" main --port "$port" >&2
fi
conf="/etc/postgresql/$version/main/conf.d/privscan.conf"
mkdir -p "$(dirname "$conf")"
printf "listen_addresses = '127.0.0.1'\nport = %s\n" "$port" >"$conf"
pg_conftool "$version" main remove listen_addresses >&2 || true

status() { pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}'; }

if [[ "${1:-}" == "restart" ]]; then
	log "restarting cluster $version/main"
	pg_ctlcluster "$version" main restart >&2
elif [[ "$(status)" != "online" ]]; then
	log "starting cluster $version/main"
	pg_ctlcluster "$version" main start >&2
fi

for _ in $(seq 1 50); do
	if su postgres -c "psql -h 127.0.0.1 -p $port -Atqc 'select 1'" >/dev/null 2>&1 ||
		su postgres -c "psql -p $port -Atqc 'select 1'" >/dev/null 2>&1; then
		break
	fi
	sleep 0.2
done

psql_admin() { su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -Atq $*"; }
if [[ "$(psql_admin "-c \"select 1 from pg_roles where rolname='$user'\"")" != "1" ]]; then
	psql_admin "-c \"create role $user login createdb password '$pass'\"" >&2
fi
if [[ "$(psql_admin "-c \"select 1 from pg_database where datname='$db'\"")" != "1" ]]; then
	psql_admin "-c \"create database $db owner $user\"" >&2
fi

echo "postgres://$user:$pass@127.0.0.1:$port/$db?sslmode=disable"
