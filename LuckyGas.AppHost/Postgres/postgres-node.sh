#!/usr/bin/env bash
# Starts one node of the PostgreSQL cluster in the foreground, as the resource's process.
#
# First start of node 1: initdb, roles and databases, repmgr primary registration.
# First start of another node: clone from whichever node is the primary now.
# Every start of a node without standby.signal: when another node was promoted while this one was
# down, rejoin as its standby with pg_rewind instead of running as a second primary. While no
# primary accepts connections, stay fenced (exit code 3).
#
# Environment: NODE_ID, NODE_NAME, NODE_DIR, NODE_PORT, PG_BINDIR, CLUSTER_NODES
# ("id:port:dir" separated by spaces), POSTGRES_PASSWORD, REPLICATION_PASSWORD, APP_PASSWORD,
# MONITORING_PASSWORD.
set -euo pipefail

data="$NODE_DIR/data"
config="$NODE_DIR/postgresql.conf"
# While this file exists the node is being initialized or cloned, and the AppHost's health
# check reports it unhealthy even when the temporary bootstrap server accepts queries.
initializing="$NODE_DIR/initializing"
# While this file exists the node is being rejoined, and service-command.sh lets repmgr's start
# request through without starting anything.
rejoining="$NODE_DIR/rejoining"
repmgr_config="$NODE_DIR/repmgr.conf"
export PGPASSFILE="$NODE_DIR/.pgpass"
export PGCONNECT_TIMEOUT=2

log() { printf '%s: %s\n' "$NODE_NAME" "$*" >&2; }

write_password_file() {
    # libpq reads this file for repmgr, pg_basebackup and the WAL receiver, which has no
    # other way to get the replication password.
    (umask 077 && printf '*:*:*:repmgr:%s\n*:*:*:postgres:%s\n' \
        "$REPLICATION_PASSWORD" "$POSTGRES_PASSWORD" > "$PGPASSFILE")
}

# Prints the port of the node that responds as a primary, if any.
find_primary() {
    local entry id port dir
    for entry in $CLUSTER_NODES; do
        IFS=: read -r id port dir <<< "$entry"
        # A node that is still initializing may run a temporary server that is about to stop.
        [[ "$id" == "$NODE_ID" || -e "$dir/initializing" ]] && continue
        if [[ "$("$PG_BINDIR/psql" -h 127.0.0.1 -p "$port" -U repmgr -d repmgr -Atqc \
            'SELECT pg_is_in_recovery()' 2>/dev/null)" == f ]]; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

# Prints an LSN such as 0/4627950 as a decimal number, for comparisons.
lsn_value() {
    local high="${1%/*}" low="${1#*/}"
    echo $(((16#$high << 32) + 16#$low))
}

checkpoint_location_of() {
    "$PG_BINDIR/pg_controldata" -D "$1" | awk -F': *' '/^Latest checkpoint location/ { print $2 }'
}

# Prints the newest timeline of a data folder: a promoted node's pg_control shows its new timeline
# only after its first checkpoint, which after a promotion is spread over minutes, but the timeline's
# history file exists from the promotion on.
newest_timeline_of() {
    local newest
    newest=$(find "$1/pg_wal" -maxdepth 1 -name '*.history' -printf '%f\n' 2>/dev/null | sort | tail -1)
    if [[ -n "$newest" ]]; then
        echo $((16#${newest%.history}))
    else
        timeline_of "$1"
    fi
}

# Returns 0 when this node's data still holds WAL of its old timeline beyond the point where the
# primary on port $1 forked its timeline off, so it cannot stream from that primary.
diverged_from() {
    local primary_port="$1" entry port dir primary_dir="" own_timeline primary_timeline history fork
    for entry in $CLUSTER_NODES; do
        IFS=: read -r _ port dir <<< "$entry"
        [[ "$port" == "$primary_port" ]] && primary_dir="$dir"
    done
    own_timeline=$(newest_timeline_of "$data")
    primary_timeline=$(newest_timeline_of "$primary_dir/data")
    ((own_timeline < primary_timeline)) || return 1

    # Each line of the history file reads "parent timeline, fork LSN, reason".
    history="$primary_dir/data/pg_wal/$(printf '%08X' "$primary_timeline").history"
    fork=$(awk -v timeline="$own_timeline" '$1 == timeline { print $2 }' "$history")
    [[ -n "$fork" ]] || return 1
    (($(lsn_value "$(checkpoint_location_of "$data")") >= $(lsn_value "$fork")))
}

timeline_of() {
    "$PG_BINDIR/pg_controldata" -D "$1" | awk -F: '/Latest checkpoint.s TimeLineID/ { gsub(/ /, "", $2); print $2 }'
}

bootstrap_primary() {
    log "initializing a new cluster as the first primary"
    "$PG_BINDIR/initdb" -D "$data" -U postgres --auth=scram-sha-256 --encoding=UTF8 \
        --locale=C.UTF-8 --data-checksums --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") >&2

    # No standby exists yet, so synchronous replication stays off while the roles are made:
    # with it on, the first commit would wait for a standby forever.
    "$PG_BINDIR/pg_ctl" -D "$data" -w -t 60 -l "$NODE_DIR/bootstrap.log" \
        -o "-c config_file=$config -c synchronous_standby_names=" start >&2
    # The passwords come from the environment through \getenv, so they never appear in a
    # command line that ps would show.
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
    local primary_port deadline=$((SECONDS + 300))
    log "waiting for a primary to clone from"
    while true; do
        if primary_port=$(find_primary); then
            log "cloning from the primary on port $primary_port"
            mkdir -m 0700 -p "$data"
            # --fast-checkpoint: without it the clone waits for the next scheduled checkpoint,
            # up to checkpoint_timeout.
            if "$PG_BINDIR/repmgr" -f "$repmgr_config" -h 127.0.0.1 -p "$primary_port" -U repmgr \
                -d repmgr standby clone --fast-checkpoint >&2; then
                return 0
            fi
            log "the clone from port $primary_port failed; retrying"
            rm -rf "$data"
        fi
        if ((SECONDS >= deadline)); then
            log "no clone succeeded within 300 s; check that another node runs as primary"
            exit 1
        fi
        sleep 2
    done
}

# Prints the port of the node that runs as the primary now, or "none" when a node on a newer
# timeline exists but does not accept connections. Either means that this node, which has no
# standby.signal, must not start as a primary. Returns 1 when this node may start as the primary.
find_superseding_primary() {
    local own entry id dir other port
    if port=$(find_primary); then
        echo "$port"
        return 0
    fi

    own=$(timeline_of "$data")
    for entry in $CLUSTER_NODES; do
        IFS=: read -r id port dir <<< "$entry"
        [[ "$id" == "$NODE_ID" || ! -e "$dir/data/global/pg_control" || -e "$dir/data/standby.signal" ]] && continue
        other=$(newest_timeline_of "$dir/data")
        if ((other > own)); then
            log "node $id was promoted on timeline $other while this node (timeline $own) was down, but it does not answer"
            echo none
            return 0
        fi
    done
    return 1
}

# A former primary never runs as a second primary. It stays fenced (exits with code 3, so it is
# neither in pgBouncer nor writable) until it has been rejoined as a standby of the current primary.
# pg_rewind discards what it wrote on its old timeline after the fork. Quorum commit kept those
# commits from being acknowledged to any client. repmgr then writes the standby configuration.
fence_or_rejoin() {
    [[ -e "$data/standby.signal" ]] && return 0

    local primary_port
    primary_port=$(find_superseding_primary) || return 0
    if [[ "$primary_port" == none ]]; then
        log "FENCED: another node was promoted while this node was down, and no primary answers now."
        log "This node must not run as a second primary; it rejoins as a standby on its next start"
        log "once a primary answers."
        exit 3
    fi

    log "FENCED: the node on port $primary_port is the primary now; rejoining as its standby with pg_rewind"
    # pg_rewind reads the source's timeline from its pg_control, which shows a new primary's timeline
    # only after a checkpoint; without one it finds both on the old timeline and rewinds nothing.
    "$PG_BINDIR/psql" -h 127.0.0.1 -p "$primary_port" -U repmgr -d repmgr -Atqc CHECKPOINT >&2 ||
        log "CHECKPOINT on the primary failed; the rewind may find nothing to do"
    touch "$rejoining"
    mkdir -p "$NODE_DIR/config-archive"
    # --no-wait: the server starts below as the resource's process, after repmgr returns.
    # The configuration files live outside the data folder, so pg_rewind cannot overwrite them.
    if ! "$PG_BINDIR/repmgr" -f "$repmgr_config" node rejoin --force-rewind --no-wait \
        --config-archive-dir="$NODE_DIR/config-archive" \
        -d "host=127.0.0.1 port=$primary_port user=repmgr dbname=repmgr connect_timeout=2" >&2; then
        rm -f "$rejoining"
        # pg_rewind needs the old timeline's WAL back to the last common checkpoint, which a busy
        # primary may have recycled already. A failed rewind also leaves standby.signal behind, so
        # the node must not start on this data: it is cloned from the primary instead (about 11 s).
        log "the rejoin failed (see the lines above); cloning from the primary instead"
        touch "$initializing"
        rm -rf "$data"
        clone_standby
        return 0
    fi
    rm -f "$rejoining"

    # Should the rewind still leave WAL of the old timeline past the fork point (pg_rewind reported
    # that no rewind was needed), the node could never follow the new timeline: clone it instead.
    if diverged_from "$primary_port"; then
        log "the rewound data still ends past the new timeline's fork point; cloning from the primary instead"
        touch "$initializing"
        rm -rf "$data"
        clone_standby
        return 0
    fi
    log "rejoined as a standby of the primary on port $primary_port"
}

# Runs PostgreSQL as a child, so that a stop request (SIGTERM or SIGINT) becomes a fast shutdown:
# a smart shutdown would wait for pgBouncer's server connections to close, which never happens by
# itself. The script exits with the server's exit status.
run_server() {
    "$PG_BINDIR/postgres" -c config_file="$config" &
    local postmaster=$! status=0
    trap 'kill -INT "$postmaster" 2>/dev/null' TERM INT
    while true; do
        wait "$postmaster" && status=0 || status=$?
        kill -0 "$postmaster" 2>/dev/null || break
    done
    exit "$status"
}

write_password_file
# A marker from a rejoin that was interrupted must not let a later repmgr start request through.
rm -f "$rejoining"

# A marker left behind means an earlier initialization or clone was interrupted: start it over.
if [[ -e "$initializing" || ! -s "$data/PG_VERSION" ]]; then
    touch "$initializing"
    rm -rf "$data"
    if [[ "$NODE_ID" == 1 ]]; then
        bootstrap_primary
    else
        clone_standby
    fi
fi

fence_or_rejoin

rm -f "$initializing"
log "starting PostgreSQL as a $([[ -e "$data/standby.signal" ]] && echo standby || echo primary)"
run_server
