#!/usr/bin/env bash
# Points pgBouncer at the node that is the primary now. repmgr runs this script as its
# event_notification_command after a promotion, a follow or a rejoin; the AppHost's switchover
# runs it too.
#
# repmgr fires standby_promote and repmgrd_failover_promote for one promotion about 50 ms apart,
# and events can arrive late or out of order. So the script trusts no event. It holds a lock,
# queries every node's role, and repoints only when exactly one node is a primary and pgBouncer
# points elsewhere. Clients wait during the switch (PAUSE) instead of failing.
#
# Usage: repoint-pgbouncer.sh PGBOUNCER_INI PGBOUNCER_PORT NODES [NODE_ID EVENT SUCCESS]
#   NODES is "id:port" separated by commas; the last three are repmgr's %n %e %s.
# Environment: PGPASSFILE with the repmgr and postgres passwords, PG_BINDIR (optional).
set -uo pipefail

ini="$1"
pgbouncer_port="$2"
nodes="$3"
event_node="${4:-}"
event="${5:-manual}"
success="${6:-1}"
psql="${PG_BINDIR:-/usr/lib/postgresql/15/bin}/psql"
export PGCONNECT_TIMEOUT=1

log() { printf 'repoint-pgbouncer: %s\n' "$*" >&2; }

if [[ "$success" != 1 ]]; then
    log "event $event of node $event_node did not succeed; pgBouncer is left as it is"
    exit 0
fi

# The lock serializes the notifications of one promotion, which repmgr sends almost together.
exec 9> "$(dirname "$ini")/repoint.lock"
if ! flock -w 15 9; then
    log "another repoint held the lock for 15 s; giving up on event $event"
    exit 1
fi

primaries=()
IFS=, read -ra entries <<< "$nodes"
for entry in "${entries[@]}"; do
    port="${entry#*:}"
    if [[ "$("$psql" -h 127.0.0.1 -p "$port" -U repmgr -d repmgr -Atqc 'SELECT pg_is_in_recovery()' 2>/dev/null)" == f ]]; then
        primaries+=("$port")
    fi
done

if ((${#primaries[@]} != 1)); then
    log "event $event of node $event_node: ${#primaries[@]} nodes answer as primary (ports: ${primaries[*]:-none}); pgBouncer is left as it is"
    exit 0
fi

target="${primaries[0]}"
current=$(sed -n 's/^luckygas = .*port=\([0-9]*\).*/\1/p' "$ini")
admin() { "$psql" -h 127.0.0.1 -p "$pgbouncer_port" -U postgres -d pgbouncer -Atqc "$1" 2>&1; }

if [[ "$current" == "$target" ]]; then
    # A repoint that died between PAUSE and RESUME would leave clients waiting. RESUME is
    # harmless when nothing is paused.
    admin "RESUME luckygas" > /dev/null
    log "event $event of node $event_node: pgBouncer already points at the primary on port $target"
    exit 0
fi

log "event $event of node $event_node: repointing pgBouncer from port ${current:-none} to the primary on port $target"
# PAUSE waits up to 5 s until the server connections are released, so no transaction is cut off.
# Meanwhile new client queries wait in pgBouncer instead of failing.
if ! output=$(timeout 5 "$psql" -h 127.0.0.1 -p "$pgbouncer_port" -U postgres -d pgbouncer -Atqc "PAUSE luckygas" 2>&1); then
    log "PAUSE did not finish within 5 s (${output:-timed out}); repointing without it"
fi

temporary="$ini.tmp"
sed "s/^luckygas = .*/luckygas = host=127.0.0.1 port=$target dbname=luckygas/" "$ini" > "$temporary"
chmod 0600 "$temporary"
mv "$temporary" "$ini"

# RELOAD makes pgBouncer close the server connections to the old target as they are released.
if ! output=$(admin "RELOAD"); then
    log "RELOAD failed ($output); pgBouncer reads the new target when it starts next"
fi
admin "RESUME luckygas" > /dev/null
log "pgBouncer points at the primary on port $target"
