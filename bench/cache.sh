#!/usr/bin/env bash
# Measures the database statements that GET /api/v1/customers/{id} makes with the Redis read
# cache on and off: reads of one customer alternating api-1 and api-2 with the cache, then the
# same number with the X-Cache-Bypass header (which admins may send to skip the cache), counted
# as scans of the customers table summed over the three PostgreSQL nodes. Prints the counts
# per 1000 reads and their ratio.
#
# Usage: bench/cache.sh [--reads N] [--smoke]
#   --reads N  reads per mode (default 1000)
#   --smoke    50 reads per mode, to check that the script works
# Attaches to a running platform when LUCKYGAS_STATE is set (see bench/lib/platform.sh);
# otherwise starts its own. Other clients reading customers during the run add to the counts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bench_name=cache.sh
source bench/lib/platform.sh

reads=1000
while (($#)); do
    case "$1" in
        --reads) reads="$2"; shift 2 ;;
        --smoke) reads=50; shift ;;
        *) fail "unknown option '$1' (expected --reads N or --smoke)" ;;
    esac
done
[[ "$reads" =~ ^[1-9][0-9]*$ ]] || fail "--reads must be a positive whole number, not '$reads'"

platform_start_or_attach

export PGPASSWORD=$LUCKYGAS_DB_PASSWORD
token=$(platform_admin_token)
api1="http://127.0.0.1:$(platform_port api-1)"
api2="http://127.0.0.1:$(platform_port api-2)"
customer=$(platform_request GET "$api1/api/v1/customers?pageSize=1" -H "Authorization: Bearer $token" | jq -r '.items[0].id')
[[ "$customer" =~ ^[0-9]+$ ]] || fail "the platform has no customer to read"
path="/api/v1/customers/$customer"

# Prints the sequential plus index scans of the customers table, summed over the three nodes.
customer_scans() {
    local node total=0 scans
    for node in postgres-1 postgres-2 postgres-3; do
        scans=$(psql -h 127.0.0.1 -p "$(platform_port "$node")" -U luckygas -d luckygas -Atc \
            "select coalesce(sum(coalesce(seq_scan, 0) + coalesce(idx_scan, 0)), 0) from pg_stat_user_tables where schemaname = 'public' and relname = 'customers'")
        total=$((total + scans))
    done
    echo "$total"
}

# Reads the customer N times over one connection per instance, alternating api-1 and api-2.
# Further arguments are extra headers.
read_customer() {
    local count="$1" config="$platform_work/reads.curl" index
    shift
    : > "$config"
    for ((index = 0; index < count; index++)); do
        if ((index % 2 == 0)); then echo "url = \"$api1$path\""; else echo "url = \"$api2$path\""; fi
        echo 'output = "/dev/null"'
    done >> "$config"
    curl -sf -K "$config" -H "Authorization: Bearer $token" "$@" || fail "a read of $path failed"
}

# Backends flush their statistics after at most 10 s of idleness (PostgreSQL 15's
# PGSTAT_IDLE_INTERVAL), so counts are read once they have had that long to arrive.
settle() { sleep 11; }

read_customer 200 > /dev/null
read_customer 200 -H "X-Cache-Bypass: 1" > /dev/null
settle
before=$(customer_scans)
read_customer "$reads"
settle
cached=$(( $(customer_scans) - before ))
before=$(customer_scans)
read_customer "$reads" -H "X-Cache-Bypass: 1"
settle
bypassed=$(( $(customer_scans) - before ))

machine_line
echo "$reads reads per mode of GET $path, alternating api-1 and api-2, after 200 untimed warm-up reads per mode"
echo "cache on: $cached customers statements ($(awk -v s="$cached" -v r="$reads" 'BEGIN { printf "%.1f", s * 1000 / r }') per 1000 reads)"
echo "cache off: $bypassed customers statements ($(awk -v s="$bypassed" -v r="$reads" 'BEGIN { printf "%.1f", s * 1000 / r }') per 1000 reads)"
echo "ratio, off / on: $(awk -v off="$bypassed" -v on="$cached" 'BEGIN { if (on == 0) print "infinite (no statement with the cache on)"; else printf "%.0f", off / on }')"
