# Sourced by bin/ scripts: sets JAVA to a java binary of version 21 or newer, JAVA_MAJOR to its major
# version and JAVA_RELEASE to its full version (e.g. 25.0.3+9-LTS; empty when the JDK does not say).
# bin/higress runs this at every start: it reads the JDK's release file with shell builtins, as a
# fork or two per JDK on the machine (sed, dirname) added up to tens of milliseconds.
java_major() {
  # sets JM and JR; the JDK's release file says them without starting a JVM (half a second each),
  # else the JVM is asked
  local bin home line
  JM="" JR=""
  bin="$(readlink -f "$1" 2>/dev/null || echo "$1")"
  home="${bin%/*}"
  home="${home%/*}"
  if [ -f "$home/release" ]; then
    while IFS= read -r line; do
      case "$line" in
        JAVA_VERSION=\"*) line="${line#JAVA_VERSION=\"}"; JM="${line%%[!0-9]*}" ;;
        JAVA_RUNTIME_VERSION=\"*) line="${line#JAVA_RUNTIME_VERSION=\"}"; JR="${line%\"}" ;;
      esac
    done <"$home/release"
  fi
  if [ -z "$JM" ]; then
    JM="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -1)"
  fi
}

find_java() {
  local c
  for c in "${HIGRESS_JAVA:-}" "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null || true)" \
           /usr/lib/jvm/*/bin/java /opt/java/*/bin/java /opt/*/bin/java "$HOME"/.sdkman/candidates/java/*/bin/java; do
    [ -n "$c" ] && [ -x "$c" ] || continue
    java_major "$c"
    if [ -n "$JM" ] && [ "$JM" -ge 21 ]; then
      JAVA="$c"
      JAVA_MAJOR="$JM"
      JAVA_RELEASE="$JR"
      return 0
    fi
  done
  echo "higress: no JDK 21 or newer found; install one or set HIGRESS_JAVA=/path/to/bin/java" >&2
  return 1
}

# The environment a gateway JVM runs with, as NAME=value words for env(1). glibc's malloc keeps one
# arena per thread that ever allocated (up to 8 per core): two are enough here. A value already set wins.
default_jvm_environment() {
  echo "MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}"
}

# Modest defaults: a small heap that grows on demand, no warnings from Netty's native transport.
default_jvm_options() {
  # leak detection samples 1% of buffers by default and records a stack trace for each: off in production
  # (tests run with paranoid detection; JAVA_OPTS=-Dio.netty.leakDetection.level=simple turns it back on)
  # a fixed 32 MiB young generation: the live set per request is small, so collections stay short while the
  # heap (and RSS) does not grow to the adaptive policy's sizing under load; the old generation grows with
  # the configuration (20,000 routes take about 300 MB) up to -Xmx
  # survivor spaces of at most an eighth of it (-XX:MinSurvivorRatio=8; the collector's default lets each
  # grow to a third): while a large configuration is read, most of what a collection finds alive is
  # configuration, for good. Kept in survivors, it left eden 11 MB and a start on 20,000 Ingresses took
  # 26 collections; overflowing to the old generation at once, 12 (restarts 6-10% faster). Under load
  # nothing changes, survivors being small (docs/performance.md)
  # and what survives a second young collection is promoted (-XX:MaxTenuringThreshold=1; the collector
  # starts at 7): at a start, configuration copied again and again between survivor spaces is copied
  # once more instead. Restarts on 20,000 Ingresses used 7% less CPU (14 alternated pairs), first starts
  # 3%; under load (HTTP/1.1, HTTP/2, a connection per request) the old generation grew alike
  local o="-XX:+UseParallelGC -Xms48m -Xmn32m -XX:MinSurvivorRatio=8 -XX:MaxTenuringThreshold=1 -Xmx1g -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED -Dio.netty.leakDetection.level=disabled"
  # the JVM's own output (thread dumps on SIGQUIT, the compiler directives' line) on stderr, with the
  # gateway's log: stdout carries the access log, one JSON object per line
  o="$o -XX:+DisplayVMOutputToStderr"
  if [ "${JAVA_MAJOR:-21}" -ge 24 ]; then o="$o --sun-misc-unsafe-memory-access=allow"; fi
  # give native memory the JIT and TLS freed back to the system every 2 s (malloc_trim), which glibc
  # otherwise keeps: RSS after the HTTP/2 and TLS benchmark 159-168 -> 143-162 MB (docs/performance.md)
  if [ "${JAVA_MAJOR:-21}" -ge 22 ]; then o="$o -XX:TrimNativeHeapInterval=2000"; fi
  echo "$o"
}

# Compiler directives for a gateway run (bin/jit-directives.json says which code and why), unless
# HIGRESS_JIT_DIRECTIVES=off. HotSpot prints "1 compiler directives added" when it reads them (on
# stderr: see default_jvm_options). Left out when the path holds white space (the options are split into words).
jit_directive_options() {
  local f="${BASH_SOURCE[0]%/*}/jit-directives.json"
  [ "${HIGRESS_JIT_DIRECTIVES:-on}" != off ] && [ -f "$f" ] || return 0
  case "$f" in *[[:space:]]*) return 0 ;; esac
  echo "-XX:+UnlockDiagnosticVMOptions -XX:CompilerDirectivesFile=$f"
}

find_java
