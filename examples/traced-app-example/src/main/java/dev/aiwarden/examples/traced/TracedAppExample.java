package dev.aiwarden.examples.traced;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;

/**
 * An application that traces its own work with OpenTelemetry and, inside a request span, calls
 * OpenAI with the official SDK. It knows nothing of ai-warden.
 *
 * <p>Argument {@code own-sdk}: the application builds its own OpenTelemetry SDK (exporting
 * nowhere). Argument {@code global}: it uses {@code GlobalOpenTelemetry}, which the OpenTelemetry
 * Java agent fills when attached. Prints {@code RESULT request trace=<id> span=<id>} with the
 * request span's ids, then {@code RESULT chat ...}.
 *
 * <p>Settings: {@code OPENAI_BASE_URL} (default {@code https://api.openai.com/v1}), {@code
 * OPENAI_API_KEY}.
 */
public final class TracedAppExample {
  public static void main(String[] args) throws Exception {
    String mode = args.length == 0 ? "own-sdk" : args[0];
    OpenTelemetrySdk ownSdk = null;
    OpenTelemetry otel;
    if ("global".equals(mode)) {
      otel = GlobalOpenTelemetry.get();
    } else {
      ownSdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().build()).build();
      otel = ownSdk;
    }
    Tracer tracer = otel.getTracer("traced-app-example");
    OpenAIClient client =
        OpenAIOkHttpClient.builder()
            .baseUrl(env("OPENAI_BASE_URL", "https://api.openai.com/v1"))
            .apiKey(System.getenv("OPENAI_API_KEY"))
            .maxRetries(0)
            .build();
    Span request = tracer.spanBuilder("GET /summary").setSpanKind(SpanKind.SERVER).startSpan();
    try (Scope ignored = request.makeCurrent()) {
      SpanContext ids = request.getSpanContext();
      System.out.println("RESULT request trace=" + ids.getTraceId() + " span=" + ids.getSpanId());
      ChatCompletion completion =
          client
              .chat()
              .completions()
              .create(
                  ChatCompletionCreateParams.builder()
                      .model(ChatModel.GPT_4O)
                      .addUserMessage("Summarise our quarterly numbers in one friendly sentence.")
                      .maxCompletionTokens(64)
                      .build());
      System.out.println("RESULT chat id=" + completion.id());
    } finally {
      request.end();
    }
    client.close();
    if (ownSdk != null) {
      ownSdk.close();
    }
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }
}
