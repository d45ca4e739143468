#!/usr/bin/env bash
# Measures backup throughput in MB of database per second: the backup worker's pipeline (pg_dump
# -Fc -Z0, gzip, AES-256-GCM, upload to the local S3 store) against plain pg_dump -Fc to
# /dev/null of the same generated database, from the same standby, in the same run, and prints
# the ratio with the machine's core count. It starts its own platform through the test project
# (the BackupBenchmarkTests class), so no other platform or test run may be active.
#
# Usage: bench/backup.sh [--megabytes N] [--smoke]
#   --megabytes N  size of the generated database in MB (default 200)
#   --smoke        a 4 MB database, to check that the script works
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

megabytes=200
while (($#)); do
    case "$1" in
        --megabytes) megabytes="$2"; shift 2 ;;
        --smoke) megabytes=4; shift ;;
        *) echo "backup.sh: unknown option '$1' (expected --megabytes N or --smoke)" >&2; exit 2 ;;
    esac
done

if ! [[ "$megabytes" =~ ^[1-9][0-9]*$ ]]; then
    echo "backup.sh: --megabytes must be a positive whole number, not '$megabytes'" >&2
    exit 2
fi

work=$(mktemp -d /tmp/luckygas-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "build: LuckyGas.Tests" >&2
dotnet build LuckyGas.Tests --nologo --verbosity quiet >&2

echo "run: a $megabytes MB database on a new platform (start-up takes about a minute)" >&2
if ! LUCKYGAS_BENCH=1 LUCKYGAS_BENCH_MB="$megabytes" LUCKYGAS_BENCH_OUTPUT="$work/figures.txt" \
    dotnet test LuckyGas.Tests --no-build --nologo \
    --filter "FullyQualifiedName~BackupBenchmarkTests.FullRun" > "$work/test.log" 2>&1; then
    echo "backup.sh: the benchmark test failed; its output:" >&2
    tail -60 "$work/test.log" >&2
    exit 1
fi

if [[ ! -s "$work/figures.txt" ]]; then
    echo "backup.sh: the benchmark test wrote no figures; its output:" >&2
    tail -60 "$work/test.log" >&2
    exit 1
fi

cat "$work/figures.txt"
