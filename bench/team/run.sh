#!/bin/sh
# The team store's benchmarks: `cutover runs` over 100,000 stored runs, and committed events/s per run.
# Usage: bench/team/run.sh [RUNS] [EVENTS]   (builds the team module and its tests first; prints Markdown)
set -eu
cd "$(dirname "$0")/../.."
mvn -B -q -pl team -am -Djacoco.skip=true -DskipTests test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp
exec java -cp "team/target/test-classes:team/target/classes:$(cat team/target/bench.cp)" bench/team/TeamBench.java "$@"
