#!/usr/bin/env sh
# The fleet benchmark: cutover against Ansible on the same real OpenSSH sshd "hosts" on loopback, paired in
# one run (A B A B ...): 20 hosts x 10 tasks of /bin/true with 20 forks, then 100 hosts; cutover's peak RSS at
# 100 hosts; the cost of one more host. Appends its section to docs/benchmarks.md (below the fleet marker).
#   bench/fleet/run.sh [--rounds N]     (default 5 paired rounds at 20 hosts, 1 at 100)
# Installs what it needs when missing (as root, from Debian): ansible, openssh-server, time. As root it
# logs both tools in as a login account of its own (cutover-bench, created with Debian's stock dotfiles, as a
# deploy account on a server has), and also runs one round as root with root's own start-up files.
set -eu
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/../.." && pwd)
. "$ROOT/bench/need.sh"
need bench/fleet/run.sh cmd:ansible-playbook=ansible file:/usr/sbin/sshd=openssh-server file:/usr/bin/time=time \
  cmd:python3=python3
WORK="$ROOT/bench/target/fleet"
rm -rf "$WORK"
mkdir -p "$WORK"
if [ ! -f "$ROOT/cli/target/cutover.jar" ]; then
  echo "bench/fleet: building cutover ..." >&2
  "$ROOT/cutover" --version >/dev/null
fi
# a private copy: a rebuild by someone else mid-run changes nothing
cp "$ROOT/cli/target/cutover.jar" "$WORK/cutover.jar"
# the JVM and options the launcher would use (its start-up cache trained for this copy of the jar)
LAUNCHER=$(CUTOVER_JAR="$WORK/cutover.jar" CUTOVER_PRINT_JAVA_OPTS=1 "$ROOT/cutover")
JAVA=$(echo "$LAUNCHER" | sed -n 1p)
OPTS=$(echo "$LAUNCHER" | sed -n 2p)
exec python3 "$ROOT/bench/fleet/fleet.py" --work "$WORK" --jar "$WORK/cutover.jar" --java "$JAVA" \
  --java-opts "$OPTS" --out "$ROOT/docs/benchmarks.md" "$@"
