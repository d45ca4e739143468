#!/bin/sh
# Starts pgBouncer in its container (publish mode): renders pgbouncer.ini from the run-mode
# template, writes the user list from the secret environment variables and runs pgBouncer in the
# foreground.
#
# Environment: PRIMARY_HOST, PRIMARY_PORT, APP_PASSWORD, POSTGRES_PASSWORD and, optionally,
# DEFAULT_POOL_SIZE (server connections per database and user, 20 unless set).
set -eu

directory=/var/lib/luckygas-pgbouncer
export CONF_primary_host="$PRIMARY_HOST" CONF_primary_port="$PRIMARY_PORT"
export CONF_listen_address='*' CONF_port=6432 CONF_socket_directory="$directory"
export CONF_auth_file="$directory/userlist.txt" CONF_default_pool_size="${DEFAULT_POOL_SIZE:-20}"
render-template.sh /etc/luckygas/templates/pgbouncer.ini "$directory/pgbouncer.ini"

# The user list carries passwords, so it is written at every start, never baked into the image.
(umask 077 && printf '"luckygas" "%s"\n"postgres" "%s"\n' "$APP_PASSWORD" "$POSTGRES_PASSWORD" \
    > "$directory/userlist.txt")

# 1000 client connections need more descriptors than the usual soft limit of 1024.
ulimit -n 4096 2>/dev/null || echo "pgbouncer: could not raise the open file limit to 4096" >&2
exec pgbouncer "$directory/pgbouncer.ini"
