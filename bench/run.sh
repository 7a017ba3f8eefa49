#!/usr/bin/env sh
# cutover benchmarks: per-step overhead and cold start against Ansible, the machine's limits (spawn,
# fsync), rollback latency, journal throughput (JMH) and memory. Writes docs/benchmarks.md.
#   bench/run.sh [--quick] [--skip-jmh]   (--quick: fewer rounds, under 10 minutes on 2 cores)
# Installs what it needs when missing: Debian's ansible and hyperfine (apt-get, as root); JMH from Maven.
# cutover runs the way the launcher runs it (a JDK 24+ with its AOT cache when there is one).
set -eu
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
QUICK=
SKIP_JMH=
for a in "$@"; do
  case "$a" in
    --quick) QUICK=--quick ;;
    --skip-jmh) SKIP_JMH=--skip-jmh ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown option $a (use --quick, --skip-jmh)" >&2; exit 2 ;;
  esac
done

. "$ROOT/bench/need.sh"
need bench/run.sh cmd:ansible-playbook=ansible cmd:hyperfine=hyperfine cmd:python3=python3 file:/usr/bin/time=time

WORK="$ROOT/bench/target/work"
rm -rf "$WORK"
mkdir -p "$WORK"

# cutover itself: the launcher builds the jar (and its start-up cache) when missing or stale. The
# benchmark then runs a private copy, so a rebuild by someone else mid-run changes nothing.
echo "bench: building cutover ..." >&2
if ! "$ROOT/cutover" --version >/dev/null; then
  [ -f "$ROOT/cli/target/cutover.jar" ] || exit 1
  echo "bench: the build failed (work in progress?); benchmarking the last built jar" >&2
fi
cp "$ROOT/cli/target/cutover.jar" "$WORK/cutover.jar"
# the launcher's JVM (line 1) and options (line 2) for the copy, with its cache made beside the copy;
# and the options it falls back to with the JDK on PATH (JDK 17: a class-data archive)
LAUNCHER=$(CUTOVER_JAR="$WORK/cutover.jar" CUTOVER_PRINT_JAVA_OPTS=1 "$ROOT/cutover")
JAVA=$(echo "$LAUNCHER" | sed -n 1p)
OPTS=$(echo "$LAUNCHER" | sed -n 2p)
FALLBACK_OPTS=$(CUTOVER_JAVA=java CUTOVER_JAR="$WORK/cutover.jar" CUTOVER_PRINT_JAVA_OPTS=1 "$ROOT/cutover" | sed -n 2p)

# JMH module (not part of `mvn verify`; built with the engine in one reactor, nothing installed) and the
# limits probe
if [ -z "$SKIP_JMH" ]; then
  echo "bench: building bench/jmh ..." >&2
  mvn -B -q -Dstyle.color=never -f "$ROOT/bench/pom.xml" -pl :cutover-bench-jmh -am package -DskipTests \
    -Djacoco.skip=true >&2
fi
mkdir -p "$WORK/limits-classes"
javac --release 17 -d "$WORK/limits-classes" "$ROOT/bench/limits/Limits.java"

python3 "$ROOT/bench/bench.py" $QUICK $SKIP_JMH --root "$ROOT" --work "$WORK" --jar "$WORK/cutover.jar" \
  --java "$JAVA" --java-opts "$OPTS" --fallback-java-opts "$FALLBACK_OPTS" --jmh-jar "$ROOT/bench/jmh/target/benchmarks.jar" \
  --limits-dir "$WORK/limits-classes" --out "$ROOT/docs/benchmarks.md"
