#!/usr/bin/env bash
# Prints the response bytes of large JSON bodies through the edge with and without gzip, and
# their ratio: the public OpenAPI document, which the edge compresses, and a page of 100
# customers read with a bearer token, which the edge leaves uncompressed (BREACH); for that list
# it also prints what gzip would have saved, estimated with .NET's GZipStream. It starts its own
# platform through the test project (the EdgeGzipBenchmark test), so no other platform or test
# run may be active.
#
# Usage: bench/edge-gzip.sh [--smoke]
#   --smoke  accepted for symmetry with the other scripts: one run is already the whole measure,
#            because byte counts do not vary between runs
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

while (($#)); do
    case "$1" in
        --smoke) shift ;;
        *) echo "edge-gzip.sh: unknown option '$1' (expected --smoke)" >&2; exit 2 ;;
    esac
done

work=$(mktemp -d /tmp/luckygas-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "build: LuckyGas.Tests" >&2
dotnet build LuckyGas.Tests --nologo --verbosity quiet >&2

echo "run: one platform start (about a minute), then four requests through the edge" >&2
if ! LUCKYGAS_BENCH_OUTPUT="$work/figures.txt" \
    dotnet test LuckyGas.Tests --no-build --nologo --filter "Category=EdgeBenchmark" > "$work/test.log" 2>&1; then
    echo "edge-gzip.sh: the benchmark test failed; its output:" >&2
    tail -60 "$work/test.log" >&2
    exit 1
fi

if [[ ! -s "$work/figures.txt" ]]; then
    echo "edge-gzip.sh: the benchmark test wrote no figures; its output:" >&2
    tail -60 "$work/test.log" >&2
    exit 1
fi

cat "$work/figures.txt"
echo "cores: $(nproc)"
