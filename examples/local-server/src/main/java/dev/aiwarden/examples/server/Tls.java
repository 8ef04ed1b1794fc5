package dev.aiwarden.examples.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Test-time TLS and name resolution for the local server.
 *
 * <p>{@link #createKeystore} runs the JDK's {@code keytool} to make a self-signed RSA certificate whose
 * subject alternative names are the given host names plus {@code localhost} and {@code 127.0.0.1}, and a
 * trust store with that certificate. A client JVM trusts it with
 * <pre>
 * -Djavax.net.ssl.trustStore=DIR/truststore.p12 -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12
 * </pre>
 * and reaches the server by real host names with {@code -Djdk.net.hosts.file=FILE} ({@link #writeHostsFile}).
 */
public final class Tls {

    /** Password of both stores and of the key. */
    public static final String PASSWORD = "changeit";
    public static final String KEYSTORE_FILE = "keystore.p12";
    public static final String TRUSTSTORE_FILE = "truststore.p12";
    public static final String CERTIFICATE_FILE = "server.crt";
    public static final String ALIAS = "ai-warden-local-server";

    /** Host names in the certificate when none are given. */
    public static final List<String> DEFAULT_SAN_HOSTS = Collections.unmodifiableList(Arrays.asList(
            "api.openai.com",
            "myres.openai.azure.com",
            "myres.cognitiveservices.azure.com",
            "myres.services.ai.azure.com",
            "proxy.example.test"));

    private Tls() {
    }

    /**
     * Creates (replacing old ones) {@code dir/keystore.p12}, {@code dir/truststore.p12} and {@code dir/server.crt}.
     *
     * @param sanHosts DNS names for the certificate; none = {@link #DEFAULT_SAN_HOSTS}. {@code localhost}
     *                 and {@code IP:127.0.0.1} are always added.
     * @return the key store path
     */
    public static Path createKeystore(Path dir, String... sanHosts) throws IOException {
        Files.createDirectories(dir);
        Path keystore = dir.resolve(KEYSTORE_FILE);
        Path truststore = dir.resolve(TRUSTSTORE_FILE);
        Path cert = dir.resolve(CERTIFICATE_FILE);
        Files.deleteIfExists(keystore);
        Files.deleteIfExists(truststore);
        Files.deleteIfExists(cert);

        Set<String> names = new LinkedHashSet<>(sanHosts.length == 0 ? DEFAULT_SAN_HOSTS : Arrays.asList(sanHosts));
        names.add("localhost");
        StringBuilder san = new StringBuilder("SAN=");
        for (String n : names) {
            san.append("dns:").append(n).append(',');
        }
        san.append("ip:127.0.0.1");

        // Write into temporary names first, so a half-made store is never taken for a good one.
        Path ksTmp = dir.resolve(KEYSTORE_FILE + ".tmp");
        Path tsTmp = dir.resolve(TRUSTSTORE_FILE + ".tmp");
        Files.deleteIfExists(ksTmp);
        Files.deleteIfExists(tsTmp);
        keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                "-dname", "CN=localhost, OU=ai-warden local server, O=ai-warden",
                "-ext", san.toString(),
                "-keystore", ksTmp.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", ALIAS, "-keystore", ksTmp.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", ALIAS, "-file", cert.toString(),
                "-keystore", tsTmp.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        Files.move(tsTmp, truststore, StandardCopyOption.REPLACE_EXISTING);
        Files.move(ksTmp, keystore, StandardCopyOption.REPLACE_EXISTING);
        return keystore;
    }

    /** Uses {@code dir/keystore.p12} if it and the trust store exist, else {@link #createKeystore creates} them. */
    public static Path ensureKeystore(Path dir, String... sanHosts) throws IOException {
        Path keystore = dir.resolve(KEYSTORE_FILE);
        if (Files.isRegularFile(keystore) && Files.isRegularFile(dir.resolve(TRUSTSTORE_FILE))) {
            return keystore;
        }
        return createKeystore(dir, sanHosts);
    }

    /** The trust store that {@link #createKeystore} wrote next to a key store. */
    public static Path truststoreFor(Path keystore) {
        return keystore.resolveSibling(TRUSTSTORE_FILE);
    }

    /** {@code -Djavax.net.ssl.trustStore=...} and friends, for a client JVM's command line. */
    public static List<String> trustStoreJvmArgs(Path truststore) {
        List<String> args = new ArrayList<>();
        args.add("-Djavax.net.ssl.trustStore=" + truststore.toAbsolutePath());
        args.add("-Djavax.net.ssl.trustStorePassword=" + PASSWORD);
        args.add("-Djavax.net.ssl.trustStoreType=PKCS12");
        return args;
    }

    /**
     * Writes a hosts file for {@code -Djdk.net.hosts.file}: one line {@code 127.0.0.1 host1 host2 ...}.
     * No hosts = {@link #DEFAULT_SAN_HOSTS}. A JVM that uses this file resolves no other name, so
     * {@code localhost} and this machine's own host name are always added: without the latter,
     * {@code InetAddress.getLocalHost()} (used for {@code host.name}) throws {@code UnknownHostException}.
     */
    public static Path writeHostsFile(Path file, String... hosts) throws IOException {
        Set<String> names = new LinkedHashSet<>(hosts.length == 0 ? DEFAULT_SAN_HOSTS : Arrays.asList(hosts));
        names.add("localhost");
        String self = localHostName();
        if (self != null) {
            names.add(self);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, ("127.0.0.1 " + String.join(" ", names) + "\n").getBytes(StandardCharsets.US_ASCII));
        return file;
    }

    /** This machine's host name, or null when it cannot be found. */
    private static String localHostName() {
        try {
            String name = java.net.InetAddress.getLocalHost().getHostName();
            return name == null || name.isEmpty() || name.contains(" ") ? null : name;
        } catch (IOException | RuntimeException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.trim().isEmpty() ? null : env.trim();
        }
    }

    /** Server side: an SSLContext holding the key store's key. */
    public static SSLContext serverSslContext(Path keystore) throws IOException {
        try {
            KeyStore ks = load(keystore);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD.toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use key store " + keystore + ": " + e, e);
        }
    }

    /** Client side: an SSLContext that trusts exactly the certificates in the trust store. */
    public static SSLContext clientSslContext(Path truststore) throws IOException {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(truststore));
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use trust store " + truststore + ": " + e, e);
        }
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private static void keytool(String... args) throws IOException {
        Path keytool = Paths.get(System.getProperty("java.home"), "bin",
                System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win") ? "keytool.exe" : "keytool");
        List<String> cmd = new ArrayList<>();
        cmd.add(keytool.toString());
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool " + args[0] + " did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed (exit " + p.exitValue() + "): "
                    + out.toString(StandardCharsets.UTF_8).trim());
        }
    }
}
