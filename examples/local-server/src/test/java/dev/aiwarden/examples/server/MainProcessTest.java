package dev.aiwarden.examples.server;

import static dev.aiwarden.examples.server.TestHttp.at;
import static dev.aiwarden.examples.server.TestHttp.json;
import static dev.aiwarden.examples.server.TestHttp.post;
import static dev.aiwarden.examples.server.TestHttp.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone process: flags, ports file, the one line on stdout, and no key in any output. */
class MainProcessTest {

    @TempDir
    Path dir;

    @Test
    void standaloneServer() throws Exception {
        String flagKey = "sk-flag-key-aaaaaaaaaaaaaaaaaaaaaaaa1111";
        String envKey = "env-key-bbbbbbbbbbbbbbbbbbbbbbbbbbbb2222";
        Path portsFile = dir.resolve("ports.properties");
        Path stderr = dir.resolve("stderr.txt");
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(TlsTest.classDir(LocalAiServer.class));
        cmd.add(LocalAiServer.class.getName());
        cmd.addAll(List.of("--http-port", "0", "--https-port", "0", "--keystore-dir", dir.resolve("tls").toString(),
                "--valid-key", flagKey, "--ports-file", portsFile.toString(), "--log-requests"));
        Path stdout = dir.resolve("stdout.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile()).redirectOutput(stdout.toFile());
        pb.environment().put(LocalAiServer.KEYS_ENV, "other-key, " + envKey);
        Process p = pb.start();
        try {
            String line = firstLine(stdout, p);
            assertThat(line).matches("local AI server listening on http://127\\.0\\.0\\.1:\\d+ and https://127\\.0\\.0\\.1:\\d+");

            Properties ports = new Properties();
            try (var in = Files.newInputStream(portsFile)) {
                ports.load(in);
            }
            int http = Integer.parseInt(ports.getProperty("http"));
            int https = Integer.parseInt(ports.getProperty("https"));
            assertThat(line).isEqualTo("local AI server listening on http://127.0.0.1:" + http + " and https://127.0.0.1:" + https);
            assertThat(dir.resolve("tls").resolve("truststore.p12")).exists();

            String chat = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
            HttpResponse<String> byFlag = send(post("http://127.0.0.1:" + http + "/v1/chat/completions", chat,
                    "Authorization", "Bearer " + flagKey));
            assertThat(byFlag.statusCode()).isEqualTo(200);
            HttpResponse<String> byEnv = send(post("http://127.0.0.1:" + http + "/openai/deployments/d/chat/completions?api-version=x",
                    chat, "api-key", envKey));
            assertThat(byEnv.statusCode()).isEqualTo(200);
            HttpResponse<String> wrong = send(post("http://127.0.0.1:" + http + "/v1/chat/completions", chat,
                    "Authorization", "Bearer sk-wrong-cccccccccccccccccccccccc3333"));
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat((String) at(json(wrong.body()), "error", "code")).isEqualTo("invalid_api_key");
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        String stdoutRest = Files.readString(stdout);
        assertThat(stdoutRest.split("\n")).hasSize(1);
        String err = Files.readString(stderr);
        assertThat(err).contains("POST /v1/chat/completions -> 200").contains("-> 401");
        for (String secret : List.of(flagKey, envKey, "1111", "2222", "sk-wrong")) {
            assertThat(stdoutRest).doesNotContain(secret);
            assertThat(err).doesNotContain(secret);
        }
    }

    /** Waits (up to 30 s) for the process's first line of output. */
    private static String firstLine(Path stdout, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String s = Files.exists(stdout) ? Files.readString(stdout) : "";
            int nl = s.indexOf('\n');
            if (nl >= 0) {
                return s.substring(0, nl);
            }
            if (!p.isAlive()) {
                throw new AssertionError("server exited with " + p.exitValue() + ": " + s);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no output within 30 s");
    }
}
