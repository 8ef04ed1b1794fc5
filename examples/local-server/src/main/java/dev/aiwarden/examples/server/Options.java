package dev.aiwarden.examples.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Settings of a {@link LocalAiServer}, with fluent setters:
 * <pre>{@code
 * LocalAiServer server = LocalAiServer.start(new Options().validKeys("sk-test-...").streamChunkDelayMillis(5));
 * }</pre>
 */
public final class Options {

    /** Port value that turns the HTTPS listener off. */
    public static final int DISABLED = -1;

    private int httpPort = 0;
    private int httpsPort = 0;
    private Path keystoreDir;
    private List<String> sanHosts = new ArrayList<>(Tls.DEFAULT_SAN_HOSTS);
    private final Set<String> validKeys = new LinkedHashSet<>();
    private boolean acceptAnyJwt = true;
    private long streamChunkDelayMillis = 0;
    private final Map<String, String> azureModels = new LinkedHashMap<>();
    private int maxRecordedRequests = 10_000;
    private int maxThreads = 256;
    private boolean logRequests = false;
    private long maxRequestBytes = 32L << 20;

    public Options() {
    }

    /** HTTP port on 127.0.0.1; 0 (default) picks a free one. */
    public Options httpPort(int port) {
        this.httpPort = port;
        return this;
    }

    /** HTTPS port on 127.0.0.1; 0 (default) picks a free one; {@link #DISABLED} (-1) turns HTTPS off. */
    public Options httpsPort(int port) {
        this.httpsPort = port;
        return this;
    }

    /**
     * Directory of {@code keystore.p12} / {@code truststore.p12}. If they are not there they are created
     * (with {@link #sanHosts}). Default: a new temporary directory.
     */
    public Options keystoreDir(Path dir) {
        this.keystoreDir = dir;
        return this;
    }

    /** DNS names of the certificate, besides {@code localhost} and {@code 127.0.0.1}; default {@link Tls#DEFAULT_SAN_HOSTS}. */
    public Options sanHosts(String... hosts) {
        this.sanHosts = new ArrayList<>(Arrays.asList(hosts));
        return this;
    }

    /** Adds keys the server accepts (as {@code Authorization: Bearer KEY} or {@code api-key: KEY}). */
    public Options validKeys(String... keys) {
        return validKeys(Arrays.asList(keys));
    }

    /** Adds keys the server accepts. */
    public Options validKeys(Collection<String> keys) {
        for (String k : keys) {
            if (k != null && !k.trim().isEmpty()) {
                validKeys.add(k.trim());
            }
        }
        return this;
    }

    /** Accept any bearer token shaped like a JWT (an Entra ID token); default true. */
    public Options acceptAnyJwt(boolean accept) {
        this.acceptAnyJwt = accept;
        return this;
    }

    /** Pause between streamed events; default 0. */
    public Options streamChunkDelayMillis(long millis) {
        this.streamChunkDelayMillis = Math.max(0, millis);
        return this;
    }

    /**
     * The model name an Azure deployment answers with, e.g. {@code azureModel("chat", "gpt-4o-2024-08-06")}.
     * Without a mapping the name is derived from the deployment name (see {@link Responses#azureModelName}).
     */
    public Options azureModel(String deployment, String modelName) {
        azureModels.put(deployment, modelName);
        return this;
    }

    /** How many requests {@link LocalAiServer#requests()} keeps (oldest dropped first); default 10000. */
    public Options maxRecordedRequests(int max) {
        this.maxRecordedRequests = Math.max(0, max);
        return this;
    }

    /** Upper bound of the handler thread pool; default 256. */
    public Options maxThreads(int max) {
        this.maxThreads = Math.max(2, max);
        return this;
    }

    /** Print {@code METHOD /path -> STATUS} per request on stderr (never headers, query or body). */
    public Options logRequests(boolean log) {
        this.logRequests = log;
        return this;
    }

    public int httpPort() {
        return httpPort;
    }

    public int httpsPort() {
        return httpsPort;
    }

    public Path keystoreDir() {
        return keystoreDir;
    }

    public List<String> sanHosts() {
        return Collections.unmodifiableList(sanHosts);
    }

    public Set<String> validKeys() {
        return Collections.unmodifiableSet(validKeys);
    }

    public boolean acceptAnyJwt() {
        return acceptAnyJwt;
    }

    public long streamChunkDelayMillis() {
        return streamChunkDelayMillis;
    }

    public Map<String, String> azureModels() {
        return Collections.unmodifiableMap(azureModels);
    }

    public int maxRecordedRequests() {
        return maxRecordedRequests;
    }

    public int maxThreads() {
        return maxThreads;
    }

    /** Request bodies longer than this are read to the end (counted and hashed) and answered with 413. */
    public Options maxRequestBytes(long max) {
        this.maxRequestBytes = max;
        return this;
    }

    public long maxRequestBytes() {
        return maxRequestBytes;
    }

    public boolean logRequests() {
        return logRequests;
    }
}
