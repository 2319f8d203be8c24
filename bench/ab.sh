#!/usr/bin/env bash
# Compares two builds of the gateway on the HTTP/1.1 proxy path, alternately, on one machine:
#   bench/ab.sh [REV_A] [REV_B]       (git revisions; "." is the working tree; defaults: HEAD and .)
# Each revision is built once (a temporary git worktree; "." builds in place). Then, ROUNDS times
# (default 5), each build in turn: a gateway with bench/conf and bin/higress's JVM options, one event
# loop, pinned to the last CPU while wrk and the upstream (nginx) share the others; WARMUP seconds of
# wrk (64 connections) to compile, then DURATION seconds measured. Per run it prints req/s, the
# gateway's user and system CPU microseconds per request, and the KB it allocated per request (from
# jstat: young collections x eden, plus eden's growth). At the end, the median of each column per build
# and each build's least CPU per request in any round. Then LAT_DURATION seconds (3; 0: none) at one
# connection give the median latency through the gateway ("p50@1", µs; the upstream alone is measured
# once before the rounds, for reference). A_OPTS and B_OPTS add JVM options to one build's
# gateway: `B_OPTS=-XX:+UseCompactObjectHeaders bench/ab.sh . .` compares a JVM option on one build;
# A_ARGS and B_ARGS add gateway options: `B_ARGS="--busy-poll 50us" bench/ab.sh . .`.
# LOAD=h2c measures HTTP/2 in clear text instead (h2load, 16 connections x 10 streams, prior knowledge;
# needs nghttp2-client); the p50@1 column stays HTTP/1.1.
# Why: on these 2-core VMs single runs of bench/proxy-bench.sh are bimodal (docs/performance.md,
# "Per-request work"); only alternated runs compare builds. The class cache is not used (both builds
# start alike). Needs nginx, wrk, curl and taskset (util-linux); JDK from bin/find-java.sh.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$HERE/bin/find-java.sh"
. "$HERE/bench/hello-upstream.sh"
ROUNDS="${ROUNDS:-5}" WARMUP="${WARMUP:-8}" DURATION="${DURATION:-6}" A_OPTS="${A_OPTS:-}" B_OPTS="${B_OPTS:-}"
LAT_DURATION="${LAT_DURATION:-3}" A_ARGS="${A_ARGS:-}" B_ARGS="${B_ARGS:-}" LOAD="${LOAD:-http1}"
A="${1:-HEAD}" B="${2:-.}"
case "$LOAD" in http1|h2c) ;; *) echo "ab: LOAD is http1 or h2c, not '$LOAD'" >&2; exit 2 ;; esac
TOOLS="nginx wrk curl taskset"
[ "$LOAD" = h2c ] && TOOLS="$TOOLS h2load"
for tool in $TOOLS; do
  command -v "$tool" >/dev/null || { echo "ab: needs $tool" >&2; exit 2; }
done
JSTAT="${JAVA%/*}/jstat"
[ -x "$JSTAT" ] || JSTAT="" # a JRE: no allocation column
W="$(mktemp -d)"
GW=""
cleanup() {
  if [ -n "$GW" ]; then kill "$GW" 2>/dev/null || true; fi
  hello_upstream_stop "$W/up"
  (cd "$HERE" && git worktree prune) || true
  rm -rf "$W"
}
trap cleanup EXIT

# build REV LABEL: the server jar and its lib/ of REV into $W/LABEL
build() {
  local src="$HERE"
  if [ "$1" != "." ]; then
    src="$W/src-$2"
    (cd "$HERE" && git worktree add -q --detach "$src" "$1")
  fi
  echo "ab: building $1 ..." >&2
  (cd "$src" && ./mvnw -q -B -Dmaven.test.skip=true package -pl server -am) >&2
  mkdir -p "$W/$2"
  cp -r "$src/server/target/higressj-server.jar" "$src/server/target/lib" "$W/$2/"
  if [ "$1" != "." ]; then (cd "$HERE" && git worktree remove --force "$src"); fi
}
build "$A" a
build "$B" b

CPUS="$(nproc)"
LAST=$((CPUS - 1))
REST="0"
[ "$LAST" -gt 1 ] && REST="0-$((LAST - 1))"
[ "$CPUS" -lt 2 ] && { echo "ab: needs 2 CPUs or more (the gateway gets one of its own)" >&2; exit 2; }
hello_upstream "$W/up" 9001
for p in $(pgrep -f "nginx.*$W/up" || true); do taskset -a -p -c "$REST" "$p" >/dev/null; done
cp -r "$HERE/bench/conf" "$W/conf"

ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }
# allocated KB between two jstat -gc lines (header first)
alloc_kb() {
  awk -v h="$1" -v a="$2" -v b="$3" 'BEGIN {
    n = split(h, H); split(a, X); split(b, Y)
    for (i = 1; i <= n; i++) { x[H[i]] = X[i]; y[H[i]] = Y[i] }
    printf "%.0f", (y["YGC"] - x["YGC"]) * y["EC"] + y["EU"] - x["EU"] }'
}
HZ="$(getconf CLK_TCK)"
# load SECONDS: the measured load against the gateway; prints how many requests completed
load() {
  if [ "$LOAD" = h2c ]; then
    taskset -c "$REST" h2load -t1 -c16 -m10 -D "$1" http://127.0.0.1:9010/ | awk '$1 == "requests:" {print $8}'
  else
    taskset -c "$REST" wrk -t2 -c64 -d"$1"s http://127.0.0.1:9010/ | awk '/requests in/ {print $1}'
  fi
}
# the median latency in µs of LAT_DURATION seconds of wrk at one connection to $1 (0 when LAT_DURATION is 0)
p50_us() {
  if [ "$LAT_DURATION" = 0 ]; then echo 0; return; fi
  taskset -c "$REST" wrk -t1 -c1 -d"${LAT_DURATION}s" --latency "$1" | awk '$1 == "50%" {
    v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
    printf "%.1f", v * (u == "ms" ? 1000 : u == "s" ? 1e6 : 1) }'
}
[ "$LAT_DURATION" != 0 ] && echo "upstream alone: p50 at one connection $(p50_us http://127.0.0.1:9001/) us"
printf '%-6s %-5s %8s %12s %12s %12s %9s\n' build round "req/s" "user us/req" "sys us/req" "KB/req" "p50@1" | tee "$W/runs"
for r in $(seq 1 "$ROUNDS"); do
  for label in a b; do
    # shellcheck disable=SC2046
    opts="$A_OPTS" args="$A_ARGS"
    if [ "$label" = b ]; then opts="$B_OPTS" args="$B_ARGS"; fi
    # shellcheck disable=SC2086
    taskset -c "$LAST" env $(default_jvm_environment) "$JAVA" $(default_jvm_options) $(jit_directive_options) $opts -jar "$W/$label/higressj-server.jar" --config-dir "$W/conf" \
      --http-port 9010 --https-port -1 --admin-port -1 --access-log off --workers 1 $args >"$W/gw.log" 2>&1 &
    GW=$!
    until curl -s -o /dev/null http://127.0.0.1:9010/; do sleep 0.05; done
    load "$WARMUP" >/dev/null
    h="" g0="" g1=""
    if [ -n "$JSTAT" ]; then h="$("$JSTAT" -gc "$GW" | head -1)"; g0="$("$JSTAT" -gc "$GW" | tail -1)"; fi
    t0="$(ticks "$GW")"
    n="$(load "$DURATION")"
    t1="$(ticks "$GW")"
    if [ -n "$JSTAT" ]; then g1="$("$JSTAT" -gc "$GW" | tail -1)"; fi
    kb=0
    if [ -n "$JSTAT" ]; then kb="$(alloc_kb "$h" "$g0" "$g1")"; fi
    lat="$(p50_us http://127.0.0.1:9010/)"
    echo "$label $r $n $t0 $t1 $kb $lat" | awk -v hz="$HZ" -v d="$DURATION" '{
      printf "%-6s %-5s %8.0f %12.2f %12.2f %12.2f %9.1f\n", $1, $2, $3 / d, ($6 - $4) * 1e6 / hz / $3, ($7 - $5) * 1e6 / hz / $3, $8 / $3, $9 }' \
      | tee -a "$W/runs"
    kill "$GW"; wait "$GW" 2>/dev/null || true; GW=""
  done
done
echo "medians (a = $A, b = $B):"
for label in a b; do
  for col in 3 4 5 6 7; do
    awk -v l="$label" -v c="$col" '$1 == l { print $c }' "$W/runs" | sort -n | awk '{ v[NR] = $1 } END {
      printf "%s ", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
  done | awk -v l="$label" '{ printf "%-6s req/s %s  user %s  sys %s  KB/req %s (us per request)  p50@1 %s us\n", l, $1, $2, $3, $4, $5 }'
done
echo "least CPU per request in any round (the machine's quiet moments; noise only adds):"
for label in a b; do
  awk -v l="$label" '$1 == l { t = $4 + $5; if (min == "" || t < min) { min = t; u = $4; s = $5 } }
    END { printf "%-6s %.2f us (user %.2f, sys %.2f)\n", l, min, u, s }' "$W/runs"
done
