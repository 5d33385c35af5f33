#!/usr/bin/env bash
# Makes sure a PostgreSQL server is running on 127.0.0.1 and prints a `DATABASE_URL` for a throwaway
# role and database, for the durable-run tests of @tinyagent/dbos. Idempotent: a cluster already
# running is used as it is, the role and database are created once, the role's password and rights
# are set again each time. CI runs as root on Debian, so there it installs PostgreSQL from apt on
# first use and starts the cluster with pg_ctlcluster; anywhere else it fails with the way to provide
# a server (`DATABASE_URL`). Only the URL goes to stdout; everything else to stderr.
set -euo pipefail

role=tinyagent_test
database=tinyagent_test
# A throwaway password for a role that exists only on this machine's loopback server.
password=loopback-only-c4f1

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "The durable-run tests need PostgreSQL. Point DATABASE_URL at a server where you may create databases" >&2
  echo "(e.g. DATABASE_URL=postgres://user:password@127.0.0.1:5432/postgres), or run this script as root on Debian." >&2
  exit 1
fi

# One copy at a time from here on (two test runs may start at once): the second waits, then finds the
# server installed, the cluster online and the role made. Whatever may start the server runs with the
# lock's descriptor closed (9>&-): a server that inherited it would hold the lock as long as it runs.
lock_dir=/run/lock
[ -d "$lock_dir" ] || lock_dir=/tmp
exec 9>"$lock_dir/tinyagent-ensure-postgres.lock"
if command -v flock >/dev/null && ! flock -w 600 9; then
  echo "Another ensure-postgres.sh has held $lock_dir/tinyagent-ensure-postgres.lock for 10 minutes; giving up." >&2
  exit 1
fi

# The server binary, not just /usr/lib/postgresql/<version>: the client packages create that folder too.
installed_versions() {
  for binary in /usr/lib/postgresql/*/bin/postgres; do
    if [ -x "$binary" ]; then basename "$(dirname "$(dirname "$binary")")"; fi
  done | sort -n
}
if ! command -v pg_ctlcluster >/dev/null || [ -z "$(installed_versions)" ]; then
  echo "Installing postgresql from Debian's packages (the durable-run tests need it)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update >&2 9>&-
  apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends postgresql >&2 9>&-
fi

version=$(installed_versions | tail -n 1)
if [ -z "$version" ]; then
  echo "No PostgreSQL server found under /usr/lib/postgresql/*/bin/postgres, even after installing postgresql." >&2
  exit 1
fi
cluster_field() {
  pg_lsclusters -h | awk -v v="$version" -v f="$1" '$1 == v && $2 == "main" { print $f }'
}
if [ -z "$(cluster_field 1)" ]; then
  pg_createcluster "$version" main >&2 9>&-
fi
port=$(cluster_field 3)
if [ "$(cluster_field 4)" != online ] && ! pg_ctlcluster "$version" main start >&2 9>&-; then
  # Started meanwhile by something other than this script: fine. Anything else is a real failure.
  if [ "$(cluster_field 4)" != online ]; then
    echo "pg_ctlcluster $version main start failed; see /var/log/postgresql/." >&2
    exit 1
  fi
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
# Runs a CREATE; "already exists" is what an earlier run (or another process) left, any other error is real.
create_unless_exists() {
  local output
  if ! output=$(psql_admin -c "$1" 2>&1); then
    if [[ $output != *"already exists"* ]]; then
      echo "$output" >&2
      exit 1
    fi
  fi
}
create_unless_exists "CREATE ROLE $role"
# Every time, not only when the role is new: a role left with another password, or without LOGIN or
# CREATEDB, would give a URL that does not work. CREATEDB: each test file makes its own database, so
# files never see each other's workflows.
psql_admin -c "ALTER ROLE $role LOGIN CREATEDB PASSWORD '$password'" >&2
create_unless_exists "CREATE DATABASE $database OWNER $role"
echo "postgres://$role:$password@127.0.0.1:$port/$database"
