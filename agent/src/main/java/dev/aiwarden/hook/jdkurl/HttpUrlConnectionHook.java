package dev.aiwarden.hook.jdkurl;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.hook.AdapterInjector;
import dev.aiwarden.hook.Hook;
import dev.aiwarden.hook.HookTargets;
import dev.aiwarden.hook.Weaver;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

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
  private static final List<String> ADAPTERS =
      Arrays.asList(
          "dev.aiwarden.hook.jdkurl.HttpUrlConnectionAdapter",
          "dev.aiwarden.hook.jdkurl.TapInputStream");

  @Override
  public String name() {
    return "jdk-httpurlconnection";
  }

  @Override
  public List<String> adapterClasses() {
    return ADAPTERS;
  }

  @Override
  public Weaver.Builder extend(Weaver.Builder builder, AdapterInjector injector) {
    return builder
        .type(named(HookTargets.JDK_HTTP_URL_CONNECTION))
        .transform(
            (b, type, loader, module, domain) ->
                injector.inject(loader, domain, ADAPTERS)
                        && injector.readAdapters("java.base", loader, "sun.net.www")
                    ? b.visit(
                            Weaver.advice(OutputStreamAdvice.class)
                                .on(named("getOutputStream").and(takesArguments(0))))
                        .visit(
                            Weaver.advice(InputStreamAdvice.class)
                                .on(named("getInputStream").and(takesArguments(0))))
                    : b);
  }

  /** Streaming mode: the request's headers leave here. */
  public static final class OutputStreamAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = PolicyDeniedException.class)
    public static Object enter(
        @Advice.This Object connection,
        @Advice.FieldValue(value = "userHeaders", typing = Assigner.Typing.DYNAMIC) Object headers,
        @Advice.FieldValue("fixedContentLength") int fixedLength,
        @Advice.FieldValue("fixedContentLengthLong") long fixedLengthLong,
        @Advice.FieldValue("chunkLength") int chunkLength) {
      return HttpUrlConnectionAdapter.onOutputStream(
          connection, headers, fixedLength != -1 || fixedLengthLong != -1 || chunkLength != -1);
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(
        @Advice.Enter Object handle, @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (handle instanceof PolicyDeniedException) {
        thrown = (PolicyDeniedException) handle;
      }
    }
  }

  /** The first {@code getInputStream}: the request leaves, the response arrives. */
  public static final class InputStreamAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = PolicyDeniedException.class)
    public static Object enter(
        @Advice.This Object connection,
        @Advice.FieldValue("inputStream") InputStream existing,
        @Advice.FieldValue(value = "rememberedException", typing = Assigner.Typing.DYNAMIC)
            Object remembered,
        @Advice.FieldValue(value = "poster", typing = Assigner.Typing.DYNAMIC) Object poster,
        @Advice.FieldValue(value = "userHeaders", typing = Assigner.Typing.DYNAMIC) Object headers) {
      if (existing != null || remembered != null) {
        return null;
      }
      return HttpUrlConnectionAdapter.onInputStream(connection, poster, headers);
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(
        @Advice.This Object connection,
        @Advice.Enter Object handle,
        @Advice.Return(readOnly = false) InputStream in,
        @Advice.Thrown(readOnly = false) Throwable thrown,
        @Advice.FieldValue(value = "inputStream", readOnly = false) InputStream field,
        @Advice.FieldValue("responseCode") int status) {
      if (handle instanceof PolicyDeniedException) {
        thrown = (PolicyDeniedException) handle;
      } else if (handle != null) {
        InputStream tapped =
            HttpUrlConnectionAdapter.onResponse(handle, connection, in, thrown, status);
        if (thrown == null && tapped != in) {
          field = tapped;
          in = tapped;
        }
      }
    }
  }
}
