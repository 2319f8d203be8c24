# Sourced by bin/ scripts: sets JAVA to a java binary of version 21 or newer.
java_major() {
  # the JDK's release file says it without starting a JVM (half a second each); else ask the JVM
  local bin home v
  bin="$(readlink -f "$1" 2>/dev/null || echo "$1")"
  home="$(dirname "$(dirname "$bin")")"
  if [ -f "$home/release" ]; then
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" | head -1)"
    if [ -n "$v" ]; then echo "$v"; return; fi
  fi
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -1
}

find_java() {
  local c m
  for c in "${HIGRESS_JAVA:-}" "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null || true)" \
           /usr/lib/jvm/*/bin/java /opt/java/*/bin/java /opt/*/bin/java "$HOME"/.sdkman/candidates/java/*/bin/java; do
    [ -n "$c" ] && [ -x "$c" ] || continue
    m="$(java_major "$c")"
    if [ -n "$m" ] && [ "$m" -ge 21 ]; then
      JAVA="$c"
      JAVA_MAJOR="$m"
      return 0
    fi
  done
  echo "higress: no JDK 21 or newer found; install one or set HIGRESS_JAVA=/path/to/bin/java" >&2
  return 1
}

# Modest defaults: a small heap that grows on demand, no warnings from Netty's native transport.
default_jvm_options() {
  # leak detection samples 1% of buffers by default and records a stack trace for each: off in production
  # (tests run with paranoid detection; JAVA_OPTS=-Dio.netty.leakDetection.level=simple turns it back on)
  # a fixed 32 MiB young generation: the live set per request is small, so collections stay short while the
  # heap (and RSS) does not grow to the adaptive policy's sizing under load; the old generation grows with
  # the configuration (20,000 routes take about 300 MB) up to -Xmx
  local o="-XX:+UseParallelGC -Xms48m -Xmn32m -Xmx1g -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED -Dio.netty.leakDetection.level=disabled"
  if [ "${JAVA_MAJOR:-21}" -ge 24 ]; then o="$o --sun-misc-unsafe-memory-access=allow"; fi
  echo "$o"
}

find_java
