#!/usr/bin/env bash
# Makes sure a PostgreSQL server is running on 127.0.0.1 and prints a `DATABASE_URL` for a throwaway
# role and database, for the durable-run tests of @tinyagent/dbos. Idempotent: a cluster already
# running is used as it is, the role and database are created once. CI runs as root on Debian, so
# there it installs PostgreSQL from apt on first use and starts the cluster with pg_ctlcluster;
# anywhere else it fails with the way to provide a server (`DATABASE_URL`). Only the URL goes to
# stdout; everything else to stderr.
set -euo pipefail

role=tinyagent_test
database=tinyagent_test
# A throwaway password for a role that exists only on this machine's loopback server.
password=tinyagent_test

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "The durable-run tests need PostgreSQL. Point DATABASE_URL at a server where you may create databases" >&2
  echo "(e.g. DATABASE_URL=postgres://user:password@127.0.0.1:5432/postgres), or run this script as root on Debian." >&2
  exit 1
fi

if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  echo "Installing postgresql from Debian's packages (the durable-run tests need it)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update >&2
  apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends postgresql >&2
fi

version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
  pg_createcluster "$version" main >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $3 }')
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $4 }' | grep -q online; then
  # Two test runs may start it at once: the loser's "already running" is fine, the check below decides.
  pg_ctlcluster "$version" main start >&2 || true
fi
for _ in $(seq 1 50); do
  if runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p "$port"; then break; fi
  sleep 0.2
done
if ! runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p "$port"; then
  echo "PostgreSQL $version did not accept connections on 127.0.0.1:$port; see /var/log/postgresql/." >&2
  exit 1
fi

psql_admin() {
  runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qtA "$@"
}
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" != 1 ]; then
  # CREATEDB: each test file makes its own database, so files never see each other's workflows.
  psql_admin -c "CREATE ROLE $role LOGIN CREATEDB PASSWORD '$password'" >&2 || true
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]; then
  psql_admin -c "CREATE DATABASE $database OWNER $role" >&2 || true
fi
echo "postgres://$role:$password@127.0.0.1:$port/$database"
