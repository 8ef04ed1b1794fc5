package dev.aiwarden.hook;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * Applies the hooks' Byte Buddy {@code Advice} to the classes they name: a plain {@link
 * ClassFileTransformer} around a type pool, an ASM reader and writer. It does what Byte Buddy's
 * {@code AgentBuilder} did for ai-warden ({@code disableClassFormatChanges}, {@code DECORATE},
 * {@code POOL_ONLY}, fast pool) without that machinery: the {@code AgentBuilder}, its {@code
 * ByteBuddy} configuration and the transformer class it generates cost about 750 classes and a
 * second of CPU to start, paid by every application that loads a hooked HTTP client.
 *
 * <p>Only the methods an advice matches are rewritten; the rest of the class, constant pool
 * included, is copied as it was. A failure leaves the class unchanged and is logged once (fail
 * open).
 */
public final class Weaver implements ClassFileTransformer {
  /** Changes one matched type: adds advice to {@code builder}, or returns it unchanged. */
  public interface Transformer {
    Weave transform(
        Weave builder,
        TypeDescription type,
        ClassLoader loader,
        Module module,
        ProtectionDomain domain);
  }

  /** The advice collected for one type (named like Byte Buddy's builder, which it replaces). */
  public static final class Weave {
    private final List<AsmVisitorWrapper> wrappers = new ArrayList<>(2);

    /** Adds one advice (or any other class visitor wrapper). */
    public Weave visit(AsmVisitorWrapper wrapper) {
      wrappers.add(wrapper);
      return this;
    }
  }

  /** Collects the hooks' type matchers and transformers, in the fluent form they are written. */
  public static final class Builder {
    private final List<ElementMatcher<? super TypeDescription>> types = new ArrayList<>();
    private final List<Transformer> transformers = new ArrayList<>();

    /** The types the next {@link Narrowed#transform} applies to. */
    public Narrowed type(ElementMatcher<? super TypeDescription> matcher) {
      return new Narrowed(this, matcher);
    }

    public Weaver build() {
      return new Weaver(new ArrayList<>(types), new ArrayList<>(transformers));
    }
  }

  /** A type matcher waiting for its transformer. */
  public static final class Narrowed {
    private final Builder builder;
    private final ElementMatcher<? super TypeDescription> matcher;

    Narrowed(Builder builder, ElementMatcher<? super TypeDescription> matcher) {
      this.builder = builder;
      this.matcher = matcher;
    }

    public Builder transform(Transformer transformer) {
      builder.types.add(matcher);
      builder.transformers.add(transformer);
      return builder;
    }
  }

  /**
   * The agent's own classes as a type pool: advice classes are read from their class files, not
   * by reflection, which would load the JDK's annotation parser, a proxy class per annotation
   * type and Byte Buddy's reflective dispatchers.
   */
  private static final class AgentClasses {
    static final ClassFileLocator LOCATOR =
        ClassFileLocator.ForClassLoader.of(Weaver.class.getClassLoader());
    static final TypePool POOL =
        new TypePool.Default.WithLazyResolution(
            new TypePool.CacheProvider.Simple(), LOCATOR, TypePool.Default.ReaderMode.FAST);
  }

  /** {@code Advice.to(adviceClass)}, read from the agent's class files: use this in every hook. */
  public static Advice advice(Class<?> adviceClass) {
    return Advice.to(
        AgentClasses.POOL.describe(adviceClass.getName()).resolve(), AgentClasses.LOCATOR);
  }

  private final List<ElementMatcher<? super TypeDescription>> types;
  private final List<Transformer> transformers;

  private Weaver(
      List<ElementMatcher<? super TypeDescription>> types, List<Transformer> transformers) {
    this.types = types;
    this.transformers = transformers;
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain domain,
      byte[] classfile) {
    if (className == null || classfile == null) {
      return null;
    }
    String name = className.replace('/', '.');
    try {
      return InlineWeaver.hooked(name, weave(loader, name, domain, classfile));
    } catch (Throwable t) {
      return InlineWeaver.failed(name, t);
    }
  }

  /**
   * Weaves a small class of the agent's own with an advice like the hooks' and throws the result
   * away: loads and runs the type pool, the advice compiler, ASM's reader and writer once, on the
   * thread that builds the hooks ahead of need, so that the first hooked class loading on an
   * application thread finds them ready. Never throws.
   */
  public void warmUp() {
    try {
      String name = WarmUpTarget.class.getName();
      ClassLoader own = Weaver.class.getClassLoader();
      byte[] bytes = InlineWeaver.ownClassBytes(WarmUpTarget.class);
      if (bytes == null) {
        return;
      }
      Builder warm = new Builder();
      warm.type(net.bytebuddy.matcher.ElementMatchers.named(name))
          .transform(new WarmUpTransformer());
      warm.build().weave(own, name, null, bytes);
    } catch (Throwable t) {
      // Only a head start was lost: the first hooked class does the same work.
    }
  }

  /** The class {@link #warmUp} weaves (never loaded through this path). */
  static final class WarmUpTarget {
    private WarmUpTarget() {}

    static Object call(Object in) {
      return in;
    }
  }

  /** An advice of the hooks' shape: enter handle, skip, return and throwable rewritten. */
  static final class WarmUpAdvice {
    private WarmUpAdvice() {}

    @net.bytebuddy.asm.Advice.OnMethodEnter(
        suppress = Throwable.class,
        skipOn = IllegalStateException.class)
    static Object enter(@net.bytebuddy.asm.Advice.Argument(0) Object in) {
      return in;
    }

    @net.bytebuddy.asm.Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit(
        @net.bytebuddy.asm.Advice.Enter Object handle,
        @net.bytebuddy.asm.Advice.Return(
                readOnly = false,
                typing = net.bytebuddy.implementation.bytecode.assign.Assigner.Typing.DYNAMIC)
            Object result,
        @net.bytebuddy.asm.Advice.Thrown(readOnly = false) Throwable thrown) {
      if (handle instanceof IllegalStateException) {
        thrown = (IllegalStateException) handle;
      } else if (handle != null) {
        result = handle;
      }
    }
  }

  private static final class WarmUpTransformer implements Transformer {
    @Override
    public Weave transform(
        Weave builder, TypeDescription type, ClassLoader loader, Module module,
        ProtectionDomain domain) {
      return builder.visit(
          advice(WarmUpAdvice.class)
              .on(net.bytebuddy.matcher.ElementMatchers.named("call")));
    }
  }

  private byte[] weave(ClassLoader loader, String name, ProtectionDomain domain, byte[] classfile) {
    // The class being loaded from its bytes, its super types from its class loader.
    ClassFileLocator locator =
        new ClassFileLocator.Compound(
            ClassFileLocator.Simple.of(name, classfile), ClassFileLocator.ForClassLoader.of(loader));
    TypePool pool =
        new TypePool.Default.WithLazyResolution(
            TypePool.CacheProvider.Simple.withObjectType(),
            locator,
            TypePool.Default.ReaderMode.FAST);
    TypeDescription type = pool.describe(name).resolve();
    Weave weave = new Weave();
    for (int i = 0; i < types.size(); i++) {
      if (types.get(i).matches(type)) {
        weave = transformers.get(i).transform(weave, type, loader, null, domain);
      }
    }
    if (weave.wrappers.isEmpty()) {
      return null;
    }
    AsmVisitorWrapper wrapper = new AsmVisitorWrapper.Compound(weave.wrappers);
    int writerFlags = wrapper.mergeWriter(AsmVisitorWrapper.NO_FLAGS);
    int readerFlags = wrapper.mergeReader(AsmVisitorWrapper.NO_FLAGS);
    ClassReader reader = new ClassReader(classfile);
    ClassWriter writer = new PoolClassWriter(reader, writerFlags, pool);
    ClassFileVersion version = ClassFileVersion.ofClassFile(classfile);
    Implementation.Context.ExtractableView context =
        Implementation.Context.Disabled.Factory.INSTANCE.make(
            type,
            null,
            net.bytebuddy.dynamic.scaffold.TypeInitializer.None.INSTANCE,
            version,
            version,
            version.isAtLeast(ClassFileVersion.JAVA_V6)
                ? Implementation.Context.FrameGeneration.GENERATE
                : Implementation.Context.FrameGeneration.DISABLED);
    ClassVisitor visitor =
        wrapper.wrap(
            type,
            writer,
            context,
            pool,
            type.getDeclaredFields(),
            type.getDeclaredMethods(),
            writerFlags,
            readerFlags);
    reader.accept(visitor, readerFlags);
    return writer.toByteArray();
  }

  /**
   * A writer that, should an advice ever ask it to compute frames, finds common super classes in
   * the type pool rather than by loading classes (which a transformer must not do).
   */
  private static final class PoolClassWriter extends ClassWriter {
    private final TypePool pool;

    PoolClassWriter(ClassReader reader, int flags, TypePool pool) {
      super(reader, flags);
      this.pool = pool;
    }

    @Override
    protected String getCommonSuperClass(String type1, String type2) {
      TypeDescription left = pool.describe(type1.replace('/', '.')).resolve();
      TypeDescription right = pool.describe(type2.replace('/', '.')).resolve();
      if (left.isAssignableFrom(right)) {
        return type1;
      }
      if (right.isAssignableFrom(left)) {
        return type2;
      }
      if (left.isInterface() || right.isInterface()) {
        return "java/lang/Object";
      }
      do {
        TypeDescription.Generic superClass = left.getSuperClass();
        if (superClass == null) {
          return "java/lang/Object";
        }
        left = superClass.asErasure();
      } while (!left.isAssignableFrom(right));
      return left.getInternalName();
    }
  }
}
