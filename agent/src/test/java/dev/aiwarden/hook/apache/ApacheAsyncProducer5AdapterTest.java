package dev.aiwarden.hook.apache;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.junit.jupiter.api.Test;

class ApacheAsyncProducer5AdapterTest {

  @Test
  void copiesARepeatableProducerAndLeavesItAbleToProduceTheSameBytes() throws Exception {
    String json = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"h\u00e9\"}]}";
    for (AsyncEntityProducer p :
        new AsyncEntityProducer[] {
          AsyncEntityProducers.create(json, ContentType.APPLICATION_JSON),
          AsyncEntityProducers.create(json.getBytes(StandardCharsets.UTF_8), ContentType.APPLICATION_JSON)
        }) {
      byte[] first = ApacheAsyncProducer5Adapter.bodyBytes(p);
      byte[] second = ApacheAsyncProducer5Adapter.bodyBytes(p);
      assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo(json);
      assertThat(second).isEqualTo(first);
    }
  }

  @Test
  void leavesAOneShotProducerAlone() throws Exception {
    AsyncEntityProducer stream =
        new org.apache.hc.core5.http.nio.entity.StringAsyncEntityProducer("x") {
          @Override
          public boolean isRepeatable() {
            return false;
          }
        };
    assertThat(ApacheAsyncProducer5Adapter.bodyBytes(stream)).isNull();
  }

  @Test
  void capturesWhatABasicRequestProducerWouldSend() throws Exception {
    AsyncEntityProducer entity = AsyncEntityProducers.create("{}", ContentType.APPLICATION_JSON);
    BasicRequestProducer producer =
        new BasicRequestProducer(Method.POST, URI.create("https://api.openai.com/v1/chat/completions"), entity);
    ApacheAsyncProducer5Adapter.Captured c = new ApacheAsyncProducer5Adapter.Captured();
    producer.sendRequest(c, null);
    assertThat(c.request.getMethod()).isEqualTo("POST");
    assertThat(c.request.getPath()).isEqualTo("/v1/chat/completions");
    assertThat(c.entity).isSameAs(entity);
  }

  @Test
  void replacesTheConsumerInEitherArgumentLayout() {
    Object consumer = new Object();
    Object[] five = {"producer", "app-consumer", null, null, null};
    Object[] six = {HttpHost.create(URI.create("https://h")), "producer", "app-consumer", null, null, null};
    assertThat(ApacheAsyncProducer5Adapter.withConsumer(five, consumer)[1]).isSameAs(consumer);
    assertThat(ApacheAsyncProducer5Adapter.withConsumer(six, consumer)[2]).isSameAs(consumer);
    assertThat(five[1]).isEqualTo("app-consumer");
    assertThat(ApacheAsyncProducer5Adapter.onExecute(new Object[] {1, 2})).isNull();
  }
}
