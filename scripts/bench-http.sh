#!/usr/bin/env bash
# bench-http.sh: requests per second of hubjwt's JWKS handler against nginx
# serving the same bytes as a static file, measured with wrk in one run on
# loopback. Both servers bind 127.0.0.1 only and are stopped by PID at the end.
#
# Settings (environment): DURATION (default 10s per server), CONNECTIONS
# (default 8), THREADS (default 2), ROUNDS (default 3, alternating servers;
# the median of each is compared).
set -euo pipefail

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/hubjwt-bench-http.XXXXXX)
TOOLS=${TOOLS:-/tmp/hubjwt-bench-tools}
pids=()

cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$WORK"
}
trap cleanup EXIT

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# wrk has no service, so the package is installed normally.
if ! command -v wrk >/dev/null; then
	echo "bench-http: installing wrk from the Debian package" >&2
	as_root apt-get install -y wrk >/dev/null
fi

# Installing the nginx package starts its service on port 80 of every
# interface, so the binary is extracted from the package into $TOOLS instead
# and run with a config of its own.
NGINX=$(command -v nginx || true)
if [ -z "$NGINX" ]; then
	NGINX=$TOOLS/usr/sbin/nginx
	if [ ! -x "$NGINX" ]; then
		# In Debian 12, nginx-light is a transitional package and the binary is
		# in the nginx package.
		echo "bench-http: extracting nginx from the nginx Debian package into $TOOLS" >&2
		mkdir -p "$TOOLS"
		(cd "$WORK" && apt-get download nginx 2>/dev/null >/dev/null)
		dpkg-deb -x "$WORK"/nginx_*.deb "$TOOLS"
	fi
fi

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_http() {
	for _ in $(seq 1 200); do
		if curl -fs -o /dev/null "$1"; then return 0; fi
		sleep 0.05
	done
	echo "bench-http: $1 did not respond; server output:" >&2
	tail -n 20 "$2" >&2 || true
	return 1
}

# hubjwt serve on its own data dir and port.
HUB_PORT=$(free_port)
(cd "$ROOT" && go build -o "$WORK/hubjwt" ./cmd/hubjwt)
mkdir -p "$WORK/data"
HUBJWT_LISTEN=127.0.0.1:$HUB_PORT HUBJWT_ISSUER=http://127.0.0.1:$HUB_PORT \
	HUBJWT_DATA_DIR=$WORK/data HUBJWT_LOG_LEVEL=warn "$WORK/hubjwt" serve \
	>"$WORK/hubjwt.log" 2>&1 &
pids+=($!)
HUB_URL=http://127.0.0.1:$HUB_PORT/.well-known/jwks.json
wait_http "$HUB_URL" "$WORK/hubjwt.log"

# nginx serving the same bytes, with the same Content-Type, from a temp dir.
NGINX_PORT=$(free_port)
mkdir -p "$WORK/www/.well-known" "$WORK/nginx/logs" "$WORK/nginx/tmp"
curl -fsS "$HUB_URL" -o "$WORK/www/.well-known/jwks.json"
# Run as root, nginx's workers drop to an unprivileged user, which must be able
# to read the file.
chmod 755 "$WORK"
chmod -R a+rX "$WORK/www"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $WORK/nginx/tmp/body;
	proxy_temp_path $WORK/nginx/tmp/proxy;
	fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
	uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
	scgi_temp_path $WORK/nginx/tmp/scgi;
	types { application/json json; }
	server {
		listen 127.0.0.1:$NGINX_PORT;
		root $WORK/www;
		location / { add_header Cache-Control "public, max-age=300"; }
	}
}
CONF
"$NGINX" -p "$WORK/nginx" -e "$WORK/nginx/logs/error.log" -c "$WORK/nginx/nginx.conf" &
pids+=($!)
NGINX_URL=http://127.0.0.1:$NGINX_PORT/.well-known/jwks.json
wait_http "$NGINX_URL" "$WORK/nginx/logs/error.log"
if ! cmp -s <(curl -fsS "$HUB_URL") <(curl -fsS "$NGINX_URL"); then
	echo "bench-http: nginx and hubjwt serve different bytes" >&2
	exit 1
fi

rps() {
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$1" | awk '/Requests\/sec/ {print $2}'
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "bench-http: $(wc -c <"$WORK/www/.well-known/jwks.json") byte JWK Set, wrk -t$THREADS" \
	"-c$CONNECTIONS -d$DURATION, $ROUNDS rounds, $(nproc) CPUs" >&2
hub=() ngx=()
for round in $(seq 1 "$ROUNDS"); do
	ngx+=("$(rps "$NGINX_URL")")
	hub+=("$(rps "$HUB_URL")")
	echo "round $round: nginx ${ngx[-1]} req/s, hubjwt ${hub[-1]} req/s" >&2
done
hub_med=$(printf '%s\n' "${hub[@]}" | median)
ngx_med=$(printf '%s\n' "${ngx[@]}" | median)
ratio=$(awk -v h="$hub_med" -v n="$ngx_med" 'BEGIN {printf "%.2f", h / n}')
echo "nginx median: $ngx_med req/s"
echo "hubjwt median: $hub_med req/s"
echo "ratio hubjwt/nginx: $ratio (target at least 0.60)"
