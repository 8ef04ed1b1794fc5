package dev.aiwarden.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeySourcesTest {
  private static final String SECRET = "sk-proj-FakeKeyForKeySourcesTest0123456789";

  private final Map<String, String> env = new HashMap<>();
  private final Properties props = new Properties();
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final KeySources sources = new KeySources(() -> env, () -> props, clock::get);

  private static ApiKey key(String secret) {
    return KeyExtractor.fromHeaders("Bearer " + secret, null);
  }

  @Test
  void environmentFirstAlphabeticallyFirstName() {
    env.put("PATH", "/usr/bin");
    env.put("ZZ_OPENAI_KEY", SECRET);
    env.put("OPENAI_API_KEY", " " + SECRET + "\n");
    props.setProperty("openai.key", SECRET);
    assertThat(sources.lookup(key(SECRET))).isEqualTo("env:OPENAI_API_KEY");
  }

  @Test
  void systemPropertyWhenNotInEnvironment() {
    env.put("OTHER", "nope");
    props.setProperty("b.key", SECRET);
    props.setProperty("a.key", SECRET + "x");
    props.put("not-a-string", new Object());
    assertThat(sources.lookup(key(SECRET))).isEqualTo("sysprop:b.key");
  }

  @Test
  void realSystemPropertiesThroughThePublicMethod() {
    String secret = "sk-proj-FakeKeyForRealSyspropTest9876543210";
    String name = "aiwarden.test.key." + System.nanoTime();
    System.setProperty(name, secret);
    try {
      assertThat(KeySources.sourceOf(key(secret))).isEqualTo("sysprop:" + name);
    } finally {
      System.clearProperty(name);
    }
  }

  @Test
  void unknownIsRecheckedAfterTenSeconds() {
    ApiKey k = key(SECRET);
    assertThat(sources.lookup(k)).isEqualTo("unknown");
    props.setProperty("late.key", SECRET);
    clock.addAndGet(5_000_000_000L);
    assertThat(sources.lookup(k)).isEqualTo("unknown"); // cached
    clock.addAndGet(5_000_000_001L);
    assertThat(sources.lookup(k)).isEqualTo("sysprop:late.key");
  }

  @Test
  void foundSourceStaysCached() {
    ApiKey k = key(SECRET);
    env.put("KEY", SECRET);
    assertThat(sources.lookup(k)).isEqualTo("env:KEY");
    env.clear();
    clock.addAndGet(60_000_000_000L);
    assertThat(sources.lookup(k)).isEqualTo("env:KEY");
    sources.clear();
    assertThat(sources.lookup(k)).isEqualTo("unknown");
  }

  @Test
  void entraNoneAndNull() {
    ApiKey entra = new ApiKey(KeyKind.ENTRA_ID_TOKEN, "a.b.c", "sha256:x", null, "tid", "app");
    assertThat(sources.lookup(entra)).isEqualTo("entra_id");
    assertThat(sources.lookup(ApiKey.NONE)).isEqualTo("unknown");
    assertThat(sources.lookup(null)).isEqualTo("unknown");
    assertThat(KeySources.sourceOf(null)).isEqualTo("unknown");
  }

  @Test
  void cacheIsBounded() {
    for (int i = 0; i < 1000; i++) {
      sources.lookup(key("sk-proj-FakeKeyNumber" + i + "-padding-padding"));
    }
    // No access to the map size from outside; a found source must still be found afterwards.
    env.put("LATE", SECRET);
    assertThat(sources.lookup(key(SECRET))).isEqualTo("env:LATE");
  }

  @Test
  void failingLookupIsUnknown() {
    KeySources broken =
        new KeySources(
            () -> {
              throw new IllegalStateException("no env");
            },
            () -> props,
            clock::get);
    assertThat(broken.lookup(key(SECRET))).isEqualTo("unknown");
  }

  @Test
  void trimmedComparison() {
    assertThat(KeySources.equalsTrimmed("  abc\t", "abc")).isTrue();
    assertThat(KeySources.equalsTrimmed("abc", "abc")).isTrue();
    assertThat(KeySources.equalsTrimmed("abcd", "abc")).isFalse();
    assertThat(KeySources.equalsTrimmed("ab", "abc")).isFalse();
    assertThat(KeySources.equalsTrimmed(" a bc ", "abc")).isFalse();
  }
}
