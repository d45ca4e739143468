#!/usr/bin/env bash
# Sets up the machine, builds the AppHost and starts it, which starts the whole
# platform. Arguments go to the AppHost, for example
#   ./run.sh --LuckyGas:StateDirectory=/var/lib/luckygas/main
# Stop it with Ctrl+C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

scripts/setup.sh

echo "build: LuckyGas.AppHost"
dotnet build LuckyGas.AppHost --no-restore --nologo --verbosity quiet

# exec replaces this shell, so Ctrl+C reaches dotnet run and the AppHost directly.
exec dotnet run --project LuckyGas.AppHost --no-build -- "$@"
