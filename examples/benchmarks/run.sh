#!/usr/bin/env bash
# The performance suite (issue 7): ai-warden beside no agent and beside the OpenTelemetry Java agent.
# Writes docs/performance.md. Usage: examples/benchmarks/run.sh [--quick] [options] (see Suite.java).
# Full run ~70 min on 2 cores (of which ~2.5 min of in-process JMH micro-benchmarks).
#   --quick          tiny iteration counts, ~3-4 min: a smoke test, not figures to quote
#   --rounds N       rounds of forked JVMs (default 5; quick 2)
#   --startup-runs N start-up runs per app and configuration (default 21; quick 2)
#   --policy P       auto (default: the bundled full policy if the agent has a policy engine),
#                    full, none, or a policy FILE
#   --no-otel        leave the OpenTelemetry Java agent out
#   --profile        record a JFR file per measured JVM (target/bench/runs/*.jfr): profile a miss
#   --only GROUPS    micro,openai,azure,nonai,memory,stream,large,concurrency,startup
#                    (micro: the in-process JMH benchmarks of the agent's hook and core work)
#   --out FILE       default docs/performance.md
#   --noise          the ai-warden column is a second JVM without an agent: its "added" column is the noise floor
#   --settle-ms MS   cap on each loop's JIT settling after warm-up (default 20000, the 64-thread loop 3x;
#                    0: fixed warm-up only)
#   --asprof OPTS    async-profiler on the measured loops only, e.g. event=cpu,interval=1ms (collapsed stacks
#                    in target/bench/runs/; with --classpath ...:DIR-WITH-one/profiler and
#                    --worker-jvm-arg -Dbench.asprof.lib=.../libasyncProfiler.so): see LoopProfiler.java
#   --worker-jvm-arg ARG  one more flag for every measured JVM (repeatable)
# Run it on a quiet machine: every other process adds noise to the timings.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${BENCH_SKIP_BUILD:-}" != 1 ]; then
  mvn -B -q -DskipTests package -pl agent,examples/benchmarks -am
fi
cp="examples/benchmarks/target/classes:$(cat examples/benchmarks/target/classpath.txt)"
# This JVM runs the local servers the measured JVMs call: a fixed heap, so that its heap growing
# in the first rounds does not add server-side GC pauses to some runs' calls and not others'.
exec java -Xms1g -Xmx1g -cp "$cp" dev.aiwarden.examples.benchmarks.Suite "$@"
