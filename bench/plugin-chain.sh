#!/usr/bin/env bash
# The cost of built-in plugins (issue 6): requests/s and the gateway's CPU per request on a route
# behind key-auth + ip-restriction + transformer + cors, and on routes behind jwt-auth (ES256 and
# RS256 tokens), each against a route without plugins in the same gateway and the same round.
# Starts nginx answering "hello" on 127.0.0.1:9301 as the upstream and the gateway (WORKERS event
# loops, default 1, access log off) on 9310 with the configuration bench's PluginChainConfig writes
# (hosts plain.local, chain.local, es256.local, rs256.local), then per round runs wrk (CONNS
# connections, DURATION s) against each host in turn. Prints the median of ROUNDS rounds.
# Needs the Debian packages nginx and wrk.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-10}" CONNS="${CONNS:-64}" WORKERS="${WORKERS:-1}"
command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "plugin-chain: needs nginx and wrk (apt-get install nginx wrk)" >&2; exit 2; }
(cd "$HERE" && ./mvnw -q -B -Dmaven.test.skip=true package -pl bench -am)
. "$HERE/bin/find-java.sh"
. "$HERE/bench/hello-upstream.sh"
W="$(mktemp -d)"
GW=""
cleanup() { [ -n "$GW" ] && kill "$GW" 2>/dev/null || true; hello_upstream_stop "$W/up"; sleep 0.3; rm -rf "$W"; }
trap cleanup EXIT
hello_upstream "$W/up" 9301
mapfile -t TOKENS < <("$JAVA" -cp "$HERE/bench/target/higressj-bench.jar" io.higressj.bench.PluginChainConfig "$W/conf" 9301)
"$HERE/bin/higress" --config-dir "$W/conf" --http-port 9310 --https-port -1 --admin-port -1 --access-log off \
  --workers "$WORKERS" >"$W/gw.log" 2>&1 &
GW=$!

declare -A HDRS
HDRS[plain]=""
HDRS[chain]="apikey: bench-key-1|Origin: http://app.example|X-Old: v"
HDRS[es256]="Authorization: Bearer ${TOKENS[0]}"
HDRS[rs256]="Authorization: Bearer ${TOKENS[1]}"
HOSTS="plain chain es256 rs256"
hargs() { local IFS='|' h a=(-H "Host: $1.local"); for h in ${HDRS[$1]}; do [ -n "$h" ] && a+=(-H "$h"); done; printf '%s\0' "${a[@]}"; }
for i in $(seq 1 150); do curl -sf -o /dev/null -H 'Host: plain.local' http://127.0.0.1:9310/ && break; sleep 0.2; done
# every host answers 200 (the plugins let the benchmark's requests through) before measuring
for h in $HOSTS; do
  mapfile -d '' -t A < <(hargs "$h")
  code=$(curl -s -o /dev/null -w '%{http_code}' "${A[@]}" http://127.0.0.1:9310/)
  [ "$code" = 200 ] || { echo "plugin-chain: $h.local answered $code" >&2; cat "$W/gw.log" >&2; exit 1; }
done
nope=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: chain.local' -H 'apikey: bench-key-2' http://127.0.0.1:9310/)
[ "$nope" = 403 ] || { echo "plugin-chain: chain.local let a consumer through that it does not allow ($nope)" >&2; exit 1; }

HZ=$(getconf CLK_TCK)
ticks() { awk '{print $14+$15}' "/proc/$GW/stat"; }
run() { # host seconds -> "req/s cpu_us_per_req"
  local A; mapfile -d '' -t A < <(hargs "$1")
  local t0 out t1; t0=$(ticks)
  out=$(wrk -t 2 -c "$CONNS" -d "${2}s" "${A[@]}" http://127.0.0.1:9310/ 2>&1)
  t1=$(ticks)
  if echo "$out" | grep -q "Non-2xx"; then echo "plugin-chain: $1.local: $(echo "$out" | grep Non-2xx)" >&2; exit 1; fi
  local n rps; n=$(echo "$out" | awk '/requests in/{print $1}'); rps=$(echo "$out" | awk '/^Requests\/sec/{print $2}')
  awk -v r="$rps" -v t=$((t1 - t0)) -v hz="$HZ" -v n="$n" 'BEGIN{printf "%.0f %.1f\n", r, t / hz * 1e6 / n}'
}
for h in $HOSTS; do run "$h" 5 >/dev/null; done # warm-up: the JVM compiles every path
declare -A RES
for r in $(seq 1 "$ROUNDS"); do
  for h in $HOSTS; do RES[$r,$h]=$(run "$h" "$DURATION"); echo "round $r $h: ${RES[$r,$h]}" >&2; done
done
median() { sort -n | awk '{a[NR]=$1} END{print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
col() { for r in $(seq 1 "$ROUNDS"); do echo "${RES[$r,$1]}" | cut -d' ' -f"$2"; done | median; }
printf "%-7s %10s %12s %12s %16s\n" host "req/s" "x plain" "CPU us/req" "CPU over plain"
for h in $HOSTS; do
  ratio=$(for r in $(seq 1 "$ROUNDS"); do awk -v a="$(echo "${RES[$r,$h]}" | cut -d' ' -f1)" \
    -v b="$(echo "${RES[$r,plain]}" | cut -d' ' -f1)" 'BEGIN{printf "%.3f\n", (b > 0 ? a / b : 0)}'; done | median)
  extra=$(for r in $(seq 1 "$ROUNDS"); do awk -v a="$(echo "${RES[$r,$h]}" | cut -d' ' -f2)" \
    -v b="$(echo "${RES[$r,plain]}" | cut -d' ' -f2)" 'BEGIN{printf "%.1f\n", a - b}'; done | median)
  printf "%-7s %10s %12s %12s %16s\n" "$h" "$(col "$h" 1)" "$ratio" "$(col "$h" 2)" "$extra"
done
echo "(median of $ROUNDS rounds of ${DURATION}s, $CONNS connections, $WORKERS event loop(s); ratios and differences per round)"
