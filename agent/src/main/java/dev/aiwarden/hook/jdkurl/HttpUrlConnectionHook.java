package dev.aiwarden.hook.jdkurl;

import static dev.aiwarden.hook.InlineAdvice.ENTER;
import static dev.aiwarden.hook.InlineAdvice.RETURN;
import static dev.aiwarden.hook.InlineAdvice.THIS;
import static dev.aiwarden.hook.InlineAdvice.THROWN;
import static dev.aiwarden.hook.InlineAdvice.field;

import dev.aiwarden.hook.AdapterInjector;
import dev.aiwarden.hook.Hook;
import dev.aiwarden.hook.HookTargets;
import dev.aiwarden.hook.InlineAdvice;
import dev.aiwarden.hook.InlineWeaver;
import java.util.Arrays;
import java.util.List;

/**
 * The JDK's {@code HttpURLConnection} and {@code HttpsURLConnection} (checked on Java 17 and 25):
 * {@code sun.net.www.protocol.http.HttpURLConnection}, which the HTTPS implementation delegates to.
 * In the default, buffered mode the request (headers and body) leaves in the first {@code
 * getInputStream} (which {@code getResponseCode} calls too): the call starts there, with its body.
 * In fixed-length or chunked streaming mode the headers leave in {@code getOutputStream}: the call
 * starts there, and its body is not seen. The response stream is replaced by a tapped one (also in
 * the connection's field, so every later {@code getInputStream} returns it).
 *
 * <p>Its adapters are defined in the bootstrap loader; {@code java.base} reads them and exports
 * {@code sun.net.www} to them (to read the application's headers, which the public API hides).
 */
public final class HttpUrlConnectionHook implements Hook {
  private static final String ADAPTER = "dev.aiwarden.hook.jdkurl.HttpUrlConnectionAdapter";
  private static final List<String> ADAPTERS =
      Arrays.asList(ADAPTER, "dev.aiwarden.hook.jdkurl.TapInputStream");

  @Override
  public String name() {
    return "jdk-httpurlconnection";
  }

  @Override
  public List<String> adapterClasses() {
    return ADAPTERS;
  }

  @Override
  public void inline(InlineWeaver.Builder builder, AdapterInjector injector) {
    builder
        .named(HookTargets.JDK_HTTP_URL_CONNECTION)
        .adapters(injector, ADAPTERS)
        .module("java.base", "sun.net.www")
        .advice(
            // Streaming mode: the request's headers leave here.
            InlineAdvice.on("getOutputStream", 0)
                .fields("userHeaders", "fixedContentLength", "fixedContentLengthLong", "chunkLength")
                .enter(
                    ADAPTER,
                    "enterOutputStream",
                    "(Ljava/lang/Object;Ljava/lang/Object;IJI)V",
                    THIS,
                    field(0),
                    field(1),
                    field(2),
                    field(3)),
            // The first getInputStream: the request leaves, the response arrives; the tapped
            // stream also goes into the connection's field, for every later getInputStream.
            InlineAdvice.on("getInputStream", 0)
                .fields("inputStream", "rememberedException", "poster", "userHeaders", "responseCode")
                .enter(
                    ADAPTER,
                    "enterInputStream",
                    "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;"
                        + "Ljava/lang/Object;)Ljava/lang/Object;",
                    THIS,
                    field(0),
                    field(1),
                    field(2),
                    field(3))
                .exit(
                    ADAPTER,
                    "exitInputStream",
                    "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;I)Ljava/lang/Object;",
                    ENTER,
                    THIS,
                    RETURN,
                    field(4))
                .exitSets(
                    "inputStream",
                    ADAPTER,
                    "streamField",
                    "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;")
                .thrown(
                    ADAPTER,
                    "inputStreamThrown",
                    "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Throwable;I)Ljava/lang/Throwable;",
                    ENTER,
                    THIS,
                    THROWN,
                    field(4)));
  }
}
