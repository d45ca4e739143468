#!/bin/sh
# Starts one monitoring program in its container (publish mode), the counterpart of the host
# processes that MonitoringExtensions adds in run mode. Prometheus and Alertmanager render their
# configuration from the run-mode templates at every start, because neither rewrites it.
#
# Usage: container-start.sh prometheus|alertmanager|node-exporter|postgres-exporter|redis-exporter
# Environment:
#   prometheus: ALERTMANAGER_ADDRESS ("host:port") and, for each scrape job, a YAML flow sequence
#     of static configs: API_TARGETS, WEB_TARGETS, BACKUP_WORKER_TARGETS, POSTGRES_TARGETS,
#     REDIS_TARGETS, SENTINEL_TARGETS, NODE_TARGETS, ALERTMANAGER_TARGETS, PROMETHEUS_TARGETS.
#     A job without targets may be left unset.
#   alertmanager: SLACK_WEBHOOK_URL (empty means alerts are only kept in Alertmanager).
#   postgres-exporter: DATA_SOURCE_NAME. redis-exporter: REDIS_ADDR and REDIS_PASSWORD.
set -eu

program=${1:-prometheus}
directory=/var/lib/luckygas-monitoring
templates=/etc/luckygas/templates

render() {
    rm -f "$directory/$1"
    render-template.sh "$templates/$1" "$directory/$1"
}

case "$program" in
prometheus)
    export CONF_rules_file=/etc/luckygas/alert-rules.yml
    export CONF_alertmanager_address="$ALERTMANAGER_ADDRESS"
    # With managed PostgreSQL and Redis the exporters are not deployed, so their jobs are empty.
    export CONF_api_targets="${API_TARGETS:-[]}" CONF_web_targets="${WEB_TARGETS:-[]}"
    export CONF_backup_worker_targets="${BACKUP_WORKER_TARGETS:-[]}"
    export CONF_postgres_targets="${POSTGRES_TARGETS:-[]}" CONF_redis_targets="${REDIS_TARGETS:-[]}"
    export CONF_sentinel_targets="${SENTINEL_TARGETS:-[]}" CONF_node_targets="${NODE_TARGETS:-[]}"
    export CONF_alertmanager_targets="${ALERTMANAGER_TARGETS:-[]}"
    export CONF_prometheus_targets="${PROMETHEUS_TARGETS:-[]}"
    render prometheus.yml
    exec prometheus --config.file="$directory/prometheus.yml" --storage.tsdb.path="$directory/data" \
        --storage.tsdb.retention.time=15d --web.listen-address=:9090
    ;;
alertmanager)
    # The URL is a secret, so it goes into a private file that the configuration names.
    (umask 077 && printf '%s' "${SLACK_WEBHOOK_URL:-}" > "$directory/slack-webhook-url")
    if [ -n "${SLACK_WEBHOOK_URL:-}" ]; then
        export CONF_receiver=slack
    else
        export CONF_receiver=log-only
    fi
    export CONF_webhook_url_file="$directory/slack-webhook-url"
    render alertmanager.yml
    # An empty cluster address turns off the gossip cluster, as in run mode.
    exec prometheus-alertmanager --config.file="$directory/alertmanager.yml" \
        --storage.path="$directory/data" --web.listen-address=:9093 --cluster.listen-address=
    ;;
node-exporter)
    # NOTE: inside a container node_exporter reports the container's view of the machine: the
    # deployment platform gives no access to the host's /proc and /sys. Its textfile collector
    # has no files here, because the AppHost writes them only in run mode.
    exec prometheus-node-exporter --web.listen-address=:9100
    ;;
postgres-exporter)
    exec prometheus-postgres-exporter --web.listen-address=:9187 \
        --extend.query-path=/etc/luckygas/postgres-exporter-queries.yaml
    ;;
redis-exporter)
    exec prometheus-redis-exporter --redis.addr="$REDIS_ADDR" --web.listen-address=:9121
    ;;
*)
    echo "Unknown program '$program': expected prometheus, alertmanager, node-exporter, postgres-exporter or redis-exporter." >&2
    exit 2
    ;;
esac
