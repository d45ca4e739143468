#!/usr/bin/env bash
# Runs sqlmap, signed in as the admin, against the customer and order endpoints of a platform that
# this script starts on loopback. It prints the injectable parameters found (expected: 0), the API's
# responses by status code, and the sqlmap level and risk.
#
# sqlmap connects from 127.0.0.1, which the API's default Security:ExemptClients never scores or
# blocks; the script checks that before it starts. As a positive control it first runs sqlmap
# against drills/injectable-control.py, a throwaway server on 127.0.0.1 that pastes a query value
# into SQL against an in-memory SQLite database: if sqlmap finds nothing there, the drill fails.
#
# It takes the platform lock (/tmp/luckygas-platform.lock), so it waits while tests run.
#
# Usage: drills/sqlmap.sh [--level N] [--risk N]
#   --level N  sqlmap's --level, 1 to 5 (default 2): which parameters and payloads it tries
#   --risk N   sqlmap's --risk, 1 to 3 (default 2): 2 adds heavy time-based payloads
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

level=2
risk=2
while (($#)); do
    case "$1" in
        --level) level="$2"; shift 2 ;;
        --risk) risk="$2"; shift 2 ;;
        *) echo "sqlmap.sh: unknown option '$1' (expected --level N or --risk N)" >&2; exit 2 ;;
    esac
done
[[ "$level" =~ ^[1-5]$ ]] || { echo "sqlmap.sh: --level must be 1 to 5, not '$level'" >&2; exit 2; }
[[ "$risk" =~ ^[1-3]$ ]] || { echo "sqlmap.sh: --risk must be 1 to 3, not '$risk'" >&2; exit 2; }
command -v sqlmap > /dev/null || { echo "sqlmap.sh: sqlmap is not installed (Debian package sqlmap)" >&2; exit 1; }

readonly ready_timeout=600
work=$(mktemp -d /tmp/luckygas-drill-XXXXXX)
chmod 0711 "$work"
apphost_pid=""
control_pid=""

cleanup() {
    [[ -n "$control_pid" ]] && kill "$control_pid" 2>/dev/null || true
    if [[ -n "$apphost_pid" ]]; then
        kill -TERM -- -"$apphost_pid" 2>/dev/null || true
        wait "$apphost_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
secret() { openssl rand -hex 16; }

# Prints the number of injection points in sqlmap's log of one run.
injectable_count() { cat "$1"/*/log 2>/dev/null | grep -c '^Parameter: ' || true; }

run_sqlmap() {
    local output="$1"; shift
    sqlmap --batch --level="$level" --risk="$risk" --flush-session --disable-coloring \
        --output-dir="$output" -t "$output.traffic" "$@" > "$output.out" 2>&1 || true
}

echo "positive control: sqlmap --level=$level --risk=$risk against drills/injectable-control.py" >&2
control_port=$(free_port)
python3 drills/injectable-control.py "$control_port" &
control_pid=$!
sleep 1
run_sqlmap "$work/control" -u "http://127.0.0.1:$control_port/items?id=1" -p id
control_found=$(injectable_count "$work/control")
kill "$control_pid" 2>/dev/null || true
control_pid=""
if ((control_found == 0)); then
    echo "sqlmap.sh: FAILED: sqlmap found no injection in the deliberately injectable control; its output:" >&2
    tail -30 "$work/control.out" >&2
    exit 1
fi

echo "build: LuckyGas.AppHost" >&2
dotnet build LuckyGas.AppHost --nologo --verbosity quiet >&2

admin_password=$(secret)
exec 9> /tmp/luckygas-platform.lock
echo "waiting for the platform lock" >&2
flock 9
echo "start: a new platform in $work/state (about a minute)" >&2
setsid dotnet run --project LuckyGas.AppHost --no-build -- "--LuckyGas:StateDirectory=$work/state" \
    "--Parameters:postgres-password=$(secret)" "--Parameters:replication-password=$(secret)" \
    "--Parameters:db-password=$(secret)" "--Parameters:redis-password=$(secret)" \
    "--Parameters:token-signing-key=$(secret)$(secret)" "--Parameters:admin-password=$admin_password" \
    > "$work/apphost.log" 2>&1 &
apphost_pid=$!
started=$SECONDS
until grep -qs "Platform ready" "$work/apphost.log"; do
    if ! kill -0 "$apphost_pid" 2>/dev/null; then
        echo "sqlmap.sh: the AppHost exited before it was ready; its output:" >&2
        tail -40 "$work/apphost.log" >&2
        exit 1
    fi
    if ((SECONDS - started > ready_timeout)); then
        echo "sqlmap.sh: the platform was not ready within $ready_timeout s" >&2
        exit 1
    fi
    sleep 1
done

api_port=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["api-1"])' "$work/state/ports.json")
api="http://127.0.0.1:$api_port"
token=$(curl -sf -H 'Content-Type: application/json' \
    -d "{\"userName\":\"admin\",\"password\":\"$admin_password\"}" "$api/api/v1/auth/token" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])')
auth="Authorization: Bearer $token"

# Blocking is off for this client only if no request with a scanner's User-Agent gets 403.
for attempt in 1 2 3 4; do
    status=$(curl -s -o /dev/null -w '%{http_code}' -A 'sqlmap/1.7.2' -H "$auth" "$api/api/v1/customers?pageSize=1")
    if [[ "$status" != 200 ]]; then
        echo "sqlmap.sh: the drill's client got $status on attempt $attempt; blocking is not off for 127.0.0.1" >&2
        exit 1
    fi
done
customer_id=$(curl -sf -H "$auth" "$api/api/v1/customers?pageSize=1" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')

echo "scan: sqlmap --level=$level --risk=$risk against the customer and order endpoints of api-1" >&2
run_sqlmap "$work/customers-list" -H "$auth" \
    -u "$api/api/v1/customers?search=Lin&city=%E5%8F%B0%E5%8C%97%E5%B8%82&district=%E5%A4%A7%E5%AE%89%E5%8D%80&kind=Restaurant&page=1&pageSize=5"
run_sqlmap "$work/customers-get" -H "$auth" -u "$api/api/v1/customers/${customer_id}*"
run_sqlmap "$work/customers-create" -H "$auth" -u "$api/api/v1/customers" --method POST \
    --data '{"kind":"Restaurant","name":"Drill Shop","phone":"02-2345-6789","city":"台北市","district":"大安區","street":"復興南路一段 100 號","cylinderSizes":[20]}'
run_sqlmap "$work/customers-update" -H "$auth" -u "$api/api/v1/customers/$customer_id" --method PUT \
    --data '{"kind":"Restaurant","name":"Drill Shop","phone":"02-2345-6789","city":"台北市","district":"大安區","street":"復興南路一段 100 號","cylinderSizes":[20]}'
run_sqlmap "$work/orders-list" -H "$auth" \
    -u "$api/api/v1/orders?status=Pending&customerId=$customer_id&district=%E5%A4%A7%E5%AE%89%E5%8D%80&from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&page=1&pageSize=5"
run_sqlmap "$work/orders-create" -H "$auth" -u "$api/api/v1/orders" --method POST \
    --data "{\"customerId\":$customer_id,\"lines\":[{\"sizeKg\":20,\"quantity\":1}]}"

found=0
for run in customers-list customers-get customers-create customers-update orders-list orders-create; do
    count=$(injectable_count "$work/$run")
    found=$((found + count))
    echo "endpoint $run: injectable parameters $count"
done

echo "sqlmap: $(sqlmap --version 2>/dev/null | head -1), level $level, risk $risk"
echo "positive control: injectable parameters $control_found (expected at least 1)"
echo "platform: injectable parameters $found (expected 0)"
echo "platform responses by status code:"
cat "$work"/customers-*.traffic "$work"/orders-*.traffic 2>/dev/null |
    grep -oE '^HTTP response \[#[0-9]+\] \([0-9]+' | grep -oE '[0-9]+$' | sort | uniq -c |
    awk '{ printf "  %s: %s\n", $2, $1 }'
echo "machine: $(nproc) cores; other work on the machine may slow sqlmap, not change its findings"

if ((found > 0)); then
    echo "sqlmap.sh: FAILED: sqlmap reports injectable parameters; see the list above" >&2
    grep -h -A3 '^Parameter: ' "$work"/*/*/log >&2 || true
    exit 1
fi
