#!/bin/sh
# Starts nginx in its container (publish mode): writes the certificate and key from the secret
# environment variables, renders nginx.conf from the run-mode template and runs nginx in the
# foreground. The configuration is rendered at every start, as in run mode.
#
# Environment: TLS_CERTIFICATE (the PEM certificate chain, base64-encoded), TLS_KEY (the PEM
# private key, base64-encoded), API_ADDRESS and WEB_ADDRESS ("host:port" of the API and the web
# application), API_REQUESTS_PER_SECOND and API_BURST (the per-client API limits, 200 and 400
# unless set).
set -eu

directory=/var/lib/luckygas-edge
for temporary in client-body proxy fastcgi uwsgi scgi; do
    mkdir -p "$directory/temp/$temporary"
done

# The key is a secret, so it is written at every start with owner-only access, never baked into
# the image. An invalid value fails here, with the variable's name, before nginx starts.
(umask 077 \
    && printf '%s' "$TLS_CERTIFICATE" | base64 -d > "$directory/server.crt" \
    && printf '%s' "$TLS_KEY" | base64 -d > "$directory/server.key") \
    || { echo "edge: TLS_CERTIFICATE or TLS_KEY is not valid base64: set each to a PEM file encoded with 'base64 -w0'." >&2; exit 2; }

export CONF_directory="$directory" CONF_listen_address=0.0.0.0
export CONF_https_port=8443 CONF_http_port=8080 CONF_health_path=/edge/health
export CONF_certificate_path="$directory/server.crt" CONF_certificate_key_path="$directory/server.key"
# Run mode connects from 127.0.0.2, the address the applications trust. A container connects
# from its own address, which LuckyGas__TrustedProxies must name instead.
export CONF_proxy_address=off
export CONF_api_rate="${API_REQUESTS_PER_SECOND:-200}" CONF_api_burst="${API_BURST:-400}"
# The platform balances the replicas behind each address, so each upstream has one server.
export CONF_api_servers="        server $API_ADDRESS;"
export CONF_web_servers="        server $WEB_ADDRESS;"
rm -f "$directory/nginx.conf"
render-template.sh /etc/luckygas/templates/nginx.conf "$directory/nginx.conf"

# Nothing inside the container connects to its IPv6 loopback, and a container without IPv6
# cannot bind it, so the run-mode [::1] listeners are dropped.
sed -i '/listen \[::1\]/d' "$directory/nginx.conf"

# The access log goes to the container's output.
ln -sf /dev/stdout "$directory/access.log"
exec nginx -p "$directory" -c "$directory/nginx.conf" -e stderr
