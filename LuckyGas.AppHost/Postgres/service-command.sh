#!/usr/bin/env bash
# repmgr's service_start_command, service_stop_command and service_restart_command. The AppHost
# owns every server process, so repmgr must not start or stop PostgreSQL by itself: a server
# started here would run outside the AppHost's control and outlive it.
#
# One start is accepted without doing anything: while postgres-node.sh rejoins a former primary
# (the "rejoining" marker exists), repmgr node rejoin asks to start the server, and the script
# starts it itself, as the resource's process, once the rejoin returns.
if [[ "$1" == start && -n "${NODE_DIR:-}" && -e "$NODE_DIR/rejoining" ]]; then
    echo "The node's start script starts PostgreSQL after the rejoin." >&2
    exit 0
fi
echo "repmgr tried to $1 PostgreSQL, but servers start and stop only through their AppHost resource." >&2
echo "Stop or start the node from the Aspire dashboard instead." >&2
exit 1
