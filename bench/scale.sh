#!/usr/bin/env bash
# Scale check: generates N Ingresses (each with its Service and Endpoints; default 20,000), starts the
# gateway (bin/higress) on them in front of a small upstream, and prints the time to the first routed
# response, the time to apply a rewrite of every Ingress, the time from one changed file to its route
# answering (median of --changes rounds), the heap the configuration takes, and restarts (2, or --restarts)
# with the read cache the earlier runs wrote, the last one followed by --changes changes of its own.
# Options: --ingresses N, --changes N, --restarts N, --cold N (starts after dropping the page cache; needs root), --tls (a TLS
# entry in every Ingress with a host, a Secret and certificate per host),
# --layout split|bundle, --dir DIR (must be empty), --keep.
# JAVA_OPTS is passed to the gateway's JVM; SCALE_TIMELINE=1 prints what the gateway logged (rescans, applies) during the rewrite.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$HERE/bin/find-java.sh"
(cd "$HERE" && ./mvnw -q -B -Dmaven.test.skip=true package -pl bench -am)
touch "$HERE/server/target/higressj-server.jar" # built just now: bin/higress need not build again
# the class cache is trained here, as a user's first start does: the start measured is every later one
[ "${HIGRESS_CDS:-on}" = off ] || "$HERE/bin/higress" --train
exec "$JAVA" -Xmx2g -XX:+UseParallelGC -Dhigressj.home="$HERE" -cp "$HERE/bench/target/higressj-bench.jar" \
  io.higressj.bench.ScaleCheck "$@"
