#!/usr/bin/env bash
# Measures order creation: POST /api/v1/orders requests per second on api-1 with wrk, against
# pgbench running the equivalent single-row insert through pgBouncer into a scratch copy of
# the orders table (same columns, defaults and indexes), on loopback. Prints both rates and
# their ratio. The scratch table is dropped at the end; the created orders stay, as they would
# after any client's run.
#
# Usage: bench/writes.sh [--seconds N] [--connections N] [--smoke]
#   --seconds N      run length per measurement (default 15)
#   --connections N  concurrent clients for both tools (default 16)
#   --smoke          2 s per measurement with 2 clients, to check that the script works
# Attaches to a running platform when LUCKYGAS_STATE is set (see bench/lib/platform.sh);
# otherwise starts its own.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bench_name=writes.sh
source bench/lib/platform.sh

seconds=15
connections=16
while (($#)); do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --connections) connections="$2"; shift 2 ;;
        --smoke) seconds=2; connections=2; shift ;;
        *) fail "unknown option '$1' (expected --seconds N, --connections N or --smoke)" ;;
    esac
done

platform_start_or_attach

export PGPASSWORD=$LUCKYGAS_DB_PASSWORD
# Keeps psql's NOTICE lines, such as "table does not exist, skipping", out of the figures.
export PGOPTIONS='--client-min-messages=warning'
pgbouncer=$(platform_port pgbouncer)
token=$(platform_admin_token)
api="http://127.0.0.1:$(platform_port api-1)"
customer=$(platform_request GET "$api/api/v1/customers?pageSize=1" -H "Authorization: Bearer $token" | jq -r '.items[0].id')
[[ "$customer" =~ ^[0-9]+$ ]] || fail "the platform has no customer to order for"

window_start=$(date -u -d 'tomorrow 01:00' +%Y-%m-%dT%H:%M:%SZ)
window_end=$(date -u -d 'tomorrow 04:00' +%Y-%m-%dT%H:%M:%SZ)
body=$(jq -cn --argjson customer "$customer" --arg start "$window_start" --arg finish "$window_end" \
    '{customerId: $customer, lines: [{sizeKg: 20, quantity: 1}], windowStart: $start, windowEnd: $finish}')
cat > "$platform_work/post-order.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA
platform_request POST "$api/api/v1/orders" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "$body" > /dev/null

# The scratch table copies the orders table; one row carries the same values an order does.
psql -h 127.0.0.1 -p "$pgbouncer" -U luckygas -d luckygas -qc \
    'drop table if exists bench_orders; create table bench_orders (like orders including all)'
trap 'psql -h 127.0.0.1 -p "$pgbouncer" -U luckygas -d luckygas -qc "drop table if exists bench_orders" || true; platform_stop' EXIT
# The insert carries the values of the order just created, as literals, for every column that
# has no default (the id and timestamps with defaults are left to the table, as for an order).
insert=$(psql -h 127.0.0.1 -p "$pgbouncer" -U luckygas -d luckygas -Atc "
    select format('INSERT INTO bench_orders (%s) VALUES (%s);',
        string_agg(quote_ident(field.key), ', '), string_agg(quote_nullable(field.value), ', '))
    from (select * from orders order by id desc limit 1) as latest,
        jsonb_each_text(to_jsonb(latest)) as field
    join information_schema.columns as c on c.table_name = 'orders' and c.column_name = field.key
    where c.column_default is null and c.is_identity = 'NO'")
[[ "$insert" == INSERT* ]] || fail "could not build the insert statement from the latest order"
echo "$insert" > "$platform_work/insert.sql"

machine_line
echo "order creation: $seconds s per measurement, $connections clients"
run_wrk "$api/api/v1/orders" 1 "$connections" -s "$platform_work/post-order.lua" > /dev/null
read -r api_rps non2xx errors p50 p99 _ < <(run_wrk "$api/api/v1/orders" "$seconds" "$connections" -s "$platform_work/post-order.lua")
((non2xx == 0 && errors == 0)) || fail "order creation had $non2xx non-2xx responses and $errors socket errors"
output=$(pgbench -n -h 127.0.0.1 -p "$pgbouncer" -U luckygas -f "$platform_work/insert.sql" \
    -c "$connections" -j 2 -T "$seconds" luckygas 2>&1) || fail "pgbench failed: $(tail -5 <<< "$output")"
pgbench_tps=$(awk '/^tps = / { printf "%.0f\n", $3 }' <<< "$output")
printf 'POST /api/v1/orders on api-1: %.0f requests/s (p50 %.2f ms, p99 %.2f ms)\n' "$api_rps" "$p50" "$p99"
echo "pgbench single-row insert through pgBouncer: $pgbench_tps transactions/s"
echo "ratio, API / pgbench: $(awk -v a="$api_rps" -v b="$pgbench_tps" 'BEGIN { printf "%.3f", a / b }')"
