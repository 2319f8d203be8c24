#!/usr/bin/env bash
# Legitimate traffic's requests/s while 10 connections run an HTTP/2 Rapid Reset flood, against the
# same without flood (issue 8). Starts nginx answering "hello" on 127.0.0.1:9001 as the upstream, the
# gateway with bench/conf on 9010 (WORKERS event loops, default 1), then per round: wrk (64 HTTP/1.1
# connections, DURATION s) alone, and wrk while bench's RapidResetFlood runs FLOOD_CONNS (10) h2c
# connections. Prints each round and the median ratio. Needs the Debian packages nginx and wrk.
# PROXY=nginx measures nginx instead, configured alike (one worker, keep-alive upstream pool; HTTP/1.1
# on 9002 for wrk and h2c on 9012 for the flood, as nginx serves cleartext HTTP/2 on its own port).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-10}" FLOOD_CONNS="${FLOOD_CONNS:-10}" WORKERS="${WORKERS:-1}"
command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "rapid-reset: needs nginx and wrk (apt-get install nginx wrk)" >&2; exit 2; }
(cd "$HERE" && ./mvnw -q -B -Dmaven.test.skip=true package -pl bench -am)
. "$HERE/bench/hello-upstream.sh"
W="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; hello_upstream_stop "$W/up"; }
trap cleanup EXIT
hello_upstream "$W/up" 9001
PROXY="${PROXY:-higress-j}"
if [ "$PROXY" = nginx ]; then
  LEGIT=9002 FLOODED=9012
  mkdir -p "$W/px/logs"
  cat > "$W/px/nginx.conf" <<CONF
worker_processes $WORKERS; daemon on; pid $W/px/nginx.pid; error_log $W/px/logs/error.log;
events { worker_connections 65536; }
http {
  access_log off;
  upstream hello { server 127.0.0.1:9001; keepalive 64; }
  server { listen 127.0.0.1:9002; location / { proxy_pass http://hello; proxy_http_version 1.1; proxy_set_header Connection ""; } }
  server { listen 127.0.0.1:9012 http2; location / { proxy_pass http://hello; proxy_http_version 1.1; proxy_set_header Connection ""; } }
}
CONF
  nginx -p "$W/px" -c "$W/px/nginx.conf"
  trap 'cleanup; nginx -p "$W/px" -c "$W/px/nginx.conf" -s stop 2>/dev/null || true' EXIT
else
  LEGIT=9010 FLOODED=9010
  cp -r "$HERE/bench/conf" "$W/conf"
  "$HERE/bin/higress" --config-dir "$W/conf" --http-port 9010 --https-port -1 --admin-port -1 --access-log off \
    --workers "$WORKERS" 2> "$W/gateway.log" &
  PIDS+=($!)
fi
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$LEGIT/" >/dev/null 2>&1 && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$LEGIT/" >/dev/null || { echo "$PROXY did not start (see $W)" >&2; exit 1; }
CP="$HERE/bench/target/classes"
. "$HERE/bin/find-java.sh"
find_java
rps() { wrk -t1 -c64 -d"${DURATION}s" "http://127.0.0.1:$LEGIT/" | awk '/Requests\/sec/ {print int($2)}'; }
wrk -t1 -c64 -d3s "http://127.0.0.1:$LEGIT/" >/dev/null # warm-up
ratios=()
for r in $(seq "$ROUNDS"); do
  base=$(rps)
  "$JAVA" -cp "$CP" io.higressj.bench.RapidResetFlood 127.0.0.1 "$FLOODED" "$FLOOD_CONNS" "$((DURATION + 2))" > "$W/flood.txt" &
  FP=$!
  sleep 1
  flooded=$(rps)
  wait "$FP" || true
  ratio=$(awk -v a="$flooded" -v b="$base" 'BEGIN {printf "%.2f", a / b}')
  ratios+=("$ratio")
  echo "round $r: no flood $base req/s, with flood $flooded req/s ($ratio); $(cat "$W/flood.txt")"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk -v p="$PROXY" '{a[NR]=$1} END {print p ": median ratio (flooded / not flooded): " a[int((NR+1)/2)]}'
