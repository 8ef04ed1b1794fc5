package dev.aiwarden.examples.reactornetty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.resolver.DefaultAddressResolverGroup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/**
 * An application calling OpenAI's REST API over raw Reactor Netty (what Spring's {@code
 * WebClient} runs on by default), with hand-written JSON. It knows nothing of ai-warden; every
 * result is one {@code RESULT} line.
 *
 * <p>Scenarios: {@code chat} (body sent as a {@code Mono}: one full message, as WebClient's JSON
 * encoder does), {@code stream} (SSE response read as it arrives), {@code chat-flux} (body sent
 * as a {@code Flux}: headers go first, the body follows).
 *
 * <p>Settings: {@code OPENAI_BASE_URL} (default {@code https://api.openai.com/v1}), {@code
 * OPENAI_API_KEY}.
 */
public final class ReactorNettyExample {
  static final String PROMPT = "Summarise our quarterly numbers in one friendly sentence.";

  public static void main(String[] args) {
    List<String> scenarios = new ArrayList<>(List.of(args));
    if (scenarios.isEmpty()) {
      scenarios = List.of("chat", "stream", "chat-flux");
    }
    String base = env("OPENAI_BASE_URL", "https://api.openai.com/v1");
    String key = System.getenv("OPENAI_API_KEY");
    HttpClient client =
        HttpClient.create()
            // The JVM's resolver (as azure-core configures it), not Netty's own DNS client.
            .resolver(DefaultAddressResolverGroup.INSTANCE)
            .responseTimeout(Duration.ofSeconds(30))
            .headers(h -> h.set("Authorization", "Bearer " + key).set("Content-Type", "application/json"));
    for (String scenario : scenarios) {
      String json = chatBody(scenario.equals("stream"));
      HttpClient.RequestSender post = client.post().uri(base + "/chat/completions");
      switch (scenario) {
        case "chat":
          {
            Mono<ByteBuf> body = Mono.fromSupplier(() -> Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
            String text = post.send(body).responseSingle((r, content) -> content.asString()
                .map(s -> "status=" + r.status().code() + " body=" + s)).block();
            System.out.println("RESULT " + scenario + " " + text.replaceAll("\\s+", " "));
            break;
          }
        case "stream":
          {
            Mono<ByteBuf> body = Mono.fromSupplier(() -> Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
            Long events =
                post.send(body)
                    .response((r, content) -> content.asString())
                    .flatMapIterable(s -> List.of(s.split("\n")))
                    .filter(line -> line.startsWith("data:"))
                    .count()
                    .block();
            System.out.println("RESULT " + scenario + " events=" + events);
            break;
          }
        case "chat-flux":
          {
            String text = post.send(ByteBufFlux.fromString(Mono.just(json)))
                .responseSingle((r, content) -> content.asString().map(s -> "status=" + r.status().code() + " body=" + s))
                .block();
            System.out.println("RESULT " + scenario + " " + text.replaceAll("\\s+", " "));
            break;
          }
        default:
          throw new IllegalArgumentException("unknown scenario " + scenario);
      }
    }
  }

  static String chatBody(boolean stream) {
    return "{\"model\":\"gpt-4o\",\"messages\":["
        + "{\"role\":\"system\",\"content\":\"You are a concise assistant.\"},"
        + "{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}],"
        + "\"max_tokens\":64,\"temperature\":0.2,\"user\":\"user-4711\""
        + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "")
        + "}";
  }

  static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }
}
