package dev.aiwarden.examples.azure;

import com.azure.ai.openai.OpenAIAsyncClient;
import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.models.ChatCompletions;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestMessage;
import com.azure.ai.openai.models.ChatRequestSystemMessage;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.ai.openai.models.Embeddings;
import com.azure.ai.openai.models.EmbeddingsOptions;
import com.azure.ai.openai.models.ImageGenerationOptions;
import com.azure.ai.openai.models.ImageGenerations;
import com.azure.core.credential.AzureKeyCredential;
import com.azure.core.exception.HttpResponseException;
import java.util.ArrayList;
import java.util.List;

/**
 * An ordinary application using Microsoft's {@code com.azure:azure-ai-openai} SDK (sync and async
 * clients). It knows nothing of ai-warden. Each argument names a scenario; every result is printed
 * as one {@code RESULT} line so a test can compare runs with and without the agent. A scenario that
 * fails prints {@code RESULT <name> error=<message of the innermost exception> millis=<time
 * it took>} and the next one runs. {@code say:TEXT} sends a chat with the user prompt TEXT; {@code
 * wait-for:FILE} waits (up to a minute) until FILE exists.
 *
 * <p>Settings: {@code AZURE_OPENAI_ENDPOINT} (default {@code https://myres.openai.azure.com}),
 * {@code AZURE_OPENAI_API_KEY}, {@code AZURE_OPENAI_DEPLOYMENT} (default {@code my-gpt4o-deployment}).
 */
public final class AzureOpenAiExample {
  private static final String PROMPT = "Summarise our quarterly numbers in one friendly sentence.";

  public static void main(String[] args) {
    List<String> scenarios = new ArrayList<>(List.of(args));
    if (scenarios.isEmpty()) {
      scenarios = List.of("chat", "chat-async", "stream", "embeddings", "image");
    }
    OpenAIClientBuilder builder =
        new OpenAIClientBuilder()
            .endpoint(env("AZURE_OPENAI_ENDPOINT", "https://myres.openai.azure.com"))
            .credential(new AzureKeyCredential(System.getenv("AZURE_OPENAI_API_KEY")));
    OpenAIClient client = builder.buildClient();
    OpenAIAsyncClient async = builder.buildAsyncClient();
    String deployment = env("AZURE_OPENAI_DEPLOYMENT", "my-gpt4o-deployment");
    for (String scenario : scenarios) {
      if (scenario.startsWith("wait-for:")) {
        waitFor(scenario.substring("wait-for:".length()));
        continue;
      }
      long start = System.nanoTime();
      try {
        run(scenario, client, async, deployment);
      } catch (RuntimeException e) {
        System.out.println("RESULT " + name(scenario) + " error=" + innermost(e).getMessage()
            + " millis=" + (System.nanoTime() - start) / 1_000_000);
      }
    }
  }

  private static void run(
      String scenario, OpenAIClient client, OpenAIAsyncClient async, String deployment) {
    if (scenario.startsWith("say:")) {
      ChatCompletions c = client.getChatCompletions(deployment, chat(scenario.substring(4)));
      System.out.println("RESULT say finish=" + c.getChoices().get(0).getFinishReason());
      return;
    }
    switch (scenario) {
      case "chat":
        print(scenario, client.getChatCompletions(deployment, chat(PROMPT)));
        break;
      case "chat-async":
        print(scenario, async.getChatCompletions(deployment, chat(PROMPT)).block());
        break;
      case "stream":
        {
          StringBuilder text = new StringBuilder();
          int[] chunks = {0};
          client
              .getChatCompletionsStream(deployment, chat(PROMPT))
              .forEach(
                  c -> {
                    chunks[0]++;
                    c.getChoices()
                        .forEach(
                            ch -> {
                              if (ch.getDelta() != null && ch.getDelta().getContent() != null) {
                                text.append(ch.getDelta().getContent());
                              }
                            });
                  });
          System.out.println("RESULT " + scenario + " chunks=" + chunks[0] + " text=" + text);
          break;
        }
      case "embeddings":
        {
          Embeddings e =
              client.getEmbeddings(
                  "my-embedding-deployment", new EmbeddingsOptions(List.of("the quick brown fox")));
          System.out.println(
              "RESULT embeddings vectors=" + e.getData().size()
                  + " dims=" + e.getData().get(0).getEmbedding().size()
                  + " first=" + e.getData().get(0).getEmbedding().get(0));
          break;
        }
      case "image":
        {
          ImageGenerations g =
              client.getImageGenerations(
                  "my-dalle3-deployment",
                  new ImageGenerationOptions("A lighthouse at dawn, watercolour"));
          System.out.println(
              "RESULT image images=" + g.getData().size()
                  + " revised=" + g.getData().get(0).getRevisedPrompt());
          break;
        }
      case "content-filter":
        try {
          client.getChatCompletions(deployment, chat("Tell me something [content-filter]"));
          System.out.println("RESULT content-filter allowed");
        } catch (HttpResponseException e) {
          System.out.println("RESULT content-filter status=" + e.getResponse().getStatusCode());
        }
        break;
      default:
        throw new IllegalArgumentException("unknown scenario " + scenario);
    }
  }

  private static ChatCompletionsOptions chat(String prompt) {
    List<ChatRequestMessage> messages =
        List.of(
            new ChatRequestSystemMessage("You are a concise assistant."),
            new ChatRequestUserMessage(prompt));
    return new ChatCompletionsOptions(messages)
        .setMaxTokens(64)
        .setTemperature(0.2)
        .setUser("user-4711");
  }

  private static void print(String scenario, ChatCompletions c) {
    System.out.println(
        "RESULT " + scenario
            + " id=" + c.getId()
            + " finish=" + c.getChoices().get(0).getFinishReason()
            + " usage=" + c.getUsage().getPromptTokens() + "/" + c.getUsage().getCompletionTokens()
            + " text=" + c.getChoices().get(0).getMessage().getContent());
  }

  /** A scenario's name: {@code say:TEXT} is {@code say} (the prompt is not echoed). */
  static String name(String scenario) {
    int colon = scenario.indexOf(':');
    return colon < 0 ? scenario : scenario.substring(0, colon);
  }

  /** The exception at the bottom of a chain: what actually went wrong. */
  static Throwable innermost(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** Waits until a file exists: lets a script or test act between two scenarios. */
  static void waitFor(String file) {
    java.nio.file.Path p = java.nio.file.Paths.get(file);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!java.nio.file.Files.exists(p) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }
}
