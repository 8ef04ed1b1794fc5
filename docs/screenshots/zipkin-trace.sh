#!/usr/bin/env bash
# Re-takes the two Zipkin screenshots in docs/screenshots/:
#   zipkin-trace.png    one request of an application traced by the OpenTelemetry Java agent, with
#                       ai-warden's AI-call span inside it (same trace), as Zipkin's web UI shows it;
#   zipkin-ai-span.png  an AI call's span by itself (ai-warden only), its attributes in the side panel.
#
# What it runs, all on loopback: the real Zipkin server (io.zipkin:zipkin-server exec jar from Maven
# Central), the project's local OpenAI-compatible server, and examples/traced-app-example with both
# -javaagent:opentelemetry-javaagent.jar and -javaagent:ai-warden-agent.jar, both exporting to Zipkin
# through the same standard settings (OTEL_TRACES_EXPORTER=zipkin). Then headless Chromium (Debian's
# `chromium` package: apt-get install -y chromium) photographs the trace page.
#
# Usage: docs/screenshots/zipkin-trace.sh            (from anywhere; builds what it needs)
#        SKIP_BUILD=1 docs/screenshots/zipkin-trace.sh  (after mvn -DskipTests install)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
out="$root/docs/screenshots/zipkin-trace.png"
out_span="$root/docs/screenshots/zipkin-ai-span.png"

command -v chromium >/dev/null || { echo "needs chromium: apt-get install -y chromium"; exit 1; }
if [ -z "${SKIP_BUILD:-}" ]; then
  echo "== Building (mvn -B -q -DskipTests install) ..."
  mvn -B -q -DskipTests install
fi

prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" pom.xml | sed -n 1p; }
work="$(mktemp -d -t ai-warden-shot.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

echo "== Fetching Zipkin $(prop zipkin.server.version) and the OpenTelemetry Java agent $(prop otel.javaagent.version) ..."
mvn -B -q dependency:copy -Dmdep.stripVersion=true -DoutputDirectory="$work" \
  -Dartifact="io.zipkin:zipkin-server:$(prop zipkin.server.version):jar:exec"
mvn -B -q dependency:copy -Dmdep.stripVersion=true -DoutputDirectory="$work" \
  -Dartifact="io.opentelemetry.javaagent:opentelemetry-javaagent:$(prop otel.javaagent.version)"

zipkin_port="${ZIPKIN_PORT:-19411}"
echo "== Starting Zipkin on 127.0.0.1:$zipkin_port ..."
STORAGE_TYPE=mem java -Xmx256m -jar "$work/zipkin-server-exec.jar" \
  "--armeria.ports[0].port=$zipkin_port" "--armeria.ports[0].ip=127.0.0.1" >"$work/zipkin.log" 2>&1 &
pids+=($!)

openai_key="sk-proj-shot$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')"
java -jar examples/local-server/target/ai-warden-local-server.jar \
  --http-port 0 --https-port 0 --keystore-dir "$work/tls" \
  --valid-key "$openai_key" --ports-file "$work/ports" >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do
  [ -s "$work/ports" ] && curl -sf "http://127.0.0.1:$zipkin_port/health" >/dev/null 2>&1 && break
  sleep 0.2
done
https_port="$(sed -n 's/^https=//p' "$work/ports")"
[ -n "$https_port" ] || { echo "the local server did not start"; cat "$work/server.log"; exit 1; }
curl -sf "http://127.0.0.1:$zipkin_port/health" >/dev/null || { echo "Zipkin did not start"; tail -20 "$work/zipkin.log"; exit 1; }

echo "127.0.0.1 api.openai.com localhost $(hostname)" >"$work/hosts"
echo "== Running the traced application with both agents ..."
module=examples/traced-app-example
OPENAI_BASE_URL="https://api.openai.com:$https_port/v1" OPENAI_API_KEY="$openai_key" \
OTEL_SERVICE_NAME=billing OTEL_TRACES_EXPORTER=zipkin OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none \
OTEL_EXPORTER_ZIPKIN_ENDPOINT="http://127.0.0.1:$zipkin_port/api/v2/spans" \
  java -javaagent:"$work/opentelemetry-javaagent.jar" -javaagent:agent/target/ai-warden-agent.jar \
    -Djdk.net.hosts.file="$work/hosts" -Djavax.net.ssl.trustStore="$work/tls/truststore.p12" \
    -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12 \
    -cp "$module/target/classes:$(cat "$module/target/classpath.txt")" \
    dev.aiwarden.examples.traced.TracedAppExample global >"$work/app.out" 2>"$work/app.err"
trace="$(sed -n 's/^RESULT request trace=\([0-9a-f]*\).*/\1/p' "$work/app.out")"
[ -n "$trace" ] || { echo "no trace id:"; cat "$work/app.out" "$work/app.err"; exit 1; }
for _ in $(seq 1 50); do
  n="$(curl -s "http://127.0.0.1:$zipkin_port/api/v2/trace/$trace" | grep -o '"id"' | wc -l)"
  [ "$n" -ge 3 ] && break
  sleep 0.2
done
echo "   trace $trace: $n spans in Zipkin"

shoot() { # url file height
  chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars --window-size="1500,$3" \
    --virtual-time-budget=15000 --screenshot="$2" "$1" >"$work/chromium.log" 2>&1 || {
    cat "$work/chromium.log"; exit 1; }
  echo "   wrote ${2#$root/}"
}
echo "== Taking the screenshot of the request's trace ..."
shoot "http://127.0.0.1:$zipkin_port/zipkin/traces/$trace" "$out" 900

echo "== Running openai-java with ai-warden alone (its span is the trace's root) ..."
module=examples/openai-java-example
OPENAI_BASE_URL="https://api.openai.com:$https_port/v1" OPENAI_API_KEY="$openai_key" \
OTEL_SERVICE_NAME=billing OTEL_TRACES_EXPORTER=zipkin \
OTEL_EXPORTER_ZIPKIN_ENDPOINT="http://127.0.0.1:$zipkin_port/api/v2/spans" \
  java -javaagent:agent/target/ai-warden-agent.jar="traces.file=$work/alone.jsonl" \
    -Djdk.net.hosts.file="$work/hosts" -Djavax.net.ssl.trustStore="$work/tls/truststore.p12" \
    -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12 \
    -cp "$module/target/classes:$(cat "$module/target/classpath.txt")" \
    dev.aiwarden.examples.openai.OpenAiJavaExample chat >"$work/alone.out" 2>"$work/alone.err"
alone="$(grep -o '"traceId":"[0-9a-f]*"' "$work/alone.jsonl" | sed -n 1p | cut -d'"' -f4)"
[ -n "$alone" ] || { echo "no span written:"; cat "$work/alone.err"; exit 1; }
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$zipkin_port/api/v2/trace/$alone" >/dev/null 2>&1 && break
  sleep 0.2
done
shoot "http://127.0.0.1:$zipkin_port/zipkin/traces/$alone" "$out_span" 1500
