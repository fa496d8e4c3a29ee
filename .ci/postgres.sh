# shellcheck shell=bash
# Install and start a local PostgreSQL server for the database-marketing tests.
#
# Source it (as root) before running the tests:
#
#     . .ci/postgres.sh
#
# It installs PostgreSQL from Debian's packages when it is missing, starts a
# cluster listening on 127.0.0.1:5432, creates a login role and a database,
# and exports PMKT_TEST_POSTGRES_URL, which tests/test_dbmarketing_postgres.py
# reads. Running it again is harmless: every step checks first.
#
# Settings (environment variables, with their defaults):
#   PMKT_PG_USER=pmkt  PMKT_PG_PASSWORD=pmkt  PMKT_PG_DB=pmkt  PMKT_PG_PORT=5432
#
# The script does not use `set -e`, because that would change the shell that
# sources it; each step checks its own result and returns 1 on failure.

_pmkt_pg_setup() {
    local user="${PMKT_PG_USER:-pmkt}"
    local password="${PMKT_PG_PASSWORD:-pmkt}"
    local db="${PMKT_PG_DB:-pmkt}"
    local port="${PMKT_PG_PORT:-5432}"
    local host=127.0.0.1

    if [ "$(id -u)" -ne 0 ]; then
        echo "postgres.sh: run me as root (it installs packages and starts a server)" >&2
        return 1
    fi

    # 1. Install the server when it is missing.
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
        echo "postgres.sh: installing PostgreSQL from Debian's packages"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update || { echo "postgres.sh: apt-get update failed" >&2; return 1; }
        apt-get install -y postgresql || { echo "postgres.sh: apt-get install postgresql failed" >&2; return 1; }
    fi

    local version
    version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    if [ -z "$version" ]; then
        echo "postgres.sh: no PostgreSQL server found under /usr/lib/postgresql" >&2
        return 1
    fi

    # 2. Make sure a cluster exists on the wanted port.
    local cluster
    cluster="$(pg_lsclusters --no-header 2>/dev/null | awk -v v="$version" -v p="$port" '$1 == v && $3 == p {print $2; exit}')"
    if [ -z "$cluster" ]; then
        cluster=main
        if pg_lsclusters --no-header 2>/dev/null | awk -v v="$version" '$1 == v && $2 == "main" {f=1} END {exit !f}'; then
            echo "postgres.sh: cluster $version/main exists but not on port $port; set PMKT_PG_PORT to its port" >&2
            return 1
        fi
        pg_createcluster "$version" "$cluster" --port "$port" || { echo "postgres.sh: pg_createcluster failed" >&2; return 1; }
    fi

    # 3. Start it (no systemd needed: pg_ctlcluster starts the server directly).
    if ! pg_lsclusters --no-header | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c && $4 == "online" {f=1} END {exit !f}'; then
        pg_ctlcluster "$version" "$cluster" start || {
            echo "postgres.sh: could not start cluster $version/$cluster; see /var/log/postgresql/" >&2
            return 1
        }
    fi
    local i
    for i in $(seq 1 30); do
        pg_isready -q -h "$host" -p "$port" && break
        sleep 1
    done
    if ! pg_isready -q -h "$host" -p "$port"; then
        echo "postgres.sh: the server does not answer on $host:$port" >&2
        return 1
    fi

    # 4. Role and database (created once; the password is reset every time).
    _pmkt_psql() { runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qtAX "$@"; }
    if [ "$(_pmkt_psql -c "SELECT 1 FROM pg_roles WHERE rolname = '$user'")" != "1" ]; then
        _pmkt_psql -c "CREATE ROLE \"$user\" LOGIN" || return 1
    fi
    _pmkt_psql -c "ALTER ROLE \"$user\" WITH LOGIN PASSWORD '$password'" || return 1
    if [ "$(_pmkt_psql -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
        _pmkt_psql -c "CREATE DATABASE \"$db\" OWNER \"$user\"" || return 1
    fi
    unset -f _pmkt_psql

    export PMKT_TEST_POSTGRES_URL="postgresql+psycopg://$user:$password@$host:$port/$db"
    echo "postgres.sh: PostgreSQL $version ready; PMKT_TEST_POSTGRES_URL=$PMKT_TEST_POSTGRES_URL"
}

_pmkt_pg_setup
_pmkt_pg_status=$?
unset -f _pmkt_pg_setup
# Return when sourced, exit when run as a script.
(return 0 2>/dev/null) && return "$_pmkt_pg_status"
exit "$_pmkt_pg_status"
