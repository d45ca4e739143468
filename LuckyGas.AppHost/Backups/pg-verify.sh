#!/usr/bin/env bash
# Starts pg-verify, the standalone PostgreSQL server that backup verification restores into.
# It is not part of the replicated cluster and never contains production data beyond the scratch
# databases that a verification creates and drops.
#
# Environment: NODE_NAME, NODE_DIR, NODE_PORT, PG_BINDIR, POSTGRES_PASSWORD.
set -euo pipefail

data="$NODE_DIR/data"
# While this file exists the health check reports the server unhealthy.
initializing="$NODE_DIR/initializing"

if [[ -e "$initializing" || ! -s "$data/PG_VERSION" ]]; then
    touch "$initializing"
    rm -rf "$data"
    printf '%s: initializing a new server\n' "$NODE_NAME" >&2
    "$PG_BINDIR/initdb" -D "$data" -U postgres --auth=scram-sha-256 --encoding=UTF8 \
        --locale=C.UTF-8 --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") >&2
fi

rm -f "$initializing"
exec "$PG_BINDIR/postgres" -D "$data" -c config_file="$NODE_DIR/postgresql.conf"
