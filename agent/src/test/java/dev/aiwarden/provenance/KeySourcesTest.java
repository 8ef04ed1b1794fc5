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

  @Test
  void firstKnownOriginWins() {
    Map<String, String> recorded = new HashMap<>();
    AtomicLong version = new AtomicLong();
    KeySources withOrigins =
        new KeySources(
            () -> env, () -> props, clock::get, (s, fp) -> recorded.get(fp), version::get);
    String fromStart = "sk-proj-FakeKeyStartupProperty0123456789";
    String copied = "sk-proj-FakeKeyCopiedAtRuntime0123456789";
    String runtimeOnly = "sk-proj-FakeKeySetAtRuntimeOnly012345678";
    props.setProperty("start.key", fromStart);
    withOrigins.snapshotStartupProperties();
    props.setProperty("copy.key", copied);
    props.setProperty("late.key", runtimeOnly);
    recorded.put(Fingerprints.fingerprint(fromStart), "literal:com.acme.Late");
    recorded.put(Fingerprints.fingerprint(copied), "literal:com.acme.Keys");

    // a -D property existed before any class loaded
    assertThat(withOrigins.lookup(key(fromStart))).isEqualTo("sysprop:start.key");
    // a property set at run time holds a copy: the recorded origin is earlier
    assertThat(withOrigins.lookup(key(copied))).isEqualTo("literal:com.acme.Keys");
    // set at run time, nothing else known
    assertThat(withOrigins.lookup(key(runtimeOnly))).isEqualTo("sysprop:late.key");
    // a property changed after start-up counts as set at run time
    String changed = "sk-proj-FakeKeyChangedAtRuntime012345678";
    props.setProperty("start.key", changed);
    recorded.put(Fingerprints.fingerprint(changed), "literal:com.acme.Changed");
    assertThat(withOrigins.lookup(key(changed))).isEqualTo("literal:com.acme.Changed");
    // the environment beats everything
    env.put("OPENAI_API_KEY", copied);
    withOrigins.clear();
    assertThat(withOrigins.lookup(key(copied))).isEqualTo("env:OPENAI_API_KEY");
  }

  @Test
  void cachedUnknownIsLookedUpAgainWhenAnOriginIsRecorded() {
    Map<String, String> recorded = new HashMap<>();
    AtomicLong version = new AtomicLong();
    KeySources withOrigins =
        new KeySources(
            () -> env, () -> props, clock::get, (s, fp) -> recorded.get(fp), version::get);
    ApiKey k = key(SECRET);
    assertThat(withOrigins.lookup(k)).isEqualTo("unknown");
    recorded.put(k.fingerprint(), "literal:com.acme.Keys");
    assertThat(withOrigins.lookup(k)).isEqualTo("unknown"); // nothing said a new origin came
    version.incrementAndGet();
    assertThat(withOrigins.lookup(k)).isEqualTo("unknown"); // not within the same second
    clock.addAndGet(1_000_000_000L);
    assertThat(withOrigins.lookup(k)).isEqualTo("literal:com.acme.Keys");
  }
}
