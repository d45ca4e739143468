#!/usr/bin/env bash
# Measures the seconds from `dotnet run` of the built AppHost until every resource is healthy
# (the AppHost logs "Platform ready" at that moment), three times on a new state folder (cold:
# initdb and two standby clones included) and three times on the state folder of the first run
# (warm), and prints the median of each with the machine's core count. Beside them it times a
# minimal AppHost with one executable resource (bench/Baselines/MinimalAppHost, until it logs
# "Baseline ready"), the same number of times, and prints each median as a ratio to it. The
# AppHost starts as bench/lib/platform.sh starts it, with new secrets made once for the script.
#
# Usage: bench/startup.sh [--runs N] [--smoke]
#   --runs N   runs per kind (default 3)
#   --smoke    one cold run only, to check that the script works
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=3
kinds=(cold warm)
while (($#)); do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --smoke) runs=1; kinds=(cold); shift ;;
        *) echo "startup.sh: unknown option '$1' (expected --runs N or --smoke)" >&2; exit 2 ;;
    esac
done

readonly ready_timeout=600
bench_name=startup.sh
source bench/lib/platform.sh
work="$platform_work"
trap platform_stop EXIT
# Every run on a state folder needs the secrets of its first run, so they are made here, once.
platform_new_secrets

echo "build: LuckyGas.AppHost and the minimal AppHost" >&2
dotnet build LuckyGas.AppHost --nologo --verbosity quiet >&2
dotnet build bench/Baselines/MinimalAppHost --nologo --verbosity quiet >&2

# Starts an AppHost in its own process group, waits for its ready line, prints the seconds,
# then stops the whole group with SIGTERM. (SIGINT would not do: a background job of a
# non-interactive shell starts with SIGINT ignored.)
# Usage: measure STATE_FOLDER, or measure --baseline for the minimal AppHost.
measure() {
    local state="$1" log="$work/run.log" start elapsed ready="Platform ready"
    start=$(date +%s.%N)
    if [[ "$state" == --baseline ]]; then
        ready="Baseline ready"
        platform_run_apphost "$log" \
            dotnet run --project bench/Baselines/MinimalAppHost --no-build --no-launch-profile
    else
        LUCKYGAS_STATE="$state"
        platform_launch "$state" "$log"
    fi
    platform_wait_for_line "$log" "$ready" "$ready_timeout"
    elapsed=$(awk -v start="$start" -v end="$(date +%s.%N)" 'BEGIN { print end - start }')
    kill -TERM -- -"$platform_pid"
    wait "$platform_pid" 2>/dev/null || true
    platform_pid=""
    # The servers finish their shutdown after the AppHost exits, and a warm start on the same
    # folder needs their ports back.
    [[ "$state" == --baseline ]] || platform_wait_until_released "$state"
    printf '%.1f\n' "$elapsed"
}

machine_line
: > "$work/baseline.txt"
for ((run = 1; run <= runs; run++)); do
    seconds=$(measure --baseline)
    echo "baseline run $run: $seconds s"
    echo "$seconds" >> "$work/baseline.txt"
done
baseline=$(median < "$work/baseline.txt")
echo "baseline start (minimal AppHost, one executable), median of $runs: $baseline s"

for kind in "${kinds[@]}"; do
    : > "$work/$kind.txt"
    for ((run = 1; run <= runs; run++)); do
        if [[ "$kind" == cold ]]; then
            state="$work/state-$run"
        else
            state="$work/state-1"
        fi
        seconds=$(measure "$state")
        echo "$kind run $run: $seconds s"
        echo "$seconds" >> "$work/$kind.txt"
    done
    kind_median=$(median < "$work/$kind.txt")
    echo "$kind start, median of $runs: $kind_median s, $(awk -v a="$kind_median" -v b="$baseline" 'BEGIN { printf "%.1f", a / b }') times the baseline"
done
