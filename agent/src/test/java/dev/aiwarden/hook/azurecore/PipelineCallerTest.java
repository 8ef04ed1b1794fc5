package dev.aiwarden.hook.azurecore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.azure.aiwardentest.AzureOwnHttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.policy.AddDatePolicy;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.util.BinaryData;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.bootstrap.WardenHooks;
import dev.aiwarden.hook.TestCores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The caller of a synchronous azure-core AI call, found at {@code HttpPipeline.sendSync} and used
 * at the client's {@code sendSync} for the same request only, and only for a pipeline of azure's
 * own classes (whose frames the caller walk skips, so that both places find the same frame).
 */
class PipelineCallerTest {
  private static final String CHAT =
      "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=1";
  private static final Object CALLER = "the caller the core found";
  private static final Object HANDLE = "call-1";

  private final WardenHooks core = TestCores.mock();

  @BeforeEach
  void install() throws Exception {
    Warden.install(core);
    when(core.isAiCall(anyString(), anyInt(), anyString())).thenReturn(true);
    when(core.captureCaller()).thenReturn(CALLER);
    when(core.requestStarting(any(), any(), any(), any(), anyInt(), any(), any(), any(), any()))
        .thenReturn(HANDLE);
  }

  @AfterEach
  void uninstall() {
    Warden.install(null);
    Warden.exitHandled();
  }

  private static HttpPipeline pipeline(HttpPipelinePolicy... policies) {
    return new HttpPipelineBuilder().httpClient(new AzureOwnHttpClient()).policies(policies).build();
  }

  private static HttpRequest chat() {
    return chat(CHAT);
  }

  private static HttpRequest chat(String url) {
    return new HttpRequest(HttpMethod.POST, url).setBody(BinaryData.fromString("{\"model\":\"gpt-4o\"}"));
  }

  /** The same request to another deployment (another path). */
  private static final String OTHER_CHAT = CHAT.replace("gpt-4o", "gpt-4o-mini");

  @Test
  void theClientTakesTheCallerThePipelineFoundForTheSameRequestAndItsRetries() throws Exception {
    HttpRequest request = chat();
    Object token = AzureCoreAdapter.enterPipeline(pipeline(new RetryPolicy(), new AddDatePolicy()), request);
    assertThat(token).isNotNull();
    // RetryPolicy sends a copy per attempt: the same URL object.
    assertThat(AzureCoreAdapter.onSendSync(request.copy())).isSameAs(HANDLE);
    AzureCoreAdapter.onSyncResponse(HANDLE, null, new java.io.IOException("refused"));
    verify(core).requestStarting(any(), any(), any(), any(), anyInt(), any(), any(), any(), same(CALLER));

    // A request elsewhere made on the same thread meanwhile walks for itself; the same request
    // built again (a retry policy of azure's copies it) takes the caller too.
    assertThat(AzureCoreAdapter.pipelineCaller(chat(OTHER_CHAT).getUrl())).isNull();
    assertThat(AzureCoreAdapter.pipelineCaller(new java.net.URL("https://MYRES.openai.azure.com:8443/openai"
        + "/deployments/gpt-4o/chat/completions?api-version=1"))).as("another host and port").isNull();
    assertThat(AzureCoreAdapter.pipelineCaller(chat().getUrl())).isSameAs(CALLER);
    AzureCoreAdapter.exitPipeline(token);
    assertThat(AzureCoreAdapter.pipelineCaller(request.getUrl())).as("gone when the pipeline returns").isNull();
  }

  @Test
  void aPipelineWithAPolicyOfTheApplicationsLeavesTheCallerToTheClientsWalk() throws Exception {
    HttpPipelinePolicy own = (context, next) -> next.process();
    HttpRequest request = chat();
    assertThat(AzureCoreAdapter.enterPipeline(pipeline(new RetryPolicy(), own), request)).isNull();
    AzureCoreAdapter.onSendSync(request);
    AzureCoreAdapter.onSyncResponse(HANDLE, null, new java.io.IOException("refused"));
    verify(core, never()).captureCaller();
    verify(core).requestStarting(any(), any(), any(), any(), anyInt(), any(), any(), any(), isNull());

    HttpPipeline applicationsClient =
        new HttpPipelineBuilder().httpClient(r -> reactor.core.publisher.Mono.empty()).build();
    assertThat(AzureCoreAdapter.ownFrames(applicationsClient)).isFalse();
    assertThat(AzureCoreAdapter.ownFrames(pipeline(new RetryPolicy(), new AddDatePolicy()))).isTrue();
  }

  @Test
  void nonAiRequestsAndCallsWithoutAnApplicationFrameKeepNothing() {
    when(core.isAiCall(anyString(), anyInt(), anyString())).thenReturn(false);
    assertThat(AzureCoreAdapter.enterPipeline(pipeline(), chat())).isNull();
    verify(core, never()).captureCaller();

    when(core.isAiCall(anyString(), anyInt(), anyString())).thenReturn(true);
    when(core.captureCaller()).thenReturn(null);
    HttpRequest request = chat();
    assertThat(AzureCoreAdapter.enterPipeline(pipeline(), request)).isNull();
    assertThat(AzureCoreAdapter.pipelineCaller(request.getUrl())).isNull();
    // Fail open: not a pipeline or a request.
    assertThat(AzureCoreAdapter.enterPipeline("not a pipeline", request)).isNull();
    AzureCoreAdapter.exitPipeline(null);
  }

  @Test
  void aPipelineCallInsideAnotherPutsTheOuterCallersBackWhenItEnds() {
    HttpRequest outer = chat();
    HttpRequest inner = chat(OTHER_CHAT);
    Object innerCaller = "the inner caller";
    Object outerToken = AzureCoreAdapter.enterPipeline(pipeline(), outer);
    when(core.captureCaller()).thenReturn(innerCaller);
    Object innerToken = AzureCoreAdapter.enterPipeline(pipeline(), inner);
    assertThat(AzureCoreAdapter.pipelineCaller(inner.getUrl())).isSameAs(innerCaller);
    assertThat(AzureCoreAdapter.pipelineCaller(outer.getUrl())).isNull();
    AzureCoreAdapter.exitPipeline(innerToken);
    assertThat(AzureCoreAdapter.pipelineCaller(outer.getUrl())).isSameAs(CALLER);
    AzureCoreAdapter.exitPipeline(outerToken);
    assertThat(AzureCoreAdapter.pipelineCaller(outer.getUrl())).isNull();
  }
}
