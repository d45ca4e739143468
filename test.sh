#!/usr/bin/env bash
# Sets up the machine, then builds and runs every test in LuckyGas.sln with
# each test's result printed. Arguments go to dotnet test, for example
#   ./test.sh --filter "FullyQualifiedName~Backup"
# It exits with the status of dotnet test, which is non-zero when a test fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

scripts/setup.sh

exec dotnet test LuckyGas.sln --logger "console;verbosity=normal" "$@"
