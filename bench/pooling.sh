#!/usr/bin/env bash
# Measures what pgBouncer does for connection-heavy clients, with pgbench on loopback:
#  1. 1000 concurrent clients through pgBouncer: transactions per second, and the most server
#     connections the primary saw for the application role during the run; against 16 clients
#     connected directly to the primary.
#  2. A new connection per transaction (pgbench -C) through pgBouncer and directly.
# Each transaction reads one random customer by primary key. Every connection authenticates
# with SCRAM-SHA-256 (pgBouncer's auth_type and the servers' pg_hba.conf), whose key
# derivation dominates the cost of a new connection.
#
# Usage: bench/pooling.sh [--seconds N] [--smoke]
#   --seconds N  pgbench run length per measurement (default 15)
#   --smoke      3 s per measurement with 100 instead of 1000 clients
# Attaches to a running platform when LUCKYGAS_STATE is set (see bench/lib/platform.sh);
# otherwise starts its own.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bench_name=pooling.sh
source bench/lib/platform.sh

seconds=15
many=1000
while (($#)); do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --smoke) seconds=3; many=100; shift ;;
        *) fail "unknown option '$1' (expected --seconds N or --smoke)" ;;
    esac
done

platform_start_or_attach

# pgbench keeps one file descriptor per client.
ulimit -n 4096
export PGPASSWORD=$LUCKYGAS_DB_PASSWORD
primary=$(platform_primary_port)
pgbouncer=$(platform_port pgbouncer)
script="$platform_work/read-customer.sql"
max_id=$(psql -h 127.0.0.1 -p "$primary" -U luckygas -d luckygas -Atc 'select coalesce(max(id), 0) from customers')
((max_id > 0)) || fail "the database has no customers to read"
printf '\\set id random(1, %d)\nSELECT * FROM customers WHERE id = :id;\n' "$max_id" > "$script"

# Prints transactions per second of one pgbench run. Arguments: port, then pgbench options.
run_pgbench() {
    local port="$1" output
    shift
    output=$(pgbench -n -h 127.0.0.1 -p "$port" -U luckygas -f "$script" -T "$seconds" "$@" luckygas 2>&1) \
        || fail "pgbench against port $port failed: $(tail -5 <<< "$output")"
    awk '/^tps = / { printf "%.0f\n", $3 }' <<< "$output"
}

# Samples the primary's server connections of the application role every 0.2 s until stopped,
# and writes the maximum to the file named by its argument.
sample_server_connections() {
    local file="$1" max=0 count
    while true; do
        count=$(psql -h 127.0.0.1 -p "$primary" -U luckygas -d luckygas -Atc \
            "select count(*) from pg_stat_activity where usename = 'luckygas' and backend_type = 'client backend' and pid <> pg_backend_pid()" 2>/dev/null || echo 0)
        ((count > max)) && max=$count
        echo "$max" > "$file"
        sleep 0.2
    done
}

machine_line
echo "pgbench: $seconds s per measurement; each transaction reads one customer by id; auth scram-sha-256"

idle_connections=$(psql -h 127.0.0.1 -p "$primary" -U luckygas -d luckygas -Atc \
    "select count(*) from pg_stat_activity where usename = 'luckygas' and backend_type = 'client backend' and pid <> pg_backend_pid()")
sample_server_connections "$platform_work/server-connections" &
sampler=$!
through_many=$(run_pgbench "$pgbouncer" -c "$many" -j 2)
kill "$sampler"
wait "$sampler" 2>/dev/null || true
server_connections=$(cat "$platform_work/server-connections")

direct_16=$(run_pgbench "$primary" -c 16 -j 2)
echo "$many clients through pgBouncer: $through_many tps, at most $server_connections server connections of the application role on the primary ($idle_connections before the run: the API's pools and standby-lag probes)"
echo "16 clients directly to the primary: $direct_16 tps"
echo "ratio, $many through pgBouncer / 16 direct: $(awk -v a="$through_many" -v b="$direct_16" 'BEGIN { printf "%.2f", a / b }')"

connect_through=$(run_pgbench "$pgbouncer" -c 8 -j 2 -C)
connect_direct=$(run_pgbench "$primary" -c 8 -j 2 -C)
echo "new connection per transaction (pgbench -C, 8 clients), through pgBouncer: $connect_through tps"
echo "new connection per transaction (pgbench -C, 8 clients), directly: $connect_direct tps"
echo "ratio, through pgBouncer / directly: $(awk -v a="$connect_through" -v b="$connect_direct" 'BEGIN { printf "%.2f", a / b }')"
