#!/usr/bin/env bash
# HTTP/2 and TLS side by side with nginx, measured with h2load (Debian package nghttp2-client).
# Starts an upstream (nginx answering "hello" on 127.0.0.1:9201), then in front of it, each with one
# worker / event loop and the same self-signed certificate for bench.local:
#   nginx     h2c 9202, TLS (h2 and http/1.1 by ALPN) 9203
#   higress-j h2c 9212, TLS 9213
# nginx is told TLS 1.2 and 1.3 (before 1.23.4 its default stops at 1.2), so that both speak TLS 1.3
# and runs three passes against each, ROUNDS times (median printed):
#   h2c   HTTP/2 in clear text (prior knowledge), C connections x M streams
#   h2    HTTP/2 over TLS (ALPN h2)
#   tls1  HTTP/1.1 over TLS (keep-alive), C connections
# For each: requests/s, the proxy's CPU microseconds per request (utime+stime of its processes from
# /proc), and the ratio to nginx in the same round.
# Environment: ROUNDS (3), REQUESTS (200000), CONNS (16), STREAMS (10), WORKERS (1), MODES ("h2c h2 tls1"),
# WARMUP (150000: requests per mode sent to the gateway before the rounds; 0 for none).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v nginx >/dev/null && command -v h2load >/dev/null && command -v openssl >/dev/null \
  || { echo "h2-bench: needs nginx, h2load and openssl (apt-get install nginx nghttp2-client openssl)" >&2; exit 2; }
ROUNDS="${ROUNDS:-3}"; REQUESTS="${REQUESTS:-200000}"; CONNS="${CONNS:-16}"; STREAMS="${STREAMS:-10}"
WORKERS="${WORKERS:-1}"; WARMUP="${WARMUP:-150000}"
(cd "$HERE" && ./mvnw -q -B -Dmaven.test.skip=true package -pl server -am)
touch "$HERE/server/target/higressj-server.jar"

. "$HERE/bench/hello-upstream.sh"
W="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  hello_upstream_stop "$W/up"
  [ -f "$W/front.pid" ] && kill "$(cat "$W/front.pid")" 2>/dev/null || true
  sleep 0.5; rm -rf "$W"
}
trap cleanup EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=bench.local" -addext "subjectAltName=DNS:bench.local" \
  -keyout "$W/key.pem" -out "$W/cert.pem" 2>/dev/null

mkdir -p "$W/logs"
cat >"$W/front.conf" <<EOF
worker_processes $WORKERS; pid $W/front.pid; error_log $W/logs/front.err; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  upstream up { server 127.0.0.1:9201; keepalive 64; }
  server { listen 127.0.0.1:9202 http2;
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; } }
  server { listen 127.0.0.1:9203 ssl http2; server_name bench.local;
    ssl_certificate $W/cert.pem; ssl_certificate_key $W/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
EOF
hello_upstream "$W/up" 9201
nginx -c "$W/front.conf" -p "$W"

mkdir -p "$W/conf"
CRT=$(base64 -w0 <"$W/cert.pem"); KEY=$(base64 -w0 <"$W/key.pem")
cat >"$W/conf/bench.yaml" <<EOF
apiVersion: v1
kind: Secret
metadata: {name: bench-tls, namespace: default}
type: kubernetes.io/tls
data: {tls.crt: $CRT, tls.key: $KEY}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: bench, namespace: default}
spec:
  ingressClassName: higress
  tls: [{hosts: [bench.local], secretName: bench-tls}]
  rules:
  - host: bench.local
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: upstream, port: {number: 9201}}}}
---
apiVersion: v1
kind: Service
metadata: {name: upstream, namespace: default}
spec: {ports: [{name: http, port: 9201}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: upstream, namespace: default}
subsets: [{addresses: [{ip: 127.0.0.1}], ports: [{name: http, port: 9201}]}]
EOF
"$HERE/bin/higress" --config-dir "$W/conf" --http-port 9212 --https-port 9213 --admin-port -1 --access-log off \
  --workers "$WORKERS" >"$W/logs/gw.log" 2>&1 &
GW=$!
PIDS+=("$GW")
for i in $(seq 1 100); do
  curl -s -o /dev/null --http2-prior-knowledge -H 'Host: bench.local' http://127.0.0.1:9212/ && break
  sleep 0.2
done

# CPU ticks (utime+stime) of a process and its children threads
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
nginx_workers() { pgrep -P "$(cat "$W/front.pid")" | tr '\n' ' '; }
sum_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(ticks "$p"))); done; echo "$t"; }
HZ=$(getconf CLK_TCK)

# one h2load pass: prints "req/s cpu_us_per_req"
pass() { # $1 pids... after "--" the h2load arguments
  local pids=() a
  while [ "$1" != "--" ]; do pids+=("$1"); shift; done; shift
  local t0; t0=$(sum_ticks "${pids[@]}")
  local out; out=$(h2load "$@" 2>&1)
  local t1; t1=$(sum_ticks "${pids[@]}")
  local rps ok
  rps=$(echo "$out" | sed -n 's/^finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p')
  ok=$(echo "$out" | sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p')
  [ -n "$rps" ] && [ "${ok:-0}" -gt 0 ] || { echo "h2load failed: $out" >&2; echo "0 0"; return; }
  awk -v r="$rps" -v t=$((t1 - t0)) -v hz="$HZ" -v n="$ok" 'BEGIN{printf "%.0f %.1f\n", r, t / hz * 1e6 / n}'
}

# h2load's arguments for one pass: mode, clear-text port, TLS port, requests
mode_args() {
  case $1 in
    h2c) args=(-n "$4" -c "$CONNS" -m "$STREAMS" "http://bench.local:$2/" --connect-to="127.0.0.1:$2");;
    h2) args=(-n "$4" -c "$CONNS" -m "$STREAMS" "https://bench.local:$3/" --connect-to="127.0.0.1:$3");;
    tls1) args=(-n "$4" -c 64 --h1 "https://bench.local:$3/" --connect-to="127.0.0.1:$3");;
  esac
}

declare -A RES
MODES="${MODES:-h2c h2 tls1}"
# the JVM's warm-up before the rounds, as proxy-bench.sh gives it 60 s: HTTP/1.1 over TLS in particular
# took about 120,000 requests to reach its steady CPU per request (docs/performance.md), more than the
# quarter pass each round starts with
if [ "$WARMUP" -gt 0 ]; then
  echo "JIT warm-up: higress-j, $WARMUP requests per mode"
  for mode in $MODES; do
    mode_args "$mode" 9212 9213 "$WARMUP"
    h2load "${args[@]}" >/dev/null 2>&1 || true
  done
fi
for round in $(seq 1 "$ROUNDS"); do
  for mode in $MODES; do
    for target in nginx higress-j; do
      if [ "$target" = nginx ]; then pids=($(nginx_workers)); pc=9202; pt=9203; else pids=("$GW"); pc=9212; pt=9213; fi
      mode_args "$mode" "$pc" "$pt" "$REQUESTS"
      # warm-up (the JVM compiles the hot paths), then the measured pass
      h2load -n $((REQUESTS / 4)) "${args[@]:2}" >/dev/null 2>&1 || true
      RES[$round,$mode,$target]=$(pass "${pids[@]}" -- "${args[@]}")
    done
  done
done

median() { sort -n | awk '{a[NR]=$1} END{print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
printf "%-6s %-10s %12s %10s %12s   %s\n" mode target "req/s" "x nginx" "CPU us/req" "(median of $ROUNDS rounds; ratios per round)"
for mode in $MODES; do
  for target in nginx higress-j; do
    rps=$(for r in $(seq 1 "$ROUNDS"); do echo "${RES[$r,$mode,$target]}" | cut -d' ' -f1; done | median)
    cpu=$(for r in $(seq 1 "$ROUNDS"); do echo "${RES[$r,$mode,$target]}" | cut -d' ' -f2; done | median)
    ratios=$(for r in $(seq 1 "$ROUNDS"); do
      awk -v a="$(echo "${RES[$r,$mode,$target]}" | cut -d' ' -f1)" -v b="$(echo "${RES[$r,$mode,nginx]}" | cut -d' ' -f1)" \
        'BEGIN{printf "%.2f\n", (b > 0 ? a / b : 0)}'; done)
    ratio=$(echo "$ratios" | median)
    printf "%-6s %-10s %12s %10s %12s   %s\n" "$mode" "$target" "$rps" "$ratio" "$cpu" "$(echo $ratios)"
  done
done
echo "RSS higress-j after the runs: $(awk '/VmRSS/{print $2/1024 " MB"}' /proc/$GW/status)"
