#!/usr/bin/env bash
# Runs repmgrd for one node in the foreground, after registering the node with repmgr when it
# is a standby that was cloned but not registered yet.
#
# Environment: NODE_ID, NODE_NAME, NODE_DIR, NODE_PORT, PG_BINDIR, REPLICATION_PASSWORD,
# POSTGRES_PASSWORD.
set -euo pipefail

repmgr_config="$NODE_DIR/repmgr.conf"
export PGPASSFILE="$NODE_DIR/.pgpass"
export PGCONNECT_TIMEOUT=2

query() {
    "$PG_BINDIR/psql" -h 127.0.0.1 -p "$NODE_PORT" -U repmgr -d repmgr -Atqc "$1"
}

deadline=$((SECONDS + 120))
until "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$NODE_PORT"; do
    if ((SECONDS >= deadline)); then
        echo "$NODE_NAME: PostgreSQL on port $NODE_PORT did not accept connections within 120 s" >&2
        exit 1
    fi
    sleep 1
done

# The repmgr schema replicates, so a standby can read whether it is registered. A former primary
# that was rejoined is still recorded as a primary until it registers again as a standby.
if [[ "$(query 'SELECT pg_is_in_recovery()')" == t ]]; then
    case "$(query "SELECT type FROM repmgr.nodes WHERE node_id = $NODE_ID")" in
        standby) ;;
        "")
            echo "$NODE_NAME: registering as a standby" >&2
            "$PG_BINDIR/repmgr" -f "$repmgr_config" standby register --wait-sync=60 >&2
            ;;
        *)
            echo "$NODE_NAME: registering again as a standby after a rejoin" >&2
            "$PG_BINDIR/repmgr" -f "$repmgr_config" standby register --force --wait-sync=60 >&2
            ;;
    esac
fi

exec "$PG_BINDIR/repmgrd" -f "$repmgr_config" --daemonize=false --no-pid-file
