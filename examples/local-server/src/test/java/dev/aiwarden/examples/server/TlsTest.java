package dev.aiwarden.examples.server;

import static dev.aiwarden.examples.server.TestHttp.AZURE_KEY;
import static dev.aiwarden.examples.server.TestHttp.VALID_KEY;
import static dev.aiwarden.examples.server.TestHttp.at;
import static dev.aiwarden.examples.server.TestHttp.json;
import static dev.aiwarden.examples.server.TestHttp.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {

    @TempDir
    static Path dir;
    static LocalAiServer server;
    static Path truststore;

    @BeforeAll
    static void start() throws Exception {
        Path keystore = LocalAiServer.createKeystore(dir.resolve("tls"));
        truststore = Tls.truststoreFor(keystore);
        server = LocalAiServer.start(new Options().validKeys(VALID_KEY, AZURE_KEY).keystoreDir(dir.resolve("tls")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void keystoreAndTruststoreAreMadeWithTheSanNames() throws Exception {
        assertThat(server.keystore()).isEqualTo(dir.resolve("tls").resolve("keystore.p12"));
        assertThat(server.truststore()).isEqualTo(truststore).exists();
        KeyStore ts = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(truststore)) {
            ts.load(in, Tls.PASSWORD.toCharArray());
        }
        X509Certificate cert = (X509Certificate) ts.getCertificate(Tls.ALIAS);
        List<String> names = new ArrayList<>();
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        for (List<?> san : sans) {
            names.add(String.valueOf(san.get(1)));
        }
        assertThat(names).contains("api.openai.com", "myres.openai.azure.com", "myres.cognitiveservices.azure.com",
                "myres.services.ai.azure.com", "proxy.example.test", "localhost", "127.0.0.1");
    }

    @Test
    void httpsWithTheGeneratedTruststore() throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .sslContext(Tls.clientSslContext(truststore))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> r = client.send(post("https://localhost:" + server.httpsPort() + "/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                "Authorization", "Bearer " + VALID_KEY).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat((String) at(json(r.body()), "choices", 0, "message", "content")).startsWith("Hello from the local server");
        assertThat(server.lastRequest().https()).isTrue();
    }

    @Test
    void httpsWithoutTheTruststoreIsRejected() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> client.send(post("https://localhost:" + server.httpsPort() + "/v1/chat/completions", "{}").build(),
                HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void certificateIsValidForTheRealHostNames() throws Exception {
        SSLContext ctx = Tls.clientSslContext(truststore);
        for (String host : Tls.DEFAULT_SAN_HOSTS) {
            try (Socket plain = new Socket()) {
                plain.connect(new InetSocketAddress("127.0.0.1", server.httpsPort()), 5000);
                try (SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, server.httpsPort(), false)) {
                    SSLParameters p = tls.getSSLParameters();
                    p.setEndpointIdentificationAlgorithm("HTTPS"); // the check every HTTPS client makes
                    tls.setSSLParameters(p);
                    tls.startHandshake();
                    assertThat(tls.getSession().getPeerPrincipal().getName()).contains("CN=localhost");
                }
            }
        }
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", server.httpsPort()), 5000);
            SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "not-in-the-cert.example", server.httpsPort(), true);
            SSLParameters p = tls.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(p);
            assertThatThrownBy(tls::startHandshake).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void hostsFileLine() throws Exception {
        Path file = LocalAiServer.writeHostsFile(dir.resolve("hosts"), "api.openai.com", "myres.openai.azure.com");
        String line = Files.readString(file);
        assertThat(line).startsWith("127.0.0.1 api.openai.com myres.openai.azure.com localhost").endsWith("\n");
        assertThat(line.trim().split(" ")).hasSizeLessThanOrEqualTo(5); // + this machine's own name, when known
        assertThat(line).contains(java.net.InetAddress.getLocalHost().getHostName());
        Path defaults = Tls.writeHostsFile(dir.resolve("hosts-default"));
        assertThat(Files.readString(defaults)).startsWith("127.0.0.1 api.openai.com myres.openai.azure.com ");
    }

    /** A separate JVM that knows only -Djdk.net.hosts.file and -Djavax.net.ssl.trustStore reaches the server by an Azure host name. */
    @Test
    void realHostNameThroughHostsFileAndTrustStoreFlags() throws Exception {
        Path hosts = LocalAiServer.writeHostsFile(dir.resolve("probe-hosts"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Djdk.net.hosts.file=" + hosts);
        cmd.addAll(Tls.trustStoreJvmArgs(truststore));
        cmd.add("-cp");
        cmd.add(classDir(HostsProbe.class));
        cmd.add(HostsProbe.class.getName());
        cmd.add("https://myres.openai.azure.com:" + server.httpsPort()
                + "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21");
        cmd.add(AZURE_KEY);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(out).startsWith("200 ").contains("prompt_filter_results");
        RecordedRequest last = server.lastRequest();
        assertThat(last.host()).isEqualTo("myres.openai.azure.com:" + server.httpsPort());
        assertThat(last.https()).isTrue();
    }

    static String classDir(Class<?> c) throws Exception {
        return new File(c.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    }
}
