package dev.aiwarden.hook;

import dev.aiwarden.telemetry.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/** Builds the Byte Buddy transformer with every hook's advice. */
public final class HookInstaller {
  private HookInstaller() {}

  /** The raw transformer: the {@link LazyTransformer} calls it for the classes it lets through. */
  public static ClassFileTransformer build(AdapterInjector injector) {
    // Byte Buddy's "nexus" (for type initialisers we never use) reaches for sun.misc.Unsafe,
    // which JDK 24+ reports on the application's stderr. Shade relocates this property name
    // with Byte Buddy, so it can never switch off the application's own Byte Buddy.
    System.setProperty("net.bytebuddy.nexus.disabled", "true");
    AgentBuilder builder =
        new AgentBuilder.Default(
                new ByteBuddy()
                    .with(TypeValidation.DISABLED)
                    // Advice changes declared methods only: no need to analyse every super type's
                    // methods (which reads their class files through the type pool).
                    .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE))
            .disableClassFormatChanges()
            .with(AgentBuilder.TypeStrategy.Default.DECORATE)
            .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
            .with(AgentBuilder.PoolStrategy.Default.FAST)
            // The LazyTransformer already filtered by name; Byte Buddy's default ignore rule would
            // also hide JDK classes some hooks need.
            .ignore(ElementMatchers.none())
            .with(new ErrorListener());
    for (Hook hook : Hooks.all()) {
      builder = hook.extend(builder, injector);
    }
    return builder.makeRaw();
  }

  /** Logs a failed transformation once; the class then loads unchanged (fail open). */
  private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(
        String typeName,
        ClassLoader classLoader,
        JavaModule module,
        boolean loaded,
        Throwable throwable) {
      AgentLog.errorOnce("hook:" + typeName, "ai-warden could not hook " + typeName, throwable);
    }

    @Override
    public void onTransformation(
        TypeDescription typeDescription,
        ClassLoader classLoader,
        JavaModule module,
        boolean loaded,
        net.bytebuddy.dynamic.DynamicType dynamicType) {
      AgentLog.get(HookInstaller.class).debug("hooked {}", typeDescription.getName());
    }
  }
}
