#!/usr/bin/env bash
# Measures the seconds from `dotnet run` of the built AppHost until every resource is healthy
# (the AppHost logs "Platform ready" at that moment), three times on a new state folder (cold:
# initdb and two standby clones included) and three times on the state folder of the first run
# (warm), and prints the median of each with the machine's core count. Beside them it times a
# minimal AppHost with one executable resource (bench/Baselines/MinimalAppHost, until it logs
# "Baseline ready"), the same number of times, and prints each median as a ratio to it.
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
work=$(mktemp -d /tmp/luckygas-bench-XXXXXX)
# mktemp makes the folder private, but the postgres account must reach the state folders in it.
chmod 0711 "$work"
trap 'rm -rf "$work"' EXIT

echo "build: LuckyGas.AppHost and the minimal AppHost" >&2
dotnet build LuckyGas.AppHost --nologo --verbosity quiet >&2
dotnet build bench/Baselines/MinimalAppHost --nologo --verbosity quiet >&2

# Starts an AppHost in its own process group, waits for its ready line, prints the seconds,
# then stops the whole group with SIGTERM. (SIGINT would not do: a background job of a
# non-interactive shell starts with SIGINT ignored.)
# Usage: measure STATE_FOLDER, or measure --baseline for the minimal AppHost.
measure() {
    local state="$1" log="$work/run.log" start pid elapsed ready="Platform ready"
    start=$(date +%s.%N)
    if [[ "$state" == --baseline ]]; then
        ready="Baseline ready"
        setsid dotnet run --project bench/Baselines/MinimalAppHost --no-build > "$log" 2>&1 &
    else
        setsid dotnet run --project LuckyGas.AppHost --no-build -- "--LuckyGas:StateDirectory=$state" \
            > "$log" 2>&1 &
    fi
    pid=$!
    until grep -q "$ready" "$log"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "startup.sh: the AppHost exited before it was ready; its output:" >&2
            tail -40 "$log" >&2
            exit 1
        fi
        if (($(date +%s) - ${start%.*} > ready_timeout)); then
            echo "startup.sh: the platform was not ready within $ready_timeout s" >&2
            kill -TERM -- -"$pid" 2>/dev/null || true
            exit 1
        fi
        sleep 0.2
    done
    elapsed=$(awk -v start="$start" -v end="$(date +%s.%N)" 'BEGIN { print end - start }')
    kill -TERM -- -"$pid"
    wait "$pid" 2>/dev/null || true
    if [[ "$state" != --baseline ]]; then
        wait_until_released "$state"
    fi
    printf '%.1f\n' "$elapsed"
}

# Waits until no process works in the state folder any more: the servers finish their shutdown
# after the AppHost exits, and a warm start on the same folder needs their ports back.
wait_until_released() {
    local state="$1" deadline=$((SECONDS + 60)) process busy
    while ((SECONDS < deadline)); do
        busy=0
        for process in /proc/[0-9]*; do
            if [[ "$(readlink "$process/cwd" 2>/dev/null)" == "$state"* ]]; then
                busy=1
                break
            fi
        done
        ((busy == 0)) && return 0
        sleep 0.5
    done
    echo "startup.sh: processes still use $state 60 s after the stop" >&2
    exit 1
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB memory"
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
