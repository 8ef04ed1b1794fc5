#!/usr/bin/env bash
# The ai-warden demo: builds the agent, starts the project's local OpenAI/Azure-compatible server
# on loopback, and runs two ordinary applications (the official openai-java SDK and Microsoft's
# azure-ai-openai SDK) with -javaagent:agent/target/ai-warden-agent.jar attached. Each AI call
# shows up as one readable [ai-warden] line; every span is also written as OTLP/JSON.
set -euo pipefail
cd "$(dirname "$0")"

echo "== Building (mvn -B -q -DskipTests package) ..."
mvn -B -q -DskipTests package

work="$(mktemp -d -t ai-warden-demo.XXXXXX)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT

# Demo keys, made up for this run and known only to the local server.
openai_key="sk-proj-demo$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')"
azure_key="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"

echo "== Starting the local OpenAI/Azure-compatible server on loopback ..."
java -jar examples/local-server/target/ai-warden-local-server.jar \
  --http-port 0 --https-port 0 --keystore-dir "$work/tls" \
  --valid-key "$openai_key" --valid-key "$azure_key" --ports-file "$work/ports" \
  >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do [ -s "$work/ports" ] && break; sleep 0.1; done
https_port="$(sed -n 's/^https=//p' "$work/ports")"
http_port="$(sed -n 's/^http=//p' "$work/ports")"
[ -n "$https_port" ] || { echo "the local server did not start:"; cat "$work/server.log"; exit 1; }

# Real host names, resolved to loopback inside the example JVMs only.
echo "127.0.0.1 api.openai.com myres.openai.azure.com llm-proxy.example.net localhost $(hostname)" >"$work/hosts"
jvm_net=(-Djdk.net.hosts.file="$work/hosts"
  -Djavax.net.ssl.trustStore="$work/tls/truststore.p12"
  -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12)
agent="-javaagent:agent/target/ai-warden-agent.jar=traces.file=$work/traces.jsonl"

run_example() { # module main-class scenarios...
  local module="$1" main="$2"; shift 2
  java "$agent" "${jvm_net[@]}" \
    -cp "examples/$module/target/classes:$(cat "examples/$module/target/classpath.txt")" \
    "$main" "$@"
}

echo
echo "== openai-java (OkHttp): chat, async chat, streamed chat, embeddings, image, Responses API,"
echo "   and openai-java pointed at Azure OpenAI"
OPENAI_BASE_URL="https://api.openai.com:$https_port/v1" OPENAI_API_KEY="$openai_key" \
AZURE_OPENAI_ENDPOINT="https://myres.openai.azure.com:$https_port" AZURE_OPENAI_API_KEY="$azure_key" \
  run_example openai-java-example dev.aiwarden.examples.openai.OpenAiJavaExample \
    chat chat-async stream embeddings image responses azure-chat

echo
echo "== azure-ai-openai (azure-core over Netty): chat, async chat, streamed chat, embeddings, image,"
echo "   and a prompt the content filter rejects"
AZURE_OPENAI_ENDPOINT="https://myres.openai.azure.com:$https_port" AZURE_OPENAI_API_KEY="$azure_key" \
  run_example azure-ai-openai-example dev.aiwarden.examples.azure.AzureOpenAiExample \
    chat chat-async stream embeddings image content-filter

echo
echo "== A policy: examples/policies/demo-block-proxy.yaml allows only api.openai.com and *.openai.azure.com."
echo "   java -jar agent/target/ai-warden-agent.jar validate-policy examples/policies/demo-block-proxy.yaml"
java -jar agent/target/ai-warden-agent.jar validate-policy examples/policies/demo-block-proxy.yaml
echo "   openai-java sends a chat through an OpenAI-compatible proxy (llm-proxy.example.net): blocked"
echo "   before a byte leaves; the application sees the IOException 'ai-warden: blocked by ...'"
OPENAI_BASE_URL="http://llm-proxy.example.net:$http_port/v1" OPENAI_API_KEY="$openai_key" \
  java "$agent,policy=examples/policies/demo-block-proxy.yaml" "${jvm_net[@]}" \
    -cp "examples/openai-java-example/target/classes:$(cat "examples/openai-java-example/target/classpath.txt")" \
    dev.aiwarden.examples.openai.OpenAiJavaExample chat

echo
echo "== Spans: $(grep -c . "$work/traces.jsonl") OTLP/JSON export lines in $work/traces.jsonl"
echo "   (one ExportTraceServiceRequest per line, the OpenTelemetry Collector file format)."
echo "   Send them to any OTLP backend instead with OTEL_TRACES_EXPORTER=otlp OTEL_EXPORTER_OTLP_ENDPOINT=..."
