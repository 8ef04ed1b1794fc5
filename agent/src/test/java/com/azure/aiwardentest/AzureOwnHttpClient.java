package com.azure.aiwardentest;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import reactor.core.publisher.Mono;

/**
 * An azure-core {@link HttpClient} whose class is named as azure's own are ({@code com.azure.}),
 * for tests of what the azure-core hook does with a pipeline of azure's own classes. Never sends.
 */
public final class AzureOwnHttpClient implements HttpClient {
  @Override
  public Mono<HttpResponse> send(HttpRequest request) {
    return Mono.error(new UnsupportedOperationException("a test client: nothing is sent"));
  }
}
