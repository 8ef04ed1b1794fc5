package dev.aiwarden.examples.webclient;

import io.netty.resolver.DefaultAddressResolverGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.springframework.http.MediaType;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

/**
 * An application calling OpenAI's REST API with Spring's {@code WebClient} and {@code
 * RestClient}, both on Reactor Netty (WebClient's default connector; RestClient's pick when
 * Reactor Netty is on the class path and Apache HttpClient and Jetty are not), with hand-written
 * JSON; and {@code RestClient} on its JDK ({@code java.net.http}) and Apache HttpClient 5 request
 * factories ({@code restclient-jdk-chat}, {@code restclient-hc5-chat}). It knows nothing of
 * ai-warden; every result is one {@code RESULT} line.
 *
 * <p>Settings: {@code OPENAI_BASE_URL} (default {@code https://api.openai.com/v1}), {@code
 * OPENAI_API_KEY}.
 */
public final class SpringWebClientExample {
  static final String PROMPT = "Summarise our quarterly numbers in one friendly sentence.";

  public static void main(String[] args) {
    List<String> scenarios = new ArrayList<>(List.of(args));
    if (scenarios.isEmpty()) {
      scenarios = List.of("webclient-chat", "webclient-stream", "restclient-chat");
    }
    String base = env("OPENAI_BASE_URL", "https://api.openai.com/v1");
    String key = System.getenv("OPENAI_API_KEY");
    // The JVM's resolver rather than Netty's own DNS client (so a hosts file applies).
    HttpClient netty =
        HttpClient.create()
            .resolver(DefaultAddressResolverGroup.INSTANCE)
            .responseTimeout(Duration.ofSeconds(30));
    WebClient web =
        WebClient.builder()
            .clientConnector(new ReactorClientHttpConnector(netty))
            .baseUrl(base)
            .defaultHeader("Authorization", "Bearer " + key)
            .build();
    RestClient rest =
        RestClient.builder()
            .requestFactory(new ReactorClientHttpRequestFactory(netty))
            .baseUrl(base)
            .defaultHeader("Authorization", "Bearer " + key)
            .build();
    for (String scenario : scenarios) {
      try {
        run(scenario, base, key, web, rest);
      } catch (Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        // A failed call is a result too (a test compares them with and without the agent).
        System.out.println("RESULT " + scenario + " error=" + root.getMessage());
      }
    }
  }

  private static void run(String scenario, String base, String key, WebClient web, RestClient rest) {
    switch (scenario) {
      case "webclient-chat":
        print(scenario,
            web.post().uri("/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chatBody(false)).retrieve().bodyToMono(String.class).block());
        break;
      case "webclient-stream":
        Long events =
            web.post().uri("/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .bodyValue(chatBody(true)).retrieve().bodyToFlux(String.class).count().block();
        System.out.println("RESULT " + scenario + " events=" + events);
        break;
      case "restclient-chat":
        print(scenario,
            rest.post().uri("/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .body(chatBody(false)).retrieve().body(String.class));
        break;
      case "restclient-jdk-chat":
      case "restclient-hc5-chat":
        RestClient other =
            RestClient.builder()
                .requestFactory(
                    scenario.equals("restclient-jdk-chat")
                        ? new JdkClientHttpRequestFactory(java.net.http.HttpClient.newHttpClient())
                        : new HttpComponentsClientHttpRequestFactory(HttpClients.createSystem()))
                .baseUrl(base)
                .defaultHeader("Authorization", "Bearer " + key)
                .build();
        print(scenario,
            other.post().uri("/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .body(chatBody(false)).retrieve().body(String.class));
        break;
      default:
        throw new IllegalArgumentException("unknown scenario " + scenario);
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

  static void print(String scenario, String body) {
    System.out.println("RESULT " + scenario + " body=" + body.replaceAll("\\s+", " "));
  }

  static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }
}
