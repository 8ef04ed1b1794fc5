package dev.aiwarden.examples.server;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * Run in a separate JVM by {@link TlsTest}: POSTs a chat request to {@code args[0]} with key {@code args[1]}
 * using only JVM-wide settings (hosts file, default trust store), and prints the status and body.
 */
public final class HostsProbe {

    private HostsProbe() {
    }

    public static void main(String[] args) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(args[0]).openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        c.setRequestProperty("api-key", args[1]);
        try (OutputStream os = c.getOutputStream()) {
            os.write("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}".getBytes(StandardCharsets.UTF_8));
        }
        int status = c.getResponseCode();
        java.net.InetAddress.getLocalHost(); // must resolve with only the hosts file (host.name detection)
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            System.out.println(status + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
