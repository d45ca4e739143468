#!/usr/bin/env bash
# Starts one PostgreSQL node in its container (publish mode), the counterpart of postgres-node.sh
# and repmgrd.sh, which run it as host processes in run mode.
#
# First start: render postgresql.conf, pg_hba.conf and repmgr.conf from the run-mode templates
# into the data volume, then initialize node 1 as the first primary or clone another node from
# whichever node is the primary now. Every start: run repmgrd.sh beside the server.
#
# Environment: NODE_ID, NODE_NAME (the repmgr node name and the name listed in
# synchronous_standby_names), NODE_HOST (the node's host name on the container network),
# CLUSTER_HOSTS ("host:port" of every node, separated by spaces), POSTGRES_PASSWORD,
# REPLICATION_PASSWORD, APP_PASSWORD, MONITORING_PASSWORD.
set -euo pipefail

export NODE_DIR=/var/lib/postgresql/data
export NODE_PORT=5432
export PG_BINDIR=/usr/lib/postgresql/15/bin
export HOME="$NODE_DIR"
export PGPASSFILE="$NODE_DIR/.pgpass"
export PGCONNECT_TIMEOUT=2

data="$NODE_DIR/pgdata"
config="$NODE_DIR/postgresql.conf"
repmgr_config="$NODE_DIR/repmgr.conf"
scripts=/usr/local/lib/luckygas

log() { printf '%s: %s\n' "$NODE_NAME" "$*" >&2; }

render_configuration() {
    export CONF_node_id="$NODE_ID" CONF_node_name="$NODE_NAME" CONF_host="$NODE_HOST"
    export CONF_port="$NODE_PORT" CONF_listen_addresses='*'
    # samenet: any address in a subnet of the container's own interfaces, loopback included.
    export CONF_client_network=samenet
    export CONF_data_directory="$data" CONF_hba_file="$NODE_DIR/pg_hba.conf"
    export CONF_socket_directory=/var/run/postgresql CONF_bin_directory="$PG_BINDIR"
    export CONF_config_file="$repmgr_config" CONF_service_command="$scripts/service-command.sh"
    local file
    for file in postgresql.conf pg_hba.conf repmgr.conf; do
        render-template.sh "/etc/luckygas/templates/$file" "$NODE_DIR/$file"
    done
}

write_password_file() {
    (umask 077 && printf '*:*:*:repmgr:%s\n*:*:*:postgres:%s\n' \
        "$REPLICATION_PASSWORD" "$POSTGRES_PASSWORD" > "$PGPASSFILE")
}

# Prints "host port" of the node that responds as a primary, if any.
find_primary() {
    local entry host port
    for entry in $CLUSTER_HOSTS; do
        IFS=: read -r host port <<< "$entry"
        [[ "$host" == "$NODE_HOST" ]] && continue
        if [[ "$("$PG_BINDIR/psql" -h "$host" -p "$port" -U repmgr -d repmgr -Atqc \
            'SELECT pg_is_in_recovery()' 2>/dev/null)" == f ]]; then
            echo "$host $port"
            return 0
        fi
    done
    return 1
}

bootstrap_primary() {
    log "initializing a new cluster as the first primary"
    "$PG_BINDIR/initdb" -D "$data" -U postgres --auth=scram-sha-256 --encoding=UTF8 \
        --locale=C.UTF-8 --data-checksums --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") >&2
    # As in run mode, synchronous replication stays off until a standby exists.
    "$PG_BINDIR/pg_ctl" -D "$data" -w -t 60 -l "$NODE_DIR/bootstrap.log" \
        -o "-c config_file=$config -c synchronous_standby_names=" start >&2
    PGPASSWORD="$POSTGRES_PASSWORD" "$PG_BINDIR/psql" -h 127.0.0.1 -p "$NODE_PORT" -U postgres \
        -d postgres -v ON_ERROR_STOP=1 -q <<'SQL'
\getenv replication_password REPLICATION_PASSWORD
\getenv app_password APP_PASSWORD
\getenv monitoring_password MONITORING_PASSWORD
CREATE ROLE repmgr WITH LOGIN SUPERUSER REPLICATION PASSWORD :'replication_password';
CREATE DATABASE repmgr OWNER repmgr;
ALTER ROLE repmgr SET search_path TO repmgr, "$user", public;
CREATE ROLE luckygas WITH LOGIN PASSWORD :'app_password';
CREATE DATABASE luckygas OWNER luckygas;
-- postgres_exporter signs in with this role: pg_monitor reads the statistics views and nothing else.
CREATE ROLE luckygas_monitor WITH LOGIN PASSWORD :'monitoring_password' IN ROLE pg_monitor;
SQL
    "$PG_BINDIR/repmgr" -f "$repmgr_config" primary register >&2
    "$PG_BINDIR/pg_ctl" -D "$data" -w -m fast stop >&2
}

clone_standby() {
    local primary host port deadline=$((SECONDS + 300))
    while true; do
        if primary=$(find_primary); then
            read -r host port <<< "$primary"
            log "cloning from the primary $host:$port"
            mkdir -m 0700 -p "$data"
            if "$PG_BINDIR/repmgr" -f "$repmgr_config" -h "$host" -p "$port" -U repmgr \
                -d repmgr standby clone --fast-checkpoint >&2; then
                return 0
            fi
            rm -rf "$data"
        fi
        if ((SECONDS >= deadline)); then
            log "no clone succeeded within 300 s; check that another node runs as primary"
            exit 1
        fi
        sleep 2
    done
}

render_configuration
write_password_file

if [[ ! -s "$data/PG_VERSION" ]]; then
    rm -rf "$data"
    if [[ "$NODE_ID" == 1 ]]; then
        bootstrap_primary
    else
        clone_standby
    fi
fi

# NOTE: run mode fences a former primary by reading the other nodes' data folders, which
# containers cannot see. Here a former primary must be rejoined by hand (repmgr node rejoin
# --force-rewind) before its container is started again.
bash "$scripts/repmgrd.sh" &
log "starting PostgreSQL as a $([[ -e "$data/standby.signal" ]] && echo standby || echo primary)"
exec "$PG_BINDIR/postgres" -c config_file="$config"
