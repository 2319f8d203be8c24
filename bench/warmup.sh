#!/usr/bin/env bash
# Start-up and warm-up (issue 7): launches bin/higress with bench/conf (one route to an nginx "hello"
# upstream on 127.0.0.1:9001) on port 9010, one event loop, and prints
#   - JVM launch to the first routed response (polling with curl every 10 ms),
#   - requests/s in each of the first SECONDS one-second slices of load (wrk, 64 connections) from
#     the first request on, and the first second reaching 80% of the steady rate,
#   - the steady rate: the median of three 5 s runs after those.
# Needs nginx, wrk and curl. ROUNDS (1) repeats the whole measurement with a fresh JVM. The class cache
# is trained first (bin/higress --train), so every round starts as a user's start does after the first;
# HIGRESS_CDS=cds or =off (see bin/higress) measures the other kinds of start.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_="${SECONDS_:-10}" ROUNDS="${ROUNDS:-1}" WORKERS="${WORKERS:-1}"
command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "warmup: needs nginx and wrk" >&2; exit 2; }
(cd "$HERE" && ./mvnw -q -B -Dmaven.test.skip=true package -pl server -am)
touch "$HERE/server/target/higressj-server.jar"
[ "${HIGRESS_CDS:-on}" = off ] || "$HERE/bin/higress" --train
. "$HERE/bench/hello-upstream.sh"
W="$(mktemp -d)"
GW=""
cleanup() { [ -n "$GW" ] && kill "$GW" 2>/dev/null || true; hello_upstream_stop "$W/up"; sleep 0.3; rm -rf "$W"; }
trap cleanup EXIT
hello_upstream "$W/up" 9001
cp -r "$HERE/bench/conf" "$W/conf"
now_ms() { date +%s%3N; }
for r in $(seq 1 "$ROUNDS"); do
  t0=$(now_ms)
  "$HERE/bin/higress" --config-dir "$W/conf" --http-port 9010 --https-port -1 --admin-port -1 --access-log off \
    --workers "$WORKERS" >"$W/gw.log" 2>&1 &
  GW=$!
  until curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9010/ 2>/dev/null | grep -q 200; do sleep 0.01; done
  t1=$(now_ms)
  echo "round $r: JVM launch to first routed response: $((t1 - t0)) ms"
  rates=()
  for s in $(seq 1 "$SECONDS_"); do
    rates+=("$(wrk -t2 -c64 -d1s http://127.0.0.1:9010/ 2>/dev/null | awk '/^Requests\/sec/{printf "%.0f", $2}')")
  done
  steady=$(for i in 1 2 3; do wrk -t2 -c64 -d5s http://127.0.0.1:9010/ 2>/dev/null | awk '/^Requests\/sec/{printf "%.0f\n", $2}'; done | sort -n | sed -n 2p)
  first80="-"
  for i in "${!rates[@]}"; do
    if [ "${rates[$i]}" -ge $((steady * 8 / 10)) ]; then first80="$((i + 1))"; break; fi
  done
  echo "round $r: req/s per second of load: ${rates[*]}"
  echo "round $r: steady $steady req/s; 80% of it first reached in second $first80 of load"
  kill "$GW"; wait "$GW" 2>/dev/null || true; GW=""
done
