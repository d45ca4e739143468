#!/usr/bin/env bash
# Disaster-recovery drill: takes a backup through the API (POST /api/v1/admin/backups: dump from
# a standby, encrypt, upload to S3, verify), then restores it with the documented restore
# command (`LuckyGas.BackupWorker restore`) into a new empty database on pg-verify, and prints the
# backup time, the time to restore and whether the restored row counts match the backup's
# manifest. The drill database is dropped at the end.
#
# Usage: bench/backup-restore-drill.sh [--smoke]
#   --smoke  the same steps; accepted so the suite can run every script the same way
# Attaches to a running platform when LUCKYGAS_STATE is set (see bench/lib/platform.sh, which
# lists the passwords it then needs); otherwise starts its own.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bench_name=backup-restore-drill.sh
source bench/lib/platform.sh

while (($#)); do
    case "$1" in
        --smoke) shift ;;
        *) fail "unknown option '$1' (expected --smoke)" ;;
    esac
done

platform_start_or_attach
[[ -n "${LUCKYGAS_POSTGRES_PASSWORD:-}" ]] || fail "LUCKYGAS_POSTGRES_PASSWORD is not set (the platform's postgres-password parameter)"
[[ -n "${LUCKYGAS_BACKUP_KEY:-}" ]] || fail "LUCKYGAS_BACKUP_KEY is not set (the platform's backup-encryption-key parameter)"

echo "build: LuckyGas.BackupWorker" >&2
dotnet build LuckyGas.BackupWorker --nologo --verbosity quiet >&2

token=$(platform_admin_token)
api="http://127.0.0.1:$(platform_port api-1)"

start=$SECONDS
run=$(platform_request POST "$api/api/v1/admin/backups" -H "Authorization: Bearer $token")
id=$(jq -r .id <<< "$run")
status=$(jq -r .status <<< "$run")
while [[ "$status" == Running ]]; do
    ((SECONDS - start < 600)) || fail "backup run $id did not finish within 600 s"
    sleep 1
    run=$(platform_request GET "$api/api/v1/admin/backups/runs/$id" -H "Authorization: Bearer $token")
    status=$(jq -r .status <<< "$run")
done
[[ "$status" == Succeeded ]] || fail "backup run $id ended $status: $(jq -r '"\(.failedStep): \(.error)"' <<< "$run")"
backup_seconds=$((SECONDS - start))
name=$(jq -r .backupName <<< "$run")

verify_port=$(platform_port pg-verify)
database="drill_$(date -u +%Y%m%d%H%M%S)"
export PGPASSWORD=$LUCKYGAS_POSTGRES_PASSWORD
psql -h 127.0.0.1 -p "$verify_port" -U postgres -d postgres -qc "create database $database"
trap 'psql -h 127.0.0.1 -p "$verify_port" -U postgres -d postgres -qc "drop database if exists $database" || true; platform_stop' EXIT

# The restore command reads the key and the S3 store from the environment, as the README gives
# it, and Npgsql reads the password from PGPASSWORD, so none is on a command line.
export Backup__EncryptionKey=$LUCKYGAS_BACKUP_KEY
export S3__ServiceUrl="http://127.0.0.1:$(platform_port s3)" S3__AccessKeyId=S3RVER S3__SecretAccessKey=S3RVER
restore_start=$(date +%s.%N)
if output=$(dotnet run --project LuckyGas.BackupWorker --no-build -- restore --name "$name" \
    --target "Host=127.0.0.1;Port=$verify_port;Database=$database;Username=postgres" 2>&1); then
    matched=yes
else
    matched=no
fi
restore_seconds=$(awk -v start="$restore_start" -v end="$(date +%s.%N)" 'BEGIN { printf "%.1f", end - start }')

machine_line
echo "backup $name (dump from $(jq -r .source <<< "$run"), $(jq -r .sizeBytes <<< "$run") bytes encrypted): $backup_seconds s including verification"
echo "restore into an empty database on pg-verify: $restore_seconds s (including the restore command's start-up)"
echo "restore output: $(tail -1 <<< "$output")"
echo "row counts match the backup: $matched"
[[ "$matched" == yes ]] || fail "the restore failed: $output"
