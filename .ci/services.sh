# shellcheck shell=bash
# Throwaway PostgreSQL and MariaDB servers for chujing's tests.
#
# Sourced by .ci/run (and by developers):
#
#     source .ci/services.sh
#     services_install   # apt-get install postgresql mariadb-server, only when missing
#     services_start     # fresh instances on 127.0.0.1; exports CHUJING_TEST_PG_URL / CHUJING_TEST_MYSQL_URL
#     ...run the tests...
#     services_stop
#
# Why throwaway instances rather than the distribution's services: the tests must
# not depend on, or disturb, whatever runs on the default ports, and a fresh data
# directory makes every run start from the same state.  Durability is switched
# off (fsync, synchronous commit, InnoDB flushing) because the data lives for one
# test run; this keeps start-up and test data loading fast.
#
# Settings (environment, all optional):
#   CHUJING_SERVICES_DIR   where data dirs, sockets and logs go (/tmp/chujing-services)
#   CHUJING_PG_PORT        PostgreSQL port on 127.0.0.1 (55432)
#   CHUJING_MYSQL_PORT     MariaDB port on 127.0.0.1 (53306)
#   CHUJING_PG_BINDIR      PostgreSQL bin dir (newest /usr/lib/postgresql/*/bin)
#
# The functions return non-zero with a message on stderr instead of exiting, so
# they are safe to source into an interactive shell.

_svc_dir() { printf '%s' "${CHUJING_SERVICES_DIR:-/tmp/chujing-services}"; }
_svc_pg_port() { printf '%s' "${CHUJING_PG_PORT:-55432}"; }
_svc_my_port() { printf '%s' "${CHUJING_MYSQL_PORT:-53306}"; }

# The test database, user and password.  Loopback-only throwaway servers, so a
# fixed password is fine; it is deliberately distinctive so tests can assert
# that it never leaks into a message.
CHUJING_SVC_DB=chujing_test
CHUJING_SVC_USER=chujing
CHUJING_SVC_PASSWORD=chujing-Pw-7f3a91

_svc_log() { printf 'services: %s\n' "$*" >&2; }

_svc_pg_bindir() {
    if [ -n "${CHUJING_PG_BINDIR:-}" ]; then printf '%s' "$CHUJING_PG_BINDIR"; return; fi
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$d" ] && command -v pg_config >/dev/null 2>&1; then d=$(pg_config --bindir); fi
    printf '%s' "$d"
}

_svc_mariadbd() {
    local b
    for b in mariadbd mysqld; do
        if command -v "$b" >/dev/null 2>&1; then command -v "$b"; return; fi
        if [ -x "/usr/sbin/$b" ]; then printf '%s' "/usr/sbin/$b"; return; fi
    done
}

_svc_as_pg() {
    # initdb and postgres refuse to run as root: run them as the postgres user then.
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

_svc_port_busy() {
    # 0 when something accepts connections on 127.0.0.1:$1.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

_svc_kill_pidfile() {
    # Stop the process named in pid file $1 (TERM, then KILL after ~10 s).
    local pidfile=$1 pid i
    [ -f "$pidfile" ] || return 0
    pid=$(head -n 1 "$pidfile" 2>/dev/null | tr -dc '0-9')
    # A pid file left by a machine that restarted may name an unrelated process now:
    # only a database server is ours to stop.
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
        && grep -qE '^(postgres|mariadbd|mysqld)' "/proc/$pid/comm" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    rm -f "$pidfile"
}

services_install() {
    local need=()
    [ -n "$(_svc_pg_bindir)" ] && [ -x "$(_svc_pg_bindir)/initdb" ] || need+=(postgresql)
    [ -n "$(_svc_mariadbd)" ] || need+=(mariadb-server)
    if [ ${#need[@]} -eq 0 ]; then
        return 0
    fi
    _svc_log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || { _svc_log "apt-get update failed"; return 1; }
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
        || { _svc_log "apt-get install ${need[*]} failed"; return 1; }
}

_svc_pg_stop() {
    local base bindir data
    base=$(_svc_dir); bindir=$(_svc_pg_bindir); data="$base/pg/data"
    if [ -f "$data/postmaster.pid" ] && [ -x "$bindir/pg_ctl" ]; then
        # A stale pid file (a server that died with its machine) makes pg_ctl fail:
        # that is fine here, and must not abort a caller running under `set -e`.
        _svc_as_pg "$bindir/pg_ctl" -D "$data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
    fi
    _svc_kill_pidfile "$data/postmaster.pid"
}

_svc_my_stop() {
    _svc_kill_pidfile "$(_svc_dir)/mysql/mariadbd.pid"
}

_svc_pg_start() {
    local base bindir port data sock log i
    base=$(_svc_dir); bindir=$(_svc_pg_bindir); port=$(_svc_pg_port)
    data="$base/pg/data"; sock="$base/pg/sock"; log="$base/pg/postgres.log"
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
        _svc_log "PostgreSQL is not installed (no initdb); run services_install"; return 1
    fi
    rm -rf "$base/pg"
    mkdir -p "$data" "$sock"
    if [ "$(id -u)" = 0 ]; then chown -R postgres: "$base/pg"; fi
    # Trust on the unix socket (the admin path used below); passwords on TCP so
    # that tests can check what a wrong password does.
    _svc_as_pg "$bindir/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        -E UTF8 --locale=C.UTF-8 --no-sync >"$base/pg/initdb.log" 2>&1 \
        || { _svc_log "initdb failed, see $base/pg/initdb.log"; return 1; }
    _svc_as_pg "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 30 start -o \
        "-c listen_addresses=127.0.0.1 -p $port -k $sock -c fsync=off -c synchronous_commit=off \
-c full_page_writes=off -c shared_buffers=64MB -c max_connections=60 -c autovacuum=off" >/dev/null 2>&1 \
        || { _svc_log "PostgreSQL did not start, see $log"; return 1; }
    local psql=("$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d postgres)
    _svc_as_pg "${psql[@]}" >/dev/null <<SQL || { _svc_log "could not create the PostgreSQL test user"; return 1; }
CREATE ROLE $CHUJING_SVC_USER LOGIN CREATEDB PASSWORD '$CHUJING_SVC_PASSWORD';
CREATE DATABASE $CHUJING_SVC_DB OWNER $CHUJING_SVC_USER;
SQL
    for i in $(seq 1 50); do
        "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" && return 0
        sleep 0.1
    done
    _svc_log "PostgreSQL is not accepting TCP connections on 127.0.0.1:$port"; return 1
}

_svc_my_start() {
    local base port mariadbd data sock log i admin
    base=$(_svc_dir); port=$(_svc_my_port); mariadbd=$(_svc_mariadbd)
    data="$base/mysql/data"; sock="$base/mysql/mysqld.sock"; log="$base/mysql/mariadbd.log"
    if [ -z "$mariadbd" ]; then _svc_log "MariaDB is not installed; run services_install"; return 1; fi
    rm -rf "$base/mysql"
    mkdir -p "$data"
    local install_db
    install_db=$(command -v mariadb-install-db || command -v mysql_install_db)
    "$install_db" --no-defaults --datadir="$data" --user="$(id -un)" --auth-root-authentication-method=normal \
        --skip-test-db --skip-name-resolve >"$base/mysql/install.log" 2>&1 \
        || { _svc_log "mariadb-install-db failed, see $base/mysql/install.log"; return 1; }
    "$mariadbd" --no-defaults --datadir="$data" --user="$(id -un)" --bind-address=127.0.0.1 --port="$port" \
        --socket="$sock" --pid-file="$base/mysql/mariadbd.pid" --log-error="$log" --skip-name-resolve \
        --skip-log-bin --innodb-buffer-pool-size=64M --innodb-log-file-size=48M \
        --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --innodb-flush-method=nosync \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --max-connections=60 \
        >/dev/null 2>&1 </dev/null &
    disown 2>/dev/null || true
    admin=$(command -v mariadb-admin || command -v mysqladmin)
    for i in $(seq 1 200); do
        "$admin" --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1 && break
        sleep 0.1
    done
    if ! "$admin" --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1; then
        _svc_log "MariaDB did not start, see $log"; return 1
    fi
    local client
    client=$(command -v mariadb || command -v mysql)
    # The test user may create and drop databases (one per test module) and is the
    # owner of everything it creates; the connector protects itself with read-only
    # transactions, which is what the tests check.
    "$client" --no-defaults --socket="$sock" -uroot <<SQL || { _svc_log "could not create the MariaDB test user"; return 1; }
CREATE DATABASE $CHUJING_SVC_DB CHARACTER SET utf8mb4;
CREATE USER '$CHUJING_SVC_USER'@'127.0.0.1' IDENTIFIED BY '$CHUJING_SVC_PASSWORD';
CREATE USER '$CHUJING_SVC_USER'@'localhost' IDENTIFIED BY '$CHUJING_SVC_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$CHUJING_SVC_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO '$CHUJING_SVC_USER'@'localhost';
SQL
}

services_start() {
    local base pg_rc my_rc pg_pid
    base=$(_svc_dir)
    services_stop
    local port
    for port in "$(_svc_pg_port)" "$(_svc_my_port)"; do
        if _svc_port_busy "$port"; then
            _svc_log "port $port on 127.0.0.1 is taken by another process; set CHUJING_PG_PORT/CHUJING_MYSQL_PORT"
            return 1
        fi
    done
    mkdir -p "$base"
    chmod 755 "$base"
    # Initialise and start both servers in parallel: most of the time is initdb / install-db.
    # (the "|| rc=$?" forms keep a caller's `set -e` from aborting before we clean up)
    pg_rc=0
    my_rc=0
    _svc_pg_start &
    pg_pid=$!
    _svc_my_start || my_rc=$?
    wait "$pg_pid" || pg_rc=$?
    if [ "$pg_rc" != 0 ] || [ "$my_rc" != 0 ]; then
        services_stop
        return 1
    fi
    export CHUJING_TEST_PG_URL="postgresql+psycopg://$CHUJING_SVC_USER:$CHUJING_SVC_PASSWORD@127.0.0.1:$(_svc_pg_port)/$CHUJING_SVC_DB"
    export CHUJING_TEST_MYSQL_URL="mysql+pymysql://$CHUJING_SVC_USER:$CHUJING_SVC_PASSWORD@127.0.0.1:$(_svc_my_port)/$CHUJING_SVC_DB?charset=utf8mb4"
    _svc_log "PostgreSQL on 127.0.0.1:$(_svc_pg_port), MariaDB on 127.0.0.1:$(_svc_my_port) (data in $base)"
}

services_stop() {
    _svc_pg_stop
    _svc_my_stop
    unset CHUJING_TEST_PG_URL CHUJING_TEST_MYSQL_URL
    return 0
}
