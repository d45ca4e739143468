#!/usr/bin/env bash
# Measures the database statements that GET /api/v1/customers/{id} makes with the Redis read cache
# on and off: 1000 reads of one customer with the cache, then 1000 with the X-Cache-Bypass header
# (which admins may send to skip the cache), counted as scans of the customers table summed over
# the three PostgreSQL nodes. Prints the counts per 1000 reads, their ratio and the machine's core
# count. It starts its own platform through the test project (the CacheBenchmark test), so no
# other platform or test run may be active.
#
# Usage: bench/cache.sh [--reads N] [--smoke]
#   --reads N  reads per mode (default 1000)
#   --smoke    50 reads per mode, to check that the script works
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

reads=1000
while (($#)); do
    case "$1" in
        --reads) reads="$2"; shift 2 ;;
        --smoke) reads=50; shift ;;
        *) echo "cache.sh: unknown option '$1' (expected --reads N or --smoke)" >&2; exit 2 ;;
    esac
done

if ! [[ "$reads" =~ ^[1-9][0-9]*$ ]]; then
    echo "cache.sh: --reads must be a positive whole number, not '$reads'" >&2
    exit 2
fi

work=$(mktemp -d /tmp/luckygas-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "build: LuckyGas.Tests" >&2
dotnet build LuckyGas.Tests --nologo --verbosity quiet >&2

echo "run: $reads reads per mode on a new platform (start-up takes about a minute)" >&2
if ! LUCKYGAS_BENCH=1 LUCKYGAS_BENCH_READS="$reads" LUCKYGAS_BENCH_OUTPUT="$work/figures.txt" \
    dotnet test LuckyGas.Tests --no-build --nologo --filter "Category=Benchmark" > "$work/test.log" 2>&1; then
    echo "cache.sh: the benchmark test failed; its output:" >&2
    tail -60 "$work/test.log" >&2
    exit 1
fi

if [[ ! -s "$work/figures.txt" ]]; then
    echo "cache.sh: the benchmark test wrote no figures; its output:" >&2
    tail -60 "$work/test.log" >&2
    exit 1
fi

cat "$work/figures.txt"
