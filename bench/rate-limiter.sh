#!/usr/bin/env bash
# Measures the requests per second of GET /api/v1/customers/{id} on api-1 with the rate limiter on
# and off, with wrk (2 threads, 16 connections), in one run on one platform: the limiter is turned
# off and on again through the API's runtime settings file. Prints both rates, their ratio and the
# machine's core count. It starts its own platform through the test project (the
# RateLimiterBenchmark test), so no other platform or test run may be active.
#
# Usage: bench/rate-limiter.sh [--seconds N] [--smoke]
#   --seconds N  seconds of wrk per mode (default 30)
#   --smoke      3 seconds per mode, to check that the script works
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=30
while (($#)); do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --smoke) seconds=3; shift ;;
        *) echo "rate-limiter.sh: unknown option '$1' (expected --seconds N or --smoke)" >&2; exit 2 ;;
    esac
done

if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "rate-limiter.sh: --seconds must be a positive whole number, not '$seconds'" >&2
    exit 2
fi

if ! command -v wrk > /dev/null; then
    echo "rate-limiter.sh: wrk is not installed; it is in scripts/debian-packages.txt" >&2
    exit 1
fi

work=$(mktemp -d /tmp/luckygas-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "build: LuckyGas.Tests" >&2
dotnet build LuckyGas.Tests --nologo --verbosity quiet >&2

echo "run: $seconds s of wrk per mode on a new platform (start-up takes about a minute)" >&2
if ! LUCKYGAS_BENCH_SECONDS="$seconds" LUCKYGAS_BENCH_OUTPUT="$work/figures.txt" \
    dotnet test LuckyGas.Tests --no-build --nologo \
    --filter "FullyQualifiedName~LuckyGas.Tests.RateLimiting.RateLimiterBenchmark" > "$work/test.log" 2>&1; then
    echo "rate-limiter.sh: the benchmark test failed; its output:" >&2
    tail -60 "$work/test.log" >&2
    exit 1
fi

if [[ ! -s "$work/figures.txt" ]]; then
    echo "rate-limiter.sh: the benchmark test wrote no figures; its output:" >&2
    tail -60 "$work/test.log" >&2
    exit 1
fi

cat "$work/figures.txt"
