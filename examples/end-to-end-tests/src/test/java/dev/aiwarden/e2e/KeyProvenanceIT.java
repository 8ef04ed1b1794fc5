package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code aiwarden.key.source} for every way an application gets its key (one child JVM, one call
 * per source, each with a key of its own), and the {@code scan} command over built jars, a fat
 * jar with a nested jar, and near-misses. Every key is random, made here; every output is
 * searched for them.
 */
class KeyProvenanceIT {
  private static final String MAIN = "dev.aiwarden.examples.openai.KeyProvenanceExample";
  private static final String[] FILE_SCENARIOS = {
    "properties", "dotenv", "secret-file", "json", "yaml", "bytes", "lines", "copied"
  };

  private static final Map<String, String> KEYS = new LinkedHashMap<>();
  private static String entraToken;
  private static final String TENANT = UUID.randomUUID().toString();
  private static final String APP = UUID.randomUUID().toString();
  private static Path inputs;
  private static TestServer server;
  private static ChildJvm.Result run;
  private static List<String> args;

  @BeforeAll
  static void runOnce() throws Exception {
    for (String s : new String[] {"env", "sysprop-runtime", "literal", "keyvault"}) {
      KEYS.put(s, TestServer.newOpenAiKey());
    }
    for (String s : FILE_SCENARIOS) {
      KEYS.put(s, TestServer.newOpenAiKey());
    }
    entraToken = entraToken();
    inputs = Paths.get("target/provenance-inputs").toAbsolutePath().normalize();
    deleteRecursively(inputs);
    Files.createDirectories(inputs);
    writeInputs();
    compileLiteralClass(inputs.resolve("classes"));

    List<String> all = new ArrayList<>(KEYS.values());
    all.add(entraToken);
    server = new TestServer(all.toArray(new String[0]));
    args = new ArrayList<>();
    args.add(inputs.toString());
    args.add("env");
    args.add("sysprop-runtime=" + KEYS.get("sysprop-runtime"));
    args.addAll(List.of(FILE_SCENARIOS));
    args.add("literal");
    args.add("keyvault=" + KEYS.get("keyvault"));
    args.add("entra");
    // The secret store and Entra ID are the only allowed sources: in monitor mode every call
    // still goes out, and its span says how keys.sources judged its key's source.
    Path policy = inputs.resolve("sources-policy.yaml");
    Files.writeString(policy, "version: 1\nmode: monitor\nkeys:\n  sources: [keyvault, entra_id]\n");
    run =
        ChildJvm.of(MAIN)
            .agentArgs("policy=" + policy)
            .against(server)
            .env("OPENAI_BASE_URL", server.https("api.openai.com") + "/v1")
            .env("OPENAI_API_KEY", KEYS.get("env"))
            .env("AZURE_ACCESS_TOKEN", entraToken)
            .args(args.toArray(new String[0]))
            .run();
    assertThat(run.exitCode).as(run.toString()).isZero();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static void writeInputs() throws IOException {
    write("ai.properties", "# AI settings\nopenai.key=" + KEYS.get("properties") + "\nopenai.model=gpt-4o\n");
    write(".env", "LOG_LEVEL=info\nOPENAI_API_KEY=\"" + KEYS.get("dotenv") + "\"\n");
    write("openai-key", KEYS.get("secret-file") + "\n");
    write("config.json", "{\"model\": \"gpt-4o\", \"apiKey\": \"" + KEYS.get("json") + "\"}\n");
    write("application.yaml", "openai:\n  model: gpt-4o\n  api-key: " + KEYS.get("yaml") + "\n");
    write("key.txt", KEYS.get("bytes") + "\n");
    write("lines.env", "# read with Files.lines\nOPENAI_API_KEY=" + KEYS.get("lines") + "\n");
    write("copy.properties", "openai.key=" + KEYS.get("copied") + "\n");
  }

  private static void write(String name, String content) throws IOException {
    Files.writeString(inputs.resolve(name), content);
  }

  /** {@code com.acme.generated.AiKeys} with the literal key as a constant, compiled by javac. */
  private static void compileLiteralClass(Path classes) throws IOException {
    Path src = inputs.resolve("src/com/acme/generated/AiKeys.java");
    Files.createDirectories(src.getParent());
    Files.createDirectories(classes);
    Files.writeString(
        src,
        "package com.acme.generated;\n"
            + "public final class AiKeys {\n"
            + "  public static final String KEY = \"" + KEYS.get("literal") + "\";\n"
            + "  public static final String ENDPOINT = \"https://api.openai.com/v1\";\n"
            + "  private AiKeys() {}\n"
            + "}\n");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, null, "-d", classes.toString(), src.toString());
    assertThat(rc).as("javac").isZero();
  }

  /** An Entra ID access token's shape (v1 claims); the signature is random: nobody checks it. */
  private static String entraToken() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"test\"}";
    String payload =
        "{\"aud\":\"https://cognitiveservices.azure.com\",\"iss\":\"https://sts.windows.net/"
            + TENANT + "/\",\"tid\":\"" + TENANT + "\",\"appid\":\"" + APP + "\",\"oid\":\""
            + UUID.randomUUID() + "\"}";
    byte[] sig = new byte[64];
    new java.security.SecureRandom().nextBytes(sig);
    return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(sig);
  }

  private static Spans.Span spanOf(String key) {
    String fp = Keys.fingerprint(key);
    List<Spans.Span> found =
        run.spans.stream()
            .filter(s -> fp.equals(s.attr("aiwarden.key.fingerprint")))
            .collect(Collectors.toList());
    assertThat(found).as(run.toString()).hasSize(1);
    return found.get(0);
  }

  @Test
  void everyScenarioMadeOneCall() {
    assertThat(run.results()).hasSize(KEYS.size() + 1);
    assertThat(run.spans).hasSize(KEYS.size() + 1);
  }

  @Test
  void environmentAndSystemPropertySetAtRunTime() {
    assertThat(spanOf(KEYS.get("env")).attr("aiwarden.key.source")).isEqualTo("env:OPENAI_API_KEY");
    assertThat(spanOf(KEYS.get("sysprop-runtime")).attr("aiwarden.key.source"))
        .isEqualTo("sysprop:app.openai.key");
  }

  @Test
  void eachFileApiNamesTheFile() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("properties", "ai.properties"); // Properties.load(FileInputStream)
    files.put("dotenv", ".env"); // Files.readAllLines
    files.put("secret-file", "openai-key"); // Files.readString
    files.put("json", "config.json"); // Files.newBufferedReader
    files.put("yaml", "application.yaml"); // FileReader
    files.put("bytes", "key.txt"); // Files.readAllBytes
    files.put("lines", "lines.env"); // Files.lines: FileChannel.open, hooked as FileChannel loads
    for (Map.Entry<String, String> e : files.entrySet()) {
      assertThat(spanOf(KEYS.get(e.getKey())).attr("aiwarden.key.source"))
          .as(e.getKey())
          .isEqualTo("file:" + inputs.resolve(e.getValue()));
    }
  }

  @Test
  void aKeyCopiedFromAFileIntoAPropertyIsReportedAtItsFirstKnownOrigin() {
    assertThat(spanOf(KEYS.get("copied")).attr("aiwarden.key.source"))
        .isEqualTo("file:" + inputs.resolve("copy.properties"));
  }

  @Test
  void literalInAnApplicationClass() {
    assertThat(spanOf(KEYS.get("literal")).attr("aiwarden.key.source"))
        .isEqualTo("literal:com.acme.generated.AiKeys");
  }

  @Test
  void keyVaultSecretThroughTheRealSecretClient() {
    assertThat(spanOf(KEYS.get("keyvault")).attr("aiwarden.key.source"))
        .isEqualTo("keyvault:acme-ai/openai-api-key");
  }

  @Test
  void entraIdTokenWithTenantAndApp() {
    Spans.Span s = spanOf(entraToken);
    assertThat(s.attr("aiwarden.key.kind")).isEqualTo("entra_id_token");
    assertThat(s.attr("aiwarden.key.source")).isEqualTo("entra_id");
    assertThat(s.attr("aiwarden.key.entra.tenant_id")).isEqualTo(TENANT);
    assertThat(s.attr("aiwarden.key.entra.app_id")).isEqualTo(APP);
  }

  @Test
  void keysSourcesJudgesEverySourceKind() {
    for (Map.Entry<String, String> e : KEYS.entrySet()) {
      Spans.Span s = spanOf(e.getValue());
      if (e.getKey().equals("keyvault")) {
        assertThat(s.attr("aiwarden.policy.decision")).as(e.getKey()).isEqualTo("allow");
      } else {
        assertThat(s.attr("aiwarden.policy.decision")).as(e.getKey()).isEqualTo("would_deny");
        assertThat(s.attr("aiwarden.policy.rule")).as(e.getKey()).isEqualTo("key.source_not_allowed");
        String kind = ((String) s.attr("aiwarden.key.source")).split(":")[0];
        assertThat((String) s.attr("aiwarden.policy.reason")).as(e.getKey()).contains(kind);
      }
    }
    assertThat(spanOf(entraToken).attr("aiwarden.policy.decision")).isEqualTo("allow");
  }

  @Test
  void keysSourcesEnforcedBlocksEverySourceButTheAllowedOnes() throws Exception {
    Path policy = inputs.resolve("sources-enforce.yaml");
    Files.writeString(policy, "version: 1\nmode: enforce\nkeys:\n  sources: [keyvault, entra_id]\n");
    server.server.reset();
    ChildJvm.Result enforced =
        ChildJvm.of(MAIN)
            .agentArgs("policy=" + policy)
            .against(server)
            .env("OPENAI_BASE_URL", server.https("api.openai.com") + "/v1")
            .env("OPENAI_API_KEY", KEYS.get("env"))
            .env("AZURE_ACCESS_TOKEN", entraToken)
            .args(args.toArray(new String[0]))
            .run();
    assertThat(enforced.exitCode).as(enforced.toString()).isZero();
    List<String> results = enforced.results();
    assertThat(results).hasSize(KEYS.size() + 1);
    for (String r : results) {
      if (r.startsWith("RESULT keyvault ") || r.startsWith("RESULT entra ")) {
        assertThat(r).as(r).contains(" id=");
      } else {
        assertThat(r).as(r).contains("error=ai-warden: blocked by key.source_not_allowed");
      }
    }
    // Only the two allowed calls reached the server: no byte of a blocked one left.
    assertThat(server.server.requestCount()).isEqualTo(2);
    List<String> secrets = new ArrayList<>(KEYS.values());
    secrets.add(entraToken);
    Leaks.assertNoSecret(enforced, secrets.toArray(new String[0]));
  }

  @Test
  void noKeyOrTokenInAnyOutput() throws IOException {
    List<String> secrets = new ArrayList<>(KEYS.values());
    secrets.add(entraToken);
    Leaks.assertNoSecret(run, secrets.toArray(new String[0]));
  }

  // ---- scan ----------------------------------------------------------------------------------

  @Test
  void scanFindsThePlantedKeyInABuiltJarAndInAJarNestedInAFatJar() throws Exception {
    Path jars = Files.createDirectories(inputs.resolve("jars"));
    Path appJar = jars.resolve("acme-ai-1.0.jar");
    Files.write(
        appJar,
        jar(
            Map.of(
                "com/acme/generated/AiKeys.class",
                Files.readAllBytes(inputs.resolve("classes/com/acme/generated/AiKeys.class")),
                "META-INF/MANIFEST.MF",
                "Manifest-Version: 1.0\n".getBytes(StandardCharsets.UTF_8))));
    Path fatJar = jars.resolve("service-boot.jar");
    Files.write(
        fatJar,
        jar(
            Map.of(
                "BOOT-INF/classes/application.properties",
                "server.port=8080\n".getBytes(StandardCharsets.UTF_8),
                "BOOT-INF/lib/acme-ai-1.0.jar",
                Files.readAllBytes(appJar))));
    String fp = Keys.fingerprint(KEYS.get("literal"));

    Scan plain = scan("jar", appJar.toString());
    assertThat(plain.exitCode).as(plain.toString()).isEqualTo(1);
    assertThat(plain.stdout)
        .contains(appJar + "!com/acme/generated/AiKeys.class (class com.acme.generated.AiKeys)"
            + "  openai_api_key  " + fp + "  ..." + last4(KEYS.get("literal")));

    Scan fat = scan("fat-jar", fatJar.toString());
    assertThat(fat.exitCode).as(fat.toString()).isEqualTo(1);
    assertThat(fat.stdout)
        .contains(fatJar + "!BOOT-INF/lib/acme-ai-1.0.jar!com/acme/generated/AiKeys.class"
            + " (class com.acme.generated.AiKeys)  openai_api_key  " + fp);

    Scan config = scan("config-files", inputs.toString());
    assertThat(config.exitCode).isEqualTo(1);
    for (String scenario : FILE_SCENARIOS) {
      assertThat(config.stdout).as(scenario).contains(Keys.fingerprint(KEYS.get(scenario)));
    }
    assertThat(config.stdout).contains(inputs.resolve("ai.properties") + ":2  openai_api_key");

    List<String> secrets = new ArrayList<>(KEYS.values());
    for (Scan s : List.of(plain, fat, config)) {
      Leaks.assertNoSecret(s.asResult(), secrets.toArray(new String[0]));
    }
  }

  @Test
  void scanOfNearMissesFindsNothing() throws Exception {
    Path dir = Files.createDirectories(inputs.resolve("near-misses"));
    StringBuilder lines = new StringBuilder();
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
    for (int i = 0; i < 20; i++) {
      byte[] data = ("artifact-" + i).getBytes(StandardCharsets.UTF_8);
      lines.append("md5: ").append(hex(md5.digest(data))).append('\n');
      lines.append(hex(sha1.digest(data))).append("  lib/artifact-").append(i).append(".jar\n");
      lines.append("id: ").append(UUID.randomUUID()).append('\n');
      lines.append("trace=").append(UUID.randomUUID().toString().replace("-", "")).append('\n');
      byte[] blob = new byte[90];
      new java.util.Random(i).nextBytes(blob);
      lines.append("blob: ").append(Base64.getEncoder().encodeToString(blob)).append('\n');
    }
    lines.append("OPENAI_API_KEY=sk-your-key-here-replace-before-running-it\n");
    Files.writeString(dir.resolve("checksums.txt"), lines);
    Files.write(
        dir.resolve("libs.jar"),
        jar(Map.of("META-INF/checksums.txt", lines.toString().getBytes(StandardCharsets.UTF_8))));

    Scan s = scan("near-misses", dir.toString());
    assertThat(s.exitCode).as(s.toString()).isZero();
    assertThat(s.stdout).isEmpty();
    assertThat(s.stderr).contains("0 keys found");
  }

  private static final class Scan {
    final Path dir;
    final int exitCode;
    final String stdout;
    final String stderr;

    Scan(Path dir, int exitCode, String stdout, String stderr) {
      this.dir = dir;
      this.exitCode = exitCode;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    ChildJvm.Result asResult() {
      return new ChildJvm.Result(dir, exitCode, stdout, stderr, List.of(), 0);
    }

    @Override
    public String toString() {
      return "exit=" + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  /** {@code java -jar ai-warden-agent.jar scan PATH...}, output kept in a run directory. */
  private static Scan scan(String name, String... paths) throws Exception {
    Path dir = Paths.get(System.getProperty("aiwarden.test.workDir", "target/runs"))
        .resolve("scan-" + name).toAbsolutePath();
    deleteRecursively(dir);
    Files.createDirectories(dir);
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(ChildJvm.agentJar().toString());
    cmd.add("scan");
    cmd.addAll(List.of(paths));
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Scan(dir, p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static byte[] jar(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JarOutputStream jar = new JarOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(entries).entrySet()) {
        jar.putNextEntry(new JarEntry(e.getKey()));
        jar.write(e.getValue());
        jar.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static String last4(String key) {
    return key.substring(key.length() - 4);
  }

  private static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      sb.append(String.format("%02x", b));
    }
    return sb.toString();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
