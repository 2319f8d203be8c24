#!/usr/bin/env bash
# Measures the gateway beside nginx and haproxy with ../shared/bench/proxy-bench.sh:
# builds it, starts it with bench/conf (one route to the harness's upstream on 127.0.0.1:9001)
# on port 9010 with one event loop (as the harness gives every proxy one worker; WORKERS=n changes
# both), access log off (nginx's is off too), and prints the harness's table.
# Needs the Debian packages nginx, haproxy and wrk. Extra environment goes to the harness
# (ROUNDS=3, DURATION=10, TARGETS="direct nginx haproxy" ...). What it prints is also kept in
# bench/target/reports/proxy-bench-<UTC time>.txt (REPORT=path chooses another file).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${HIGRESSJ_SHARED:-$HERE/../shared}"
[ -x "$SHARED/bench/proxy-bench.sh" ] || { echo "bench: $SHARED/bench/proxy-bench.sh not found (set HIGRESSJ_SHARED)" >&2; exit 2; }
(cd "$HERE" && ./mvnw -q -B -Dmaven.test.skip=true package -pl server -am)
touch "$HERE/server/target/higressj-server.jar"
WORKERS="${WORKERS:-1}"
WORK="$(mktemp -d)"
cp -r "$HERE/bench/conf" "$WORK/conf"
export WORKERS
export TARGETS="${TARGETS:-direct nginx haproxy}"
export EXTRA_NAME="${EXTRA_NAME:-higress-j}"
export EXTRA_CMD="$HERE/bin/higress --config-dir $WORK/conf --http-port 9010 --https-port -1 --admin-port -1 --access-log off --workers $WORKERS"
REPORT="${REPORT:-$HERE/bench/target/reports/proxy-bench-$(date -u +%Y%m%dT%H%M%SZ).txt}"
mkdir -p "$(dirname "$REPORT")"
"$SHARED/bench/proxy-bench.sh" http://127.0.0.1:9010/ 2>&1 | tee "$REPORT"
echo "report: $REPORT"
