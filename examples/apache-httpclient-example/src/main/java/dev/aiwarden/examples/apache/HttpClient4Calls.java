package dev.aiwarden.examples.apache;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;

/** The same calls over Apache HttpClient 4.x (its classes share no names with 5.x). */
final class HttpClient4Calls {
  private HttpClient4Calls() {}

  static void run(String scenario, String base, String key) throws Exception {
    boolean stream = scenario.endsWith("stream");
    boolean embeddings = scenario.endsWith("embeddings");
    try (CloseableHttpClient client = HttpClients.createSystem()) {
      HttpPost post = new HttpPost(base + (embeddings ? "/embeddings" : "/chat/completions"));
      post.setHeader("Authorization", "Bearer " + key);
      String body =
          embeddings
              ? "{\"model\":\"text-embedding-3-small\",\"input\":\"the quick brown fox\"}"
              : ApacheHttpClientExample.chatBody(stream);
      post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
      if (!stream) {
        // The response-handler form: the client reads and releases the entity itself.
        String text =
            client.execute(post, response -> EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8));
        ApacheHttpClientExample.print(scenario, 200, text);
        return;
      }
      try (CloseableHttpResponse response = client.execute(post)) {
        int events = 0;
        try (BufferedReader reader =
            new BufferedReader(
                new InputStreamReader(response.getEntity().getContent(), StandardCharsets.UTF_8))) {
          for (String line; (line = reader.readLine()) != null; ) {
            if (line.startsWith("data:")) {
              events++;
            }
          }
        }
        System.out.println(
            "RESULT " + scenario + " status=" + response.getStatusLine().getStatusCode() + " events=" + events);
      }
    }
  }
}
