#!/usr/bin/env bash
# Runs testssl.sh (Debian package testssl.sh, command `testssl`) against the edge's HTTPS port
# of a running platform and fails unless: no protocol below TLS 1.2 is offered, no weak cipher
# category (NULL, anonymous, export, low, 3DES/IDEA, or average: CBC without AEAD) is offered,
# and every vulnerability check is rated OK or INFO. The edge is reached only on localhost.
#
# Usage: drills/edge-testssl.sh [STATE_FOLDER]
#   STATE_FOLDER  the state folder of the running platform (default: .state at the repository
#                 root); the AppHost's "Platform ready" line names it
# Prints a summary of the relevant findings; the full flat JSON goes to
# STATE_FOLDER/edge/testssl.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

state="${1:-.state}"
ports="$state/ports.json"
authority="$state/edge-ca/ca.crt"
for file in "$ports" "$authority"; do
    if [[ ! -r "$file" ]]; then
        echo "edge-testssl.sh: $file is missing or unreadable; start the platform (./run.sh) and pass its state folder" >&2
        exit 2
    fi
done

port=$(jq -er '."edge-https"' "$ports") || {
    echo "edge-testssl.sh: $ports records no edge-https port; start the platform with the edge first" >&2
    exit 2
}
report="$state/edge/testssl.json"
rm -f "$report"

echo "testssl: https://localhost:$port (takes one to three minutes)" >&2
# testssl exits with the number of findings it rates, so its status is not the verdict here.
testssl --quiet --color 0 --warnings off --add-ca "$authority" --ip 127.0.0.1 \
    --protocols --std --fs --vulnerable --jsonfile "$report" "https://localhost:$port" > "$state/edge/testssl.log" 2>&1 || true

if [[ ! -s "$report" ]]; then
    echo "edge-testssl.sh: testssl wrote no report; its output:" >&2
    tail -40 "$state/edge/testssl.log" >&2
    exit 1
fi

failures=0
check() {
    local label="$1" query="$2"
    local offending
    offending=$(jq -r "$query" "$report")
    if [[ -n "$offending" ]]; then
        echo "FAIL $label:"
        echo "$offending" | sed 's/^/    /'
        failures=$((failures + 1))
    else
        echo "ok   $label"
    fi
}

echo "protocols offered:"
jq -r '.[] | select(.id | test("^(SSLv2|SSLv3|TLS1|TLS1_1|TLS1_2|TLS1_3)$")) | "    \(.id): \(.finding)"' "$report"
echo "cipher categories:"
jq -r '.[] | select(.id | startswith("cipherlist_")) | "    \(.id): \(.finding)"' "$report"
echo "vulnerabilities:"
jq -r '.[] | select(.cve != null and .cve != "" or (.id | test("^(BREACH|CRIME_TLS|secure_renego|secure_client_renego|fallback_SCSV|LUCKY13|RC4|BEAST)$"))) | "    \(.id): \(.severity) \(.finding)"' "$report"
echo

check "no protocol below TLS 1.2" \
    '.[] | select(.id | test("^(SSLv2|SSLv3|TLS1|TLS1_1)$")) | select(.finding | test("not offered") | not) | "\(.id): \(.finding)"'
check "no weak cipher category" \
    '.[] | select(.id | test("^cipherlist_(NULL|aNULL|EXPORT|LOW|3DES_IDEA|AVERAGE|OBSOLETED)$")) | select(.finding | test("not offered") | not) | "\(.id): \(.finding)"'
check "no known vulnerability" \
    '.[] | select(.cve != null and .cve != "" or (.id | test("^(BREACH|CRIME_TLS|secure_renego|secure_client_renego|fallback_SCSV|LUCKY13|RC4|BEAST|heartbleed|CCS|ticketbleed|ROBOT|POODLE_SSL|SWEET32|FREAK|DROWN|LOGJAM)"))) | select(.severity | test("^(OK|INFO)$") | not) | "\(.id): \(.severity) \(.finding)"'
check "no testssl scan problem" \
    '.[] | select(.id == "scanProblem" or .severity == "FATAL") | "\(.id): \(.finding)"'

if ((failures > 0)); then
    echo "result: $failures check(s) failed; details in $report"
    exit 1
fi
echo "result: every check passed"
