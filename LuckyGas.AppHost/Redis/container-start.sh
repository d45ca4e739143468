#!/bin/sh
# Starts a Redis data node or a sentinel in its container (publish mode). On the first start it
# renders redis.conf or sentinel.conf from the run-mode templates into the /data volume. Later
# starts keep what Sentinel rewrote there, so each node keeps its role, as in run mode.
#
# Usage: container-start.sh server|sentinel
# Environment: NODE_HOST (this container's host name), MASTER_HOST and MASTER_PORT (the first
# master), REDIS_PASSWORD, and for a data node IS_FIRST_MASTER ("true" on redis-1).
set -eu

role=${1:-server}
export CONF_bind='* -::*' CONF_announce_ip="$NODE_HOST" CONF_directory=/data
export CONF_password="$REDIS_PASSWORD"

case "$role" in
server)
    export CONF_port=6379
    if [ "${IS_FIRST_MASTER:-false}" = true ]; then
        export CONF_replication="# redis-1 is the master on the first start."
    else
        export CONF_replication="replicaof $MASTER_HOST $MASTER_PORT"
    fi
    render-template.sh /etc/luckygas/templates/redis.conf /data/redis.conf
    exec redis-server /data/redis.conf
    ;;
sentinel)
    export CONF_port=26379 CONF_resolve_hostnames=yes CONF_service_name=luckygas
    export CONF_master_host="$MASTER_HOST" CONF_master_port="$MASTER_PORT"
    render-template.sh /etc/luckygas/templates/sentinel.conf /data/sentinel.conf
    exec redis-sentinel /data/sentinel.conf
    ;;
*)
    echo "Unknown role '$role': expected server or sentinel." >&2
    exit 2
    ;;
esac
