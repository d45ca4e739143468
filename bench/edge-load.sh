#!/usr/bin/env bash
# Opens 1000 concurrent client connections through the edge (HTTPS) to the API's cached read
# GET /api/v1/customers/{id} with wrk, and prints completed requests, errors and p50/p99
# latency, beside the same load with 16 connections as the baseline.
#
# Usage: bench/edge-load.sh [--seconds N] [--connections N] [--smoke]
#   --seconds N      run length per measurement (default 20)
#   --connections N  concurrent connections of the main run (default 1000)
#   --smoke          2 s with 50 connections, to check that the script works
# Attaches to a running platform when LUCKYGAS_STATE is set (see bench/lib/platform.sh);
# otherwise starts its own. The rate limits of the edge and of the API must allow the load:
# see the script's output for the 429 count.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bench_name=edge-load.sh
source bench/lib/platform.sh

seconds=20
connections=1000
while (($#)); do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --connections) connections="$2"; shift 2 ;;
        --smoke) seconds=2; connections=50; shift ;;
        *) fail "unknown option '$1' (expected --seconds N, --connections N or --smoke)" ;;
    esac
done

platform_start_or_attach

# wrk keeps one file descriptor per connection.
ulimit -n 8192
edge_port=$(platform_port edge-https)
token=$(platform_admin_token)
edge="https://127.0.0.1:$edge_port"
customer=$(platform_request GET "$edge/api/v1/customers?pageSize=1" -H "Authorization: Bearer $token" | jq -r '.items[0].id')
[[ "$customer" =~ ^[0-9]+$ ]] || fail "reading a customer through the edge at $edge failed"
url="$edge/api/v1/customers/$customer"

machine_line
echo "wrk through the edge to GET /api/v1/customers/{id} (cached), $seconds s per run, 2 threads"
printf '%-18s %10s %12s %8s %8s %10s %10s\n' connections completed requests/s non-2xx errors "p50 ms" "p99 ms"
run_wrk "$url" 1 16 -H "Authorization: Bearer $token" > /dev/null
for clients in 16 "$connections"; do
    read -r rps non2xx errors p50 p99 completed < <(run_wrk "$url" "$seconds" "$clients" -H "Authorization: Bearer $token")
    printf '%-18s %10d %12.0f %8d %8d %10.2f %10.2f\n' "$clients" "$completed" "$rps" "$non2xx" "$errors" "$p50" "$p99"
done
