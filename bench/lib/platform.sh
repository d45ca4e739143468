# Shared by the scripts in bench/: attaches to a running platform or starts one of its own.
#
# Attach: set LUCKYGAS_STATE to the state folder of a running platform, and
# LUCKYGAS_ADMIN_PASSWORD and LUCKYGAS_DB_PASSWORD to its admin-password and db-password
# parameters (`dotnet user-secrets list --project LuckyGas.AppHost` shows them in run mode).
# The backup drill also needs LUCKYGAS_POSTGRES_PASSWORD and LUCKYGAS_BACKUP_KEY (the
# postgres-password and backup-encryption-key parameters), and the failover drill
# LUCKYGAS_POSTGRES_PASSWORD and LUCKYGAS_REDIS_PASSWORD (the redis-password parameter).
# Start: leave LUCKYGAS_STATE unset; the script builds the AppHost, starts it on a new state
# folder with new secrets, waits for "Platform ready" and stops it (SIGTERM to its process
# group) when the script exits.
#
# A started platform gets the limits in `platform_bench_arguments`, which no load here reaches:
# the scripts measure the platform's capacity, and the limits' own cost is measured by
# bench/rate-limiter.sh. A platform to attach to needs the same arguments, or the scripts'
# non-2xx column counts the 429 responses of its limits.
#
# Callers set `bench_name` before sourcing, for messages.

platform_bench_arguments=(
    # The admin account's reads and writes are Standard's times this multiplier.
    "--Api:RateLimiting:RoleMultipliers:Admin=1000000"
    "--Api:RateLimiting:Anonymous:Reads=100000000"
    "--Edge:ApiRequestsPerSecond=1000000"
    "--Edge:ApiBurst=1000000"
)

platform_work=$(mktemp -d /tmp/luckygas-bench-XXXXXX)
# mktemp makes the folder private, but the postgres account must reach a state folder in it.
chmod 0711 "$platform_work"
platform_pid=""

fail() {
    echo "$bench_name: $*" >&2
    exit 1
}

platform_stop() {
    if [[ -n "$platform_pid" ]]; then
        kill -TERM -- -"$platform_pid" 2>/dev/null || true
        wait "$platform_pid" 2>/dev/null || true
        platform_wait_until_released "$LUCKYGAS_STATE"
        platform_pid=""
    fi
    rm -rf "$platform_work"
}

# Waits until no process works in the state folder any more, so the next start gets its ports.
platform_wait_until_released() {
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
    echo "$bench_name: processes still use $state 60 s after the stop" >&2
}

new_secret() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# Sets every secret parameter that is not set yet to a new random value, so that a started
# platform writes none into the developer's user secrets. A restart on the same state folder
# needs the same values, so they are made once per script.
platform_new_secrets() {
    : "${LUCKYGAS_ADMIN_PASSWORD:=$(new_secret)}" "${LUCKYGAS_DB_PASSWORD:=$(new_secret)}"
    : "${LUCKYGAS_POSTGRES_PASSWORD:=$(new_secret)}" "${LUCKYGAS_REDIS_PASSWORD:=$(new_secret)}"
    : "${LUCKYGAS_BACKUP_KEY:=$(new_secret)$(new_secret)}"
    : "${platform_monitoring_password:=$(new_secret)}" "${platform_replication_password:=$(new_secret)}"
    : "${platform_pepper:=$(new_secret)$(new_secret)}" "${platform_signing_key:=$(new_secret)$(new_secret)}"
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Runs an AppHost in its own process group, its output going to the file $1, and sets
# platform_pid. Further arguments are environment assignments, then the command line.
# The launch profile is skipped, because its fixed dashboard ports would collide with a
# platform that `./run.sh` runs on the same machine: the dashboard gets free ports instead.
platform_run_apphost() {
    local log="$1"
    shift
    setsid env ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development \
        ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
        "ASPNETCORE_URLS=http://127.0.0.1:$(free_port)" \
        "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:$(free_port)" \
        "ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:$(free_port)" \
        "$@" > "$log" 2>&1 &
    platform_pid=$!
}

# Starts the built AppHost on the state folder $1 in its own process group, its output going to
# the file $2, and sets platform_pid. Further arguments go to the AppHost.
platform_launch() {
    local state="$1" log="$2"
    shift 2
    platform_new_secrets
    # Parameters go through the environment, so no secret shows in the process list.
    platform_run_apphost "$log" \
        "Parameters__postgres-password=$LUCKYGAS_POSTGRES_PASSWORD" \
        "Parameters__monitoring-password=$platform_monitoring_password" \
        "Parameters__api-key-pepper=$platform_pepper" \
        "Parameters__backup-encryption-key=$LUCKYGAS_BACKUP_KEY" \
        "Parameters__replication-password=$platform_replication_password" \
        "Parameters__db-password=$LUCKYGAS_DB_PASSWORD" \
        "Parameters__redis-password=$LUCKYGAS_REDIS_PASSWORD" \
        "Parameters__token-signing-key=$platform_signing_key" \
        "Parameters__admin-password=$LUCKYGAS_ADMIN_PASSWORD" \
        dotnet run --project LuckyGas.AppHost --no-build --no-launch-profile -- "--LuckyGas:StateDirectory=$state" \
        "${platform_bench_arguments[@]}" "$@"
}

# Waits until the file $1 contains the line $2, or fails when the process platform_pid exits first
# or $3 seconds pass.
platform_wait_for_line() {
    local log="$1" line="$2" timeout="$3" start=$SECONDS
    until grep -qs "$line" "$log"; do
        if ! kill -0 "$platform_pid" 2>/dev/null; then
            platform_pid=""
            tail -40 "$log" >&2
            fail "the AppHost exited before it logged '$line' (its output is above)"
        fi
        if ((SECONDS - start >= timeout)); then
            kill -TERM -- -"$platform_pid" 2>/dev/null || true
            fail "the AppHost did not log '$line' within $timeout s"
        fi
        sleep 0.2
    done
}

platform_start_or_attach() {
    trap platform_stop EXIT
    if [[ -n "${LUCKYGAS_STATE:-}" ]]; then
        [[ -f "$LUCKYGAS_STATE/ports.json" ]] || fail "LUCKYGAS_STATE=$LUCKYGAS_STATE has no ports.json: is it a platform's state folder?"
        [[ -n "${LUCKYGAS_ADMIN_PASSWORD:-}" ]] || fail "LUCKYGAS_ADMIN_PASSWORD is not set (the running platform's admin-password parameter)"
        [[ -n "${LUCKYGAS_DB_PASSWORD:-}" ]] || fail "LUCKYGAS_DB_PASSWORD is not set (the running platform's db-password parameter)"
        echo "platform: attached to $LUCKYGAS_STATE" >&2
        return 0
    fi

    LUCKYGAS_STATE="$platform_work/state"
    echo "platform: building the AppHost" >&2
    dotnet build LuckyGas.AppHost --nologo --verbosity quiet >&2
    echo "platform: starting on $LUCKYGAS_STATE (under a minute)" >&2
    local start=$SECONDS
    platform_launch "$LUCKYGAS_STATE" "$platform_work/apphost.log" "$@"
    platform_wait_for_line "$platform_work/apphost.log" "Platform ready" 600
    echo "platform: ready after $((SECONDS - start)) s" >&2
}

# Prints the port recorded for a resource, such as api-1 or pgbouncer.
platform_port() {
    local port
    port=$(jq -r --arg name "$1" '.[$name] // empty' "$LUCKYGAS_STATE/ports.json")
    [[ -n "$port" ]] || fail "no port is recorded for resource '$1' in $LUCKYGAS_STATE/ports.json"
    echo "$port"
}

# Prints the port of the PostgreSQL node that is the primary now.
platform_primary_port() {
    local node port
    for node in postgres-1 postgres-2 postgres-3; do
        port=$(platform_port "$node")
        if [[ "$(PGPASSWORD=$LUCKYGAS_DB_PASSWORD psql -h 127.0.0.1 -p "$port" -U luckygas -d luckygas \
            -Atc 'select pg_is_in_recovery()' 2>/dev/null)" == f ]]; then
            echo "$port"
            return 0
        fi
    done
    fail "no PostgreSQL node answers as primary"
}

# Sends one request outside a measured run and prints the response body. A 429 is sent again
# after its Retry-After, because an attached platform's limits may still count an earlier
# script's load. Any other status outside 2xx fails with the status and the body.
# Usage: platform_request METHOD URL [curl options, such as -H 'Name: value' or -d BODY]
platform_request() {
    local method="$1" url="$2" headers="$platform_work/response-headers" response status retry attempt
    shift 2
    for ((attempt = 1; attempt <= 10; attempt++)); do
        response=$(curl -sk -X "$method" -D "$headers" -w '\n%{http_code}' "$@" "$url") \
            || fail "$method $url failed: curl could not complete the request"
        status=${response##*$'\n'}
        if [[ "$status" == 429 ]]; then
            retry=$(awk 'tolower($1) == "retry-after:" { print $2 + 0 }' "$headers")
            echo "$bench_name: $method $url was rate limited, sending it again in ${retry:-1} s" >&2
            sleep "${retry:-1}"
            continue
        fi
        [[ "$status" == 2* ]] || fail "$method $url returned $status: ${response%$'\n'*}"
        printf '%s\n' "${response%$'\n'*}"
        return 0
    done
    fail "$method $url was still rate limited after 10 attempts"
}

# Prints a bearer token of the admin account, signed in through api-1.
platform_admin_token() {
    local body
    body=$(jq -cn --arg password "$LUCKYGAS_ADMIN_PASSWORD" '{userName: "admin", password: $password}')
    platform_request POST "http://127.0.0.1:$(platform_port api-1)/api/v1/auth/token" \
        -H 'Content-Type: application/json' -d "$body" | jq -r .accessToken
}

# Prints the median of the numbers on standard input.
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

machine_line() { echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB memory"; }

# Runs wrk and prints one line: requests/s, responses that were not 2xx or 3xx, socket errors,
# p50 and p99 latency in ms, and completed requests.
# Usage: run_wrk URL SECONDS CONNECTIONS [wrk options such as -H 'Name: value' or -s script]
run_wrk() {
    local url="$1" seconds="$2" connections="$3" threads=2 output
    shift 3
    ((connections < threads)) && threads=$connections
    output=$(wrk --latency -t "$threads" -c "$connections" -d "${seconds}s" "$@" "$url") \
        || fail "wrk failed against $url: $output"
    awk '
        function ms(value) {
            if (value ~ /us$/) return value / 1000
            if (value ~ /ms$/) return value + 0
            if (value ~ /s$/) return value * 1000
            return value
        }
        /Requests\/sec:/ { rps = $2 }
        /requests in/ { completed = $1 }
        /Non-2xx or 3xx responses:/ { non2xx = $5 }
        /Socket errors:/ { errors = $4 + $6 + $8 + $10; gsub(",", "", errors) }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        END { printf "%s %d %d %.2f %.2f %d\n", rps, non2xx, errors, p50, p99, completed }
    ' <<< "$output"
}
