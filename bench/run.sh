#!/usr/bin/env bash
# Runs the viewsync benchmarks (see docs/benchmarks.md):
#   bench/run.sh                 # --size small: a smoke test of the harness, well under a minute
#   bench/run.sh --size full     # the figures in docs/benchmarks.md (about 10 minutes)
# Other options: --only apply,latency,copy,resync,views,sync and --work DIR (logs and replicas; default a new temp directory).
# Builds the bench jar (with the modules it needs) through the reactor; never installs to ~/.m2.
# Needs PostgreSQL binaries with pg_recvlogical (as LocalPostgres finds them, e.g. /usr/lib/postgresql/15/bin).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
./mvnw -q -pl bench -am package -DskipTests
java="java"
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  java="$JAVA_HOME/bin/java"
fi
export VIEWSYNC_LOG_LEVEL="${VIEWSYNC_LOG_LEVEL:-WARN}"
# The child replicator JVMs get the same classpath (the bench jar) and -Xmx512m.
# BENCH_JAVA_OPTS: extra options for the bench JVM, e.g. -Dbench.child.jvm=... for the child JVMs.
# shellcheck disable=SC2086
exec "$java" -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "$repo/bench/target/viewsync-bench.jar" io.viewsync.bench.BenchMain "$@"
