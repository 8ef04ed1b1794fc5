package dev.aiwarden.examples.openai;

import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileReader;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * An application that gets its OpenAI key the many ways real services do, and makes one chat call
 * with each: the ai-warden end-to-end tests check that {@code aiwarden.key.source} names each
 * place. It knows nothing of ai-warden.
 *
 * <p>Arguments: {@code INPUT_DIR SCENARIO...}; {@code INPUT_DIR} holds the files and the class
 * folder the scenarios read. Scenarios:
 *
 * <ul>
 *   <li>{@code env}: {@code OPENAI_API_KEY}
 *   <li>{@code sysprop-runtime=KEY}: sets {@code app.openai.key} at run time, then reads it
 *   <li>{@code properties}: {@code Properties.load(new FileInputStream("ai.properties"))}
 *   <li>{@code dotenv}: {@code Files.readAllLines(".env")}
 *   <li>{@code secret-file}: {@code Files.readString("openai-key")} (a mounted secret)
 *   <li>{@code json}: {@code Files.newBufferedReader("config.json")}
 *   <li>{@code yaml}: {@code new FileReader("application.yaml")}
 *   <li>{@code bytes}: {@code Files.readAllBytes("key.txt")}
 *   <li>{@code lines}: {@code Files.lines("lines.env")} (opens through {@code FileChannel.open})
 *   <li>{@code literal}: the constant {@code KEY} of class {@code com.acme.generated.AiKeys}
 *   <li>{@code copied}: read from {@code copy.properties}, copied into a system property, used
 *       from there
 *   <li>{@code entra}: an Entra ID access token from {@code AZURE_ACCESS_TOKEN}
 *   <li>{@code keyvault=VALUE}: secret {@code openai-api-key} of vault {@code acme-ai} through the
 *       real {@code SecretClient} ({@link KeyVaultStub} serves the vault's answers)
 * </ul>
 */
public final class KeyProvenanceExample {
  public static void main(String[] args) throws Exception {
    Path input = Paths.get(args[0]);
    for (String scenario : List.of(args).subList(1, args.length)) {
      String key = key(scenario, input);
      OpenAIClient client =
          OpenAIOkHttpClient.builder()
              .baseUrl(System.getenv("OPENAI_BASE_URL"))
              .apiKey(key)
              .maxRetries(0)
              .build();
      try {
        ChatCompletion c =
            client
                .chat()
                .completions()
                .create(
                    ChatCompletionCreateParams.builder()
                        .model("gpt-4o")
                        .addUserMessage("Where did my key come from?")
                        .build());
        System.out.println("RESULT " + name(scenario) + " id=" + c.id());
      } catch (RuntimeException e) {
        // A policy denial (or any failure) ends this scenario only; the message is ai-warden's.
        Throwable root = e;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        System.out.println("RESULT " + name(scenario) + " error=" + root.getMessage());
      } finally {
        client.close();
      }
    }
  }

  private static String name(String scenario) {
    return scenario.contains("=") ? scenario.substring(0, scenario.indexOf('=')) : scenario;
  }

  private static String key(String scenario, Path input) throws Exception {
    if (scenario.startsWith("keyvault=")) {
      // The value stands for what the vault holds; the app gets it only through the real SDK.
      SecretClient secrets =
          new SecretClientBuilder()
              .vaultUrl("https://acme-ai.vault.azure.net")
              .credential(KeyVaultStub.credential())
              .httpClient(new KeyVaultStub("acme-ai.vault.azure.net", scenario.substring("keyvault=".length())))
              .buildClient();
      return secrets.getSecret("openai-api-key").getValue();
    }
    if (scenario.startsWith("sysprop-runtime=")) {
      System.setProperty("app.openai.key", scenario.substring("sysprop-runtime=".length()));
      return System.getProperty("app.openai.key");
    }
    switch (scenario) {
      case "env":
        return System.getenv("OPENAI_API_KEY");
      case "properties":
        {
          Properties p = new Properties();
          try (InputStream in = new FileInputStream(input.resolve("ai.properties").toString())) {
            p.load(in);
          }
          return p.getProperty("openai.key");
        }
      case "dotenv":
        for (String line : Files.readAllLines(input.resolve(".env"))) {
          if (line.startsWith("OPENAI_API_KEY=")) {
            return line.substring("OPENAI_API_KEY=".length()).replace("\"", "").trim();
          }
        }
        throw new IllegalStateException("no key in .env");
      case "secret-file":
        return Files.readString(input.resolve("openai-key")).trim();
      case "json":
        try (BufferedReader r = Files.newBufferedReader(input.resolve("config.json"))) {
          String json = r.readLine();
          int at = json.indexOf("\"apiKey\": \"") + "\"apiKey\": \"".length();
          return json.substring(at, json.indexOf('"', at));
        }
      case "yaml":
        try (BufferedReader r = new BufferedReader(new FileReader(input.resolve("application.yaml").toFile()))) {
          String line;
          while ((line = r.readLine()) != null) {
            if (line.trim().startsWith("api-key:")) {
              return line.substring(line.indexOf(':') + 1).trim();
            }
          }
        }
        throw new IllegalStateException("no key in application.yaml");
      case "bytes":
        return new String(Files.readAllBytes(input.resolve("key.txt")), "UTF-8").trim();
      case "lines":
        try (Stream<String> lines = Files.lines(input.resolve("lines.env"))) {
          return lines
              .filter(l -> l.startsWith("OPENAI_API_KEY="))
              .map(l -> l.substring("OPENAI_API_KEY=".length()).trim())
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no key in lines.env"));
        }
      case "literal":
        {
          URLClassLoader loader =
              new URLClassLoader(
                  new URL[] {input.resolve("classes").toUri().toURL()},
                  KeyProvenanceExample.class.getClassLoader());
          Class<?> keys = Class.forName("com.acme.generated.AiKeys", true, loader);
          return (String) keys.getField("KEY").get(null);
        }
      case "copied":
        {
          Properties p = new Properties();
          try (InputStream in = Files.newInputStream(input.resolve("copy.properties"))) {
            p.load(in);
          }
          System.setProperty("copied.openai.key", p.getProperty("openai.key"));
          return System.getProperty("copied.openai.key");
        }
      case "entra":
        return System.getenv("AZURE_ACCESS_TOKEN");
      default:
        throw new IllegalArgumentException("unknown scenario " + scenario);
    }
  }
}
