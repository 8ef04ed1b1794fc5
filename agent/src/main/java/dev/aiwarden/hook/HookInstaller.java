package dev.aiwarden.hook;

import dev.aiwarden.telemetry.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/** Builds the Byte Buddy transformer with every hook's advice. */
public final class HookInstaller {
  private HookInstaller() {}

  /** The raw transformer: the {@link LazyTransformer} calls it for the classes it lets through. */
  public static ClassFileTransformer build(AdapterInjector injector) {
    AgentBuilder builder =
        new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
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
