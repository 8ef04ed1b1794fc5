#!/usr/bin/env bash
# Start-up cost of ai-warden: see StartupBenchmark. Usage: examples/benchmarks/startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f agent/target/ai-warden-agent.jar ] && [ -f examples/benchmarks/target/classpath.txt ] \
  || mvn -B -q -DskipTests package
cp="examples/benchmarks/target/classes:$(cat examples/benchmarks/target/classpath.txt)"
java -cp "$cp" dev.aiwarden.benchmarks.StartupBenchmark agent/target/ai-warden-agent.jar "$cp" "${1:-11}"
