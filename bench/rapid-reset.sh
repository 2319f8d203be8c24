#!/usr/bin/env bash
# Legitimate traffic's requests/s while 10 connections run an HTTP/2 Rapid Reset flood, against the
# same without flood (issue 8). Starts nginx answering "hello" on 127.0.0.1:9001 as the upstream, the
# gateway with bench/conf on 9010 (WORKERS event loops, default 1), then per round: wrk (64 HTTP/1.1
# connections, DURATION s) alone, and wrk while bench's RapidResetFlood runs FLOOD_CONNS (10) h2c
# connections. Prints each round and the median ratio. Needs the Debian packages nginx and wrk.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-10}" FLOOD_CONNS="${FLOOD_CONNS:-10}" WORKERS="${WORKERS:-1}"
command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "rapid-reset: needs nginx and wrk (apt-get install nginx wrk)" >&2; exit 2; }
(cd "$HERE" && ./mvnw -q -B -Dmaven.test.skip=true install -pl bench -am)
W="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; nginx -p "$W/up" -c "$W/up/nginx.conf" -s stop 2>/dev/null || true; }
trap cleanup EXIT
mkdir -p "$W/up/logs"
cat > "$W/up/nginx.conf" <<CONF
worker_processes 1; daemon on; pid $W/up/nginx.pid; error_log $W/up/logs/error.log;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:9001; keepalive_requests 1000000; location / { return 200 "hello\n"; } } }
CONF
nginx -p "$W/up" -c "$W/up/nginx.conf"
cp -r "$HERE/bench/conf" "$W/conf"
"$HERE/bin/higress" --config-dir "$W/conf" --http-port 9010 --https-port -1 --admin-port -1 --access-log off \
  --workers "$WORKERS" 2> "$W/gateway.log" &
PIDS+=($!)
for _ in $(seq 100); do curl -sf http://127.0.0.1:9010/ >/dev/null 2>&1 && break; sleep 0.2; done
curl -sf http://127.0.0.1:9010/ >/dev/null || { echo "gateway did not start; see $W/gateway.log" >&2; exit 1; }
CP="$HERE/bench/target/classes"
. "$HERE/bin/find-java.sh"
find_java
rps() { wrk -t1 -c64 -d"${DURATION}s" http://127.0.0.1:9010/ | awk '/Requests\/sec/ {print int($2)}'; }
wrk -t1 -c64 -d3s http://127.0.0.1:9010/ >/dev/null # warm-up
ratios=()
for r in $(seq "$ROUNDS"); do
  base=$(rps)
  "$JAVA" -cp "$CP" io.higressj.bench.RapidResetFlood 127.0.0.1 9010 "$FLOOD_CONNS" "$((DURATION + 2))" > "$W/flood.txt" &
  FP=$!
  sleep 1
  flooded=$(rps)
  wait "$FP" || true
  ratio=$(awk -v a="$flooded" -v b="$base" 'BEGIN {printf "%.2f", a / b}')
  ratios+=("$ratio")
  echo "round $r: no flood $base req/s, with flood $flooded req/s ($ratio); $(cat "$W/flood.txt")"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print "median ratio (flooded / not flooded): " a[int((NR+1)/2)]}'
