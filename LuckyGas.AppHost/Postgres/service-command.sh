#!/usr/bin/env bash
# repmgr's service_start_command, service_stop_command and service_restart_command. The AppHost
# owns every server process, so repmgr must not start or stop PostgreSQL by itself: a server
# started here would run outside the AppHost's control and outlive it.
echo "repmgr tried to $1 PostgreSQL, but servers start and stop only through their AppHost resource." >&2
echo "Stop or start the node from the Aspire dashboard instead." >&2
exit 1
