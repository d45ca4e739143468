#!/usr/bin/env bash
# Prepares a Debian 12 machine to build, run and test LuckyGas. It installs the
# missing Debian packages, checks for the .NET SDK, installs the Node.js
# packages from package-lock.json and restores the NuGet packages.
# Each step does work only when something is missing, so running it again is
# safe and quick. Installing Debian packages needs root or sudo.
#
# Environment:
#   LUCKYGAS_DEBIAN_PACKAGES  path of the Debian package list to use in place
#                             of scripts/debian-packages.txt
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(dirname "$script_dir")
package_file=${LUCKYGAS_DEBIAN_PACKAGES:-$script_dir/debian-packages.txt}
[[ $package_file == /* ]] || package_file=$PWD/$package_file
cd "$repo_root"

log_file=$(mktemp)
trap 'rm -f "$log_file"' EXIT

step() {
    printf 'setup: %s\n' "$*"
}

fail() {
    printf 'setup: error: %s\n' "$*" >&2
    exit 1
}

# Runs a command with its output sent to the log file, and prints the last
# lines of that output when the command fails.
run_logged() {
    if ! "$@" >"$log_file" 2>&1; then
        printf 'setup: error: command failed: %s\n' "$*" >&2
        tail -n 40 "$log_file" >&2
        exit 1
    fi
}

# Prints the package names in the list file, one per line, without comments.
read_package_list() {
    awk '{ sub(/#.*/, ""); for (i = 1; i <= NF; i++) print $i }' "$package_file"
}

# Prints the names that installed packages provide, one per line.
# NodeSource's nodejs package, for example, provides npm and conflicts with
# Debian's npm package, so npm counts as installed there.
list_provided_names() {
    dpkg-query -W -f='${db:Status-Status}\t${Provides}\n' 2>/dev/null |
        awk -F '\t' '$1 == "installed" && $2 != "" {
            count = split($2, names, ",")
            for (i = 1; i <= count; i++) {
                sub(/\(.*\)/, "", names[i])
                gsub(/[[:space:]]/, "", names[i])
                print names[i]
            }
        }'
}

install_debian_packages() {
    local packages=() missing=() provided package status
    [[ -r $package_file ]] || fail "package list $package_file not found or not readable"
    mapfile -t packages < <(read_package_list)
    ((${#packages[@]} > 0)) || fail "package list $package_file names no packages"
    provided=$(list_provided_names)

    for package in "${packages[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null) || true
        if [[ $status == "install ok installed" ]]; then
            continue
        fi
        if grep -qxF -- "$package" <<<"$provided"; then
            continue
        fi
        missing+=("$package")
    done

    if ((${#missing[@]} == 0)); then
        step "Debian packages: all ${#packages[@]} installed"
        return
    fi

    local privilege=()
    if ((EUID != 0)); then
        if command -v sudo >/dev/null 2>&1; then
            privilege=(sudo)
        else
            {
                printf 'setup: error: these Debian packages are missing, and installing them needs root or sudo:\n'
                printf '  %s\n' "${missing[@]}"
                printf 'Install them as root, then run this script again:\n'
                printf '  sudo apt-get update && sudo apt-get install -y --no-install-recommends %s\n' "${missing[*]}"
            } >&2
            exit 1
        fi
    fi

    step "Debian packages: installing ${missing[*]}"
    run_logged "${privilege[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    run_logged "${privilege[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}"
}

check_dotnet() {
    if ! command -v dotnet >/dev/null 2>&1; then
        fail "dotnet not found on PATH. Install the .NET 10 SDK" \
            "(https://learn.microsoft.com/dotnet/core/install/linux-debian," \
            "or dotnet-install.sh --channel 10.0), then run this script again."
    fi

    # In the repository root, global.json selects the SDK, so this fails when
    # no installed SDK matches it.
    local version
    if ! version=$(dotnet --version 2>&1); then
        printf '%s\n' "$version" >&2
        if ! dotnet --list-sdks 2>/dev/null | grep -q '^10\.0\.'; then
            fail "no installed .NET SDK matches global.json (10.0.401 or a later 10.0 feature band)." \
                "Install the .NET 10 SDK, then run this script again."
        fi
        fail "'dotnet --version' failed (its output is above). Fix what it reports, then run this script again."
    fi
    step ".NET SDK: $version"
}

install_node_packages() {
    command -v node >/dev/null 2>&1 || fail "node not found on PATH; install the Debian package nodejs"
    command -v npm >/dev/null 2>&1 || fail "npm not found on PATH; install the Debian package npm"

    # npm writes node_modules/.package-lock.json at the end of every install.
    local stamp=node_modules/.package-lock.json
    if [[ ! -e $stamp || $stamp -ot package-lock.json ]]; then
        step "Node.js packages: installing from package-lock.json"
        run_logged npm ci --no-audit --no-fund
    fi

    local s3rver_version
    if ! s3rver_version=$(node node_modules/s3rver/bin/s3rver.js --version 2>&1); then
        printf '%s\n' "$s3rver_version" >&2
        fail "s3rver does not start; delete node_modules and run this script again"
    fi
    step "Node.js packages: s3rver $s3rver_version ready"
}

restore_nuget_packages() {
    run_logged dotnet restore LuckyGas.sln --nologo
    step "NuGet packages: restored for LuckyGas.sln"
}

install_debian_packages
check_dotnet
install_node_packages
restore_nuget_packages
