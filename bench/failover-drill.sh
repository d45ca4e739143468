#!/usr/bin/env bash
# Fails the PostgreSQL primary and the Redis master over three times each, under a stream of writes.
# Prints the median and maximum write outage in seconds and the number of acknowledged writes lost.
#
# PostgreSQL: one insert at a time through pgBouncer, each its own committed transaction; the primary's
# postmaster gets SIGKILL. Redis: one SET at a time on the master that the sentinels name, as a
# sentinel-aware client finds it; the master gets SIGKILL. The outage is the time from the last
# acknowledged write before the kill to the first after it. Between runs the drill waits until the
# old primary or master is back in the cluster (the AppHost restarts it; a PostgreSQL node rejoins
# with pg_rewind), so every run starts from a full cluster.
#
# Usage: bench/failover-drill.sh [--runs N] [--smoke]
#   --runs N   failovers of each kind (default 3)
#   --smoke    one failover of each kind, to check that the script works
# Attaches to a running platform when LUCKYGAS_STATE is set, and kills its primary and master;
# otherwise starts its own. bench/lib/platform.sh lists the passwords that attaching needs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=3
while (($#)); do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --smoke) runs=1; shift ;;
        *) echo "failover-drill.sh: unknown option '$1' (expected --runs N or --smoke)" >&2; exit 2 ;;
    esac
done

readonly recovery_timeout=120
bench_name=failover-drill.sh
source bench/lib/platform.sh
platform_start_or_attach
[[ -n "${LUCKYGAS_POSTGRES_PASSWORD:-}" ]] || fail "LUCKYGAS_POSTGRES_PASSWORD is not set (the running platform's postgres-password parameter)"
[[ -n "${LUCKYGAS_REDIS_PASSWORD:-}" ]] || fail "LUCKYGAS_REDIS_PASSWORD is not set (the running platform's redis-password parameter)"
state="$LUCKYGAS_STATE"
work="$platform_work"
postgres_password="$LUCKYGAS_POSTGRES_PASSWORD"
db_password="$LUCKYGAS_DB_PASSWORD"
redis_password="$LUCKYGAS_REDIS_PASSWORD"

port_of() { platform_port "$1"; }
now() { date +%s.%N; }
seconds_between() { awk -v from="$1" -v to="$2" 'BEGIN { printf "%.2f", to - from }'; }
# Returns whether more than $2 seconds have passed since the time $1.
elapsed_over() { awk -v from="$1" -v to="$(now)" -v limit="$2" 'BEGIN { exit !(to - from > limit) }'; }

sql() {
    PGPASSWORD="$2" PGCONNECT_TIMEOUT=2 psql -h 127.0.0.1 -p "$1" -U "$3" -d "$4" -Atqc "$5" 2>/dev/null
}

primary_node() {
    local node
    for node in postgres-1 postgres-2 postgres-3; do
        if [[ "$(sql "$(port_of "$node")" "$postgres_password" postgres postgres 'SELECT pg_is_in_recovery()')" == f ]]; then
            echo "$node"
        fi
    done
}

streaming_standbys() {
    sql "$(port_of "$1")" "$postgres_password" postgres postgres \
        "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
}

# Waits until one node is the primary with both standbys streaming.
wait_for_full_postgres() {
    local deadline=$((SECONDS + recovery_timeout)) primary
    while ((SECONDS < deadline)); do
        primary=$(primary_node)
        if [[ -n "$primary" && "$(wc -w <<< "$primary")" == 1 && "$(streaming_standbys "$primary")" == 2 ]]; then
            echo "$primary"
            return 0
        fi
        sleep 1
    done
    echo "failover-drill.sh: the PostgreSQL cluster did not have a primary with two streaming standbys within $recovery_timeout s" >&2
    exit 1
}

postgres_run() {
    local primary pgbouncer kill_at last_before="" first_after="" id sequence=0 acknowledged="$work/pg-acknowledged"
    primary=$(wait_for_full_postgres)
    pgbouncer=$(port_of pgbouncer)
    sql "$pgbouncer" "$db_password" luckygas luckygas \
        "CREATE TABLE IF NOT EXISTS drill_writes (id bigint PRIMARY KEY, run int)" > /dev/null
    : > "$acknowledged"

    local deadline=$((SECONDS + 60)) killed=0 start_at
    start_at=$(now)
    while ((SECONDS < deadline)); do
        sequence=$((sequence + 1))
        id=$((run * 1000000 + sequence))
        if [[ "$(sql "$pgbouncer" "$db_password" luckygas luckygas \
            "INSERT INTO drill_writes VALUES ($id, $run) RETURNING 1")" == 1 ]]; then
            echo "$id" >> "$acknowledged"
            if ((killed)); then
                first_after=$(now)
                break
            fi
            last_before=$(now)
        fi
        if ((!killed)) && elapsed_over "$start_at" 2; then
            kill -KILL "$(head -1 "$state/$primary/data/postmaster.pid")"
            kill_at=$(now)
            killed=1
        fi
    done
    if [[ -z "$first_after" ]]; then
        echo "failover-drill.sh: no write succeeded within 60 s of killing $primary" >&2
        exit 1
    fi

    local new_primary lost
    new_primary=$(primary_node)
    lost=0
    while read -r written; do
        [[ "$(sql "$(port_of "$new_primary")" "$postgres_password" postgres luckygas \
            "SELECT count(*) FROM drill_writes WHERE id = $written")" == 1 ]] || lost=$((lost + 1))
    done < "$acknowledged"
    echo "$(seconds_between "$last_before" "$first_after") $lost" >> "$work/postgres.txt"
    echo "postgres run $run: killed $primary, $new_primary took over; outage $(seconds_between "$last_before" "$first_after") s" \
        "(kill to first write $(seconds_between "$kill_at" "$first_after") s), $lost of $(wc -l < "$acknowledged") acknowledged writes lost"
}

# redis-cli reads the password from the environment, so it never shows in a command line.
export REDISCLI_AUTH="$redis_password"
redis() { timeout 2 redis-cli -h 127.0.0.1 -p "$1" "${@:2}" 2>/dev/null; }

redis_master_port() { redis "$(port_of sentinel-1)" SENTINEL get-master-addr-by-name luckygas | tail -1; }

# Waits until every sentinel lists the replica with its link up, which a failover needs.
wait_for_full_redis() {
    local deadline=$((SECONDS + recovery_timeout)) sentinel ready
    while ((SECONDS < deadline)); do
        ready=1
        for sentinel in sentinel-1 sentinel-2 sentinel-3; do
            redis "$(port_of "$sentinel")" SENTINEL replicas luckygas | grep -qx "slave" || ready=0
            [[ "$(redis "$(port_of "$sentinel")" SENTINEL replicas luckygas | grep -A1 -x master-link-status | tail -1)" == ok ]] || ready=0
        done
        ((ready)) && return 0
        sleep 1
    done
    echo "failover-drill.sh: the sentinels did not list a connected replica within $recovery_timeout s" >&2
    exit 1
}

redis_run() {
    wait_for_full_redis
    local master last_before="" first_after="" kill_at killed=0 id=0 start_at deadline=$((SECONDS + 60))
    local acknowledged="$work/redis-acknowledged" port pid
    master=$(redis_master_port)
    : > "$acknowledged"
    start_at=$(now)
    while ((SECONDS < deadline)); do
        id=$((id + 1))
        port=$(redis_master_port)
        if [[ -n "$port" && "$(redis "$port" SET "drill:$run:$id" 1 EX 3600)" == OK ]]; then
            echo "drill:$run:$id" >> "$acknowledged"
            if ((killed)) && [[ "$port" != "$master" ]]; then
                first_after=$(now)
                break
            fi
            ((killed)) || last_before=$(now)
        fi
        if ((!killed)) && elapsed_over "$start_at" 2; then
            # The master's process is the one that listens on its port in this drill's state folder.
            pid=$(ss -Hltnp "sport = :$master" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
            [[ "$(readlink "/proc/$pid/cwd")" == "$state"* ]] || { echo "failover-drill.sh: port $master is not this drill's" >&2; exit 1; }
            kill -KILL "$pid"
            kill_at=$(now)
            killed=1
        fi
    done
    if [[ -z "$first_after" ]]; then
        echo "failover-drill.sh: no Redis write succeeded within 60 s of killing the master" >&2
        exit 1
    fi

    local lost=0 new_master
    new_master=$(redis_master_port)
    while read -r key; do
        [[ "$(redis "$new_master" EXISTS "$key")" == 1 ]] || lost=$((lost + 1))
    done < "$acknowledged"
    echo "$(seconds_between "$last_before" "$first_after") $lost" >> "$work/redis.txt"
    echo "redis run $run: killed the master on port $master, port $new_master took over; outage" \
        "$(seconds_between "$last_before" "$first_after") s (kill to first write $(seconds_between "$kill_at" "$first_after") s)," \
        "$lost of $(wc -l < "$acknowledged") acknowledged writes lost"
}

summarize() {
    local kind="$1" file="$work/$1.txt"
    echo "$kind: median outage $(cut -d' ' -f1 "$file" | median) s, maximum $(cut -d' ' -f1 "$file" | sort -n | tail -1) s," \
        "acknowledged writes lost $(awk '{ sum += $2 } END { print sum }' "$file") over $runs runs"
}

machine_line
for ((run = 1; run <= runs; run++)); do
    postgres_run
done
for ((run = 1; run <= runs; run++)); do
    redis_run
done
summarize postgres
summarize redis
sql "$(port_of pgbouncer)" "$db_password" luckygas luckygas "DROP TABLE drill_writes" > /dev/null
