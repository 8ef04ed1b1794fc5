package dev.aiwarden.examples.benchmarks;

import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.core.credential.AzureKeyCredential;
import com.openai.client.okhttp.OpenAIOkHttpClient;

/**
 * An application that loads both SDKs and builds their clients (which loads the HTTP client
 * classes ai-warden hooks, so the hook weaver starts), but makes no call: start-up with the hooks in.
 */
public final class SdkStartupApp {
  public static void main(String[] args) {
    com.openai.client.OpenAIClient openai =
        OpenAIOkHttpClient.builder().apiKey("sk-not-used").baseUrl("http://127.0.0.1:9/v1").build();
    com.azure.ai.openai.OpenAIClient azure =
        new OpenAIClientBuilder()
            .endpoint("https://myres.openai.azure.com")
            .credential(new AzureKeyCredential("0123456789abcdef0123456789abcdef"))
            .buildClient();
    // Force the HTTP client classes to load, as the first call would.
    new okhttp3.OkHttpClient.Builder().build().newCall(new okhttp3.Request.Builder().url("http://127.0.0.1:9/").build());
    com.azure.core.http.HttpClient.createDefault();
    System.out.println("clients ready: " + (openai != null) + " " + (azure != null));
    openai.close();
    ProcessCpu.print();
  }
}
