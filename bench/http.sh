#!/usr/bin/env bash
# Measures the HTTP ceiling: requests per second of a bare Kestrel endpoint
# (bench/Baselines/BareKestrel, a fixed JSON body of a customer's size) against the API's
# cached read GET /api/v1/customers/{id}, on api-1 directly and through the edge, with wrk
# on loopback. Prints each rate, latency percentiles and the ratios to the bare endpoint.
#
# Usage: bench/http.sh [--seconds N] [--connections N] [--smoke]
#   --seconds N      wrk run length per target (default 15)
#   --connections N  concurrent connections (default 32)
#   --smoke          2 s per target with 4 connections, to check that the script works
# Attaches to a running platform when LUCKYGAS_STATE is set (see bench/lib/platform.sh);
# otherwise starts its own.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bench_name=http.sh
source bench/lib/platform.sh

seconds=15
connections=32
while (($#)); do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --connections) connections="$2"; shift 2 ;;
        --smoke) seconds=2; connections=4; shift ;;
        *) fail "unknown option '$1' (expected --seconds N, --connections N or --smoke)" ;;
    esac
done

platform_start_or_attach

echo "build: the bare Kestrel baseline" >&2
dotnet build bench/Baselines/BareKestrel --nologo --verbosity quiet >&2
kestrel_port=$(free_port)
setsid dotnet bench/Baselines/BareKestrel/bin/Debug/net10.0/BareKestrel.dll \
    --urls "http://127.0.0.1:$kestrel_port" > "$platform_work/kestrel.log" 2>&1 &
kestrel_pid=$!
trap 'kill -TERM -- -$kestrel_pid 2>/dev/null || true; platform_stop' EXIT
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$kestrel_port/customer" > /dev/null && break
    sleep 0.2
done
curl -sf "http://127.0.0.1:$kestrel_port/customer" > /dev/null || fail "the bare Kestrel baseline did not start"

token=$(platform_admin_token)
api="http://127.0.0.1:$(platform_port api-1)"
customer=$(platform_request GET "$api/api/v1/customers?pageSize=1" -H "Authorization: Bearer $token" | jq -r '.items[0].id')
[[ "$customer" =~ ^[0-9]+$ ]] || fail "the platform has no customer to read"
path="/api/v1/customers/$customer"
# The first read fills the cache; later reads are served from Redis.
platform_request GET "$api$path" -H "Authorization: Bearer $token" > /dev/null

targets=("bare Kestrel|http://127.0.0.1:$kestrel_port/customer")
targets+=("API cached read, direct|$api$path")
if edge_port=$(jq -r '."edge-https" // empty' "$LUCKYGAS_STATE/ports.json") && [[ -n "$edge_port" ]]; then
    targets+=("API cached read, through the edge|https://127.0.0.1:$edge_port$path")
else
    echo "note: no edge in this platform, so the edge is not measured" >&2
fi

machine_line
echo "wrk: $seconds s per target, $connections connections, 2 threads"
printf '%-36s %12s %8s %8s %10s %10s %8s\n' target requests/s non-2xx errors "p50 ms" "p99 ms" ratio
baseline=""
for target in "${targets[@]}"; do
    name="${target%%|*}"
    url="${target#*|}"
    # Warm-up, untimed: JIT, connection pools and the cache.
    run_wrk "$url" 1 "$connections" -H "Authorization: Bearer $token" > /dev/null
    read -r rps non2xx errors p50 p99 _ < <(run_wrk "$url" "$seconds" "$connections" -H "Authorization: Bearer $token")
    [[ -n "$baseline" ]] || baseline=$rps
    printf '%-36s %12.0f %8d %8d %10.2f %10.2f %8.3f\n' "$name" "$rps" "$non2xx" "$errors" "$p50" "$p99" \
        "$(awk -v a="$rps" -v b="$baseline" 'BEGIN { print a / b }')"
done
