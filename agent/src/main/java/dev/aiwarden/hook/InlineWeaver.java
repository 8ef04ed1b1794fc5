package dev.aiwarden.hook;

import dev.aiwarden.telemetry.AgentLog;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Weaves the hooks' {@link InlineAdvice} into the classes they name, on ASM's core API alone
 * ({@code org.ow2.asm:asm}, shaded in the agent jar: about 25 classes). Calls, not
 * copies: the woven code calls static methods of the adapters injected next to the library, so it
 * references only classes the library's loader sees. It never adds a member (so it also serves
 * {@code retransformClasses}): our locals go above the method's own, the entry call before its
 * first instruction, the exit call before each return, and one outermost exception handler, after
 * the method's own, for the throw path. Frames: the method's are kept (our local appended), the
 * new branch targets (the entry and its failure path, the throw path) get frames written here.
 *
 * <p>The woven code fails open on its own, whatever an adapter does (a {@code LinkageError} of
 * the adapter, a bug): each of our calls sits in a handler of its own (the exit calls' handlers
 * ahead of the method's, so a try block of the method around a return never sees our error). A
 * failed entry call goes to {@code Warden.enterFailed} (a denial thrown on, anything else
 * reported once); a failed exit or throw-path call is dropped and the original value returned, or
 * the original throwable thrown on.
 *
 * <p>It replaced Byte Buddy's {@code Advice} (and before it {@code AgentBuilder}): their type
 * pool, advice compiler and matchers cost about 600 classes, loaded and run cold, in every
 * application that loads a hooked client.
 */
public final class InlineWeaver implements ClassFileTransformer {
  private static final String OBJECT = "java/lang/Object";
  private static final String THROWABLE = "java/lang/Throwable";
  private static final String WARDEN = "dev/aiwarden/bootstrap/Warden";

  /** The classes one hook changes, its adapters and its advice. */
  public static final class Rule {
    final String[] names;
    final String prefix;
    final String suffix;
    String superType;
    String module;
    String[] exports = new String[0];
    AdapterInjector injector;
    List<String> adapters;
    final List<InlineAdvice> advice = new ArrayList<>();

    Rule(String[] names, String prefix, String suffix) {
      this.names = names;
      this.prefix = prefix;
      this.suffix = suffix;
    }

    /** Only concrete classes (not interfaces, not abstract) with this (binary) super type. */
    public Rule concreteSubtypeOf(String binaryName) {
      superType = binaryName.replace('.', '/');
      return this;
    }

    /** Injects these adapter classes into the class's loader first (no advice if that fails). */
    public Rule adapters(AdapterInjector injector, List<String> adapters) {
      this.injector = injector;
      this.adapters = adapters;
      return this;
    }

    /** A class of this named JDK module: it reads the adapters, which it exports these packages to. */
    public Rule module(String jdkModule, String... exportedPackages) {
      module = jdkModule;
      exports = exportedPackages;
      return this;
    }

    public Rule advice(InlineAdvice... advice) {
      for (InlineAdvice a : advice) {
        this.advice.add(a);
      }
      return this;
    }

    /** The cheap test: the name alone. */
    boolean claims(String internalName) {
      if (names != null) {
        for (String n : names) {
          if (n.equals(internalName)) {
            return true;
          }
        }
        return false;
      }
      return internalName.startsWith(prefix) && internalName.endsWith(suffix);
    }
  }

  /** Collects the rules of the hooks written as inline advice. */
  public static final class Builder {
    private final List<Rule> rules = new ArrayList<>();

    /** A rule for the classes with these binary names. */
    public Rule named(String... binaryNames) {
      String[] names = new String[binaryNames.length];
      for (int i = 0; i < names.length; i++) {
        names[i] = binaryNames[i].replace('.', '/');
      }
      Rule rule = new Rule(names, null, null);
      rules.add(rule);
      return rule;
    }

    /** A rule for the classes whose internal name starts and ends so. */
    public Rule prefixSuffix(String internalPrefix, String suffix) {
      Rule rule = new Rule(null, internalPrefix, suffix);
      rules.add(rule);
      return rule;
    }

    public InlineWeaver build() {
      return new InlineWeaver(rules.toArray(new Rule[0]));
    }
  }

  private final Rule[] rules;

  private InlineWeaver(Rule[] rules) {
    this.rules = rules;
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
    boolean claimed = false;
    for (Rule rule : rules) {
      claimed |= rule.claims(className);
    }
    if (!claimed) {
      return null;
    }
    try {
      return hooked(className, weave(loader, className, domain, classfile));
    } catch (Throwable t) {
      return failed(className, t);
    }
  }

  /** Logs (debug) that {@code name} was changed, when {@code woven} is not null; returns it. */
  static byte[] hooked(String name, byte[] woven) {
    // The level first: the logger's first use sets up logging (milliseconds), which would
    // otherwise run on the application's class-loading thread for a line it does not print.
    if (woven != null && "debug".equals(AgentLog.level())) {
      AgentLog.get(InlineWeaver.class).debug("hooked {}", name);
    }
    return woven;
  }

  /** Logs once that {@code name} could not be changed; returns null (the class stays). */
  static byte[] failed(String name, Throwable t) {
    AgentLog.errorOnce("hook:" + name, "ai-warden could not hook " + name, t);
    return null;
  }

  /** The class file of one of the agent's own classes, or null. */
  static byte[] ownClassBytes(Class<?> c) throws java.io.IOException {
    String resource = c.getName().replace('.', '/').concat(".class");
    byte[] bytes = OwnClassFiles.read(InlineWeaver.class, resource)[0];
    return bytes != null ? bytes : OwnClassFiles.viaClassLoader(InlineWeaver.class, resource);
  }


  /** The woven class, or null when no advice applies (or its adapters could not be injected). */
  byte[] weave(ClassLoader loader, String className, ProtectionDomain domain, byte[] classfile) {
    if (!seesBootstrap(loader)) {
      AgentLog.errorOnce(
          "hook-loader:" + className,
          "ai-warden does not hook " + className
              + ": its class loader does not see ai-warden's bootstrap classes (dev.aiwarden.bootstrap)",
          null);
      return null;
    }
    ClassReader reader = new ClassReader(classfile);
    List<InlineAdvice> advice = new ArrayList<>(4);
    for (Rule rule : rules) {
      if (!rule.claims(className)) {
        continue;
      }
      if (rule.superType != null
          && ((reader.getAccess() & (Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT)) != 0
              || !SuperTypes.has(loader, reader, rule.superType))) {
        continue;
      }
      if (rule.injector != null
          && (!rule.injector.inject(loader, domain, rule.adapters)
              || rule.module != null && !rule.injector.readAdapters(rule.module, loader, rule.exports))) {
        continue;
      }
      advice.addAll(rule.advice);
    }
    if (advice.isEmpty()) {
      return null;
    }
    // First pass: each advised method's max locals, above which our locals go.
    Map<String, int[]> maxLocals = new HashMap<>();
    Map<String, String> fields = new HashMap<>();
    reader.accept(
        new MaxLocals(advice, maxLocals, fields), ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    if (maxLocals.isEmpty()) {
      return null;
    }
    for (InlineAdvice a : advice) {
      for (String field : a.fields) {
        if (!fields.containsKey(field)) {
          String desc = SuperTypes.inheritedField(loader, reader.getSuperName(), field);
          if (desc != null) {
            fields.put(field, desc);
          }
        }
      }
    }
    ClassWriter writer = new ClassWriter(reader, 0);
    boolean frames = (reader.readUnsignedShort(6) & 0xFFFF) >= Opcodes.V1_6;
    reader.accept(
        new AdviceClass(writer, reader.getClassName(), advice, maxLocals, fields, frames),
        ClassReader.EXPAND_FRAMES);
    return writer.toByteArray();
  }

  /**
   * True when {@code loader} resolves ai-warden's bootstrap classes to ours: the woven code and
   * the adapters call {@code dev.aiwarden.bootstrap.Warden}, also on their failure paths, so a
   * loader that does not delegate that package (an OSGi framework without boot delegation for it)
   * gets no hook rather than a {@code NoClassDefFoundError} in the application's call.
   */
  static boolean seesBootstrap(ClassLoader loader) {
    if (loader == null) {
      return true;
    }
    try {
      return Class.forName(WARDEN_CLASS.getName(), false, loader) == WARDEN_CLASS;
    } catch (ClassNotFoundException | LinkageError | RuntimeException notSeen) {
      return false;
    }
  }

  private static final Class<?> WARDEN_CLASS = dev.aiwarden.bootstrap.Warden.class;

  private static InlineAdvice adviceFor(List<InlineAdvice> advice, int access, String name, String desc) {
    for (InlineAdvice a : advice) {
      if (a.matches(access, name, desc)) {
        return a;
      }
    }
    return null;
  }

  /**
   * The first pass: records {@code max_stack}, {@code max_locals} and the number of returns of
   * the methods an advice matches.
   */
  private static final class MaxLocals extends ClassVisitor {
    private final List<InlineAdvice> advice;
    private final Map<String, int[]> out;
    private final Map<String, String> fields;

    MaxLocals(List<InlineAdvice> advice, Map<String, int[]> out, Map<String, String> fields) {
      super(Opcodes.ASM9);
      this.advice = advice;
      this.out = out;
      this.fields = fields;
    }

    @Override
    public org.objectweb.asm.FieldVisitor visitField(
        int access, String name, String desc, String signature, Object value) {
      if ((access & Opcodes.ACC_STATIC) == 0) {
        fields.put(name, desc);
      }
      return null;
    }

    @Override
    public MethodVisitor visitMethod(
        int access, String name, String desc, String signature, String[] exceptions) {
      if (adviceFor(advice, access, name, desc) == null) {
        return null;
      }
      String key = name + desc;
      return new MethodVisitor(Opcodes.ASM9) {
        private int returns;

        @Override
        public void visitInsn(int opcode) {
          if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            returns++;
          }
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
          out.put(key, new int[] {maxStack, maxLocals, returns});
        }
      };
    }
  }

  private static final class AdviceClass extends ClassVisitor {
    private final String owner;
    private final List<InlineAdvice> advice;
    private final Map<String, int[]> maxs;
    private final Map<String, String> fields;
    private final boolean frames;

    AdviceClass(
        ClassVisitor writer, String owner, List<InlineAdvice> advice, Map<String, int[]> maxs,
        Map<String, String> fields, boolean frames) {
      super(Opcodes.ASM9, writer);
      this.owner = owner;
      this.advice = advice;
      this.maxs = maxs;
      this.fields = fields;
      this.frames = frames;
    }

    @Override
    public MethodVisitor visitMethod(
        int access, String name, String desc, String signature, String[] exceptions) {
      MethodVisitor mv = super.visitMethod(access, name, desc, signature, exceptions);
      int[] max = maxs.get(name + desc);
      InlineAdvice a = max == null ? null : adviceFor(advice, access, name, desc);
      if (a == null) {
        return mv;
      }
      return new AdviceMethod(mv, owner, access, name, desc, a, max[1], max[2], fields, frames);
    }
  }

  /** Weaves one advice into one method (see the class comment for the shape). */
  static final class AdviceMethod extends MethodVisitor {
    private final String owner;
    private final boolean isStatic;
    private final String where;
    private final Type[] args;
    private final Type returnType;
    private final InlineAdvice advice;
    private final int originalMaxLocals;
    private final Map<String, String> fields;
    private final boolean frames;
    /** Our handle local (when enter returns one), then the return value or throwable. */
    private final int handle;
    private final int scratch;
    private final Type enterReturn;
    private boolean originFramePending;
    private final List<Label> ranges = new ArrayList<>();
    private Label rangeStart;
    /**
     * The guarded range of the exit call at each return (start, end), in the exception table
     * ahead of the method's own handlers, so an error of the call reaches {@link #exitFailed}
     * even where the return sits inside a try block of the method.
     */
    private final Label[] exitRanges;
    private int exitsWoven;
    private final Label exitFailed = new Label();

    AdviceMethod(
        MethodVisitor mv, String owner, int access, String name, String desc, InlineAdvice advice,
        int maxLocals, int returns, Map<String, String> fields, boolean frames) {
      super(Opcodes.ASM9, mv);
      this.owner = owner;
      this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
      this.where = new StringBuilder(owner.length() + name.length() + 1)
          .append(owner.replace('/', '.')).append('.').append(name).toString();
      this.args = Type.getArgumentTypes(desc);
      this.returnType = Type.getReturnType(desc);
      this.advice = advice;
      this.originalMaxLocals = maxLocals;
      this.fields = fields;
      this.frames = frames;
      this.enterReturn =
          advice.enter == null ? Type.VOID_TYPE : Type.getReturnType(advice.enter.descriptor);
      this.handle = enterReturn.getSort() == Type.OBJECT ? maxLocals : -1;
      this.scratch = handle < 0 ? maxLocals : maxLocals + 1;
      this.exitRanges = new Label[advice.exit == null ? 0 : 2 * returns];
      for (int i = 0; i < exitRanges.length; i++) {
        exitRanges[i] = new Label();
      }
      check();
    }

    /** Refuses (throws, so the class stays unchanged) what this weaver does not handle. */
    private void check() {
      if (advice.enter != null) {
        int sort = enterReturn.getSort();
        if (sort != Type.VOID && sort != Type.OBJECT) {
          throw new IllegalArgumentException("enter must return void or an object: " + where);
        }
        checkArgs(advice.enter, false);
      }
      if (advice.replacement != null) {
        checkArgs(advice.replacement, false);
        Type arg = source(advice.argument, false, false);
        Type r = Type.getReturnType(advice.replacement.descriptor);
        if (!r.equals(arg) && !(isReference(arg) && r.getInternalName().equals(OBJECT))) {
          throw new IllegalArgumentException("cannot set argument " + advice.argument + " to " + r);
        }
      }
      if (advice.skip != null) {
        checkArgs(advice.skip, false);
        Type r = Type.getReturnType(advice.skip.descriptor);
        if (!isReference(returnType)
            || !(r.equals(returnType) || r.getInternalName().equals(OBJECT))) {
          throw new IllegalArgumentException("skip returns " + r + " for " + returnType);
        }
      }
      if (advice.exit != null) {
        checkArgs(advice.exit, false);
        Type r = Type.getReturnType(advice.exit.descriptor);
        if (r.getSort() != Type.VOID
            && !r.equals(returnType)
            && !(r.getInternalName().equals(OBJECT) && isReference(returnType))) {
          throw new IllegalArgumentException("exit returns " + r + " for " + returnType);
        }
      }
      if (advice.exitField != null) {
        String desc = fields.get(advice.exitField);
        Type r = Type.getReturnType(advice.exitFieldValue.descriptor);
        if (advice.exit == null
            || isStatic
            || desc == null
            || !isReference(Type.getType(desc))
            || !isReference(returnType)
            || Type.getReturnType(advice.exit.descriptor).getSort() == Type.VOID
            || !r.getInternalName().equals(OBJECT)
            || !advice.exitFieldValue.descriptor.startsWith(
                "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)")) {
          throw new IllegalArgumentException("cannot set " + advice.exitField + " in " + where);
        }
      }
      if (advice.thrown != null) {
        checkArgs(advice.thrown, true);
        Type r = Type.getReturnType(advice.thrown.descriptor);
        if (r.getSort() != Type.VOID && !r.getInternalName().equals(THROWABLE)) {
          throw new IllegalArgumentException("thrown must return a Throwable: " + where);
        }
      }
    }

    private void checkArgs(InlineAdvice.Call call, boolean onThrow) {
      Type[] params = Type.getArgumentTypes(call.descriptor);
      if (params.length != call.args.length) {
        throw new IllegalArgumentException("binding count of " + call.name);
      }
      for (int i = 0; i < params.length; i++) {
        Type source = source(call.args[i], call == advice.enter, onThrow);
        Type p = params[i];
        boolean ok =
            isReference(p)
                ? isReference(source)
                    && (p.getInternalName().equals(OBJECT)
                        || p.equals(source)
                        || p.getInternalName().equals(THROWABLE) && call.args[i] == InlineAdvice.THROWN)
                : p.equals(source);
        if (!ok) {
          throw new IllegalArgumentException(
              "cannot pass " + source + " as " + p + " to " + call.name + " in " + where);
        }
      }
    }

    /** The type of a binding where it is used. */
    private Type source(int binding, boolean inEnter, boolean onThrow) {
      switch (binding) {
        case InlineAdvice.THIS:
          if (isStatic) {
            throw new IllegalArgumentException("no this in static " + where);
          }
          return Type.getObjectType(owner);
        case InlineAdvice.ENTER:
          if (inEnter || handle < 0) {
            throw new IllegalArgumentException("no enter handle in " + where);
          }
          return Type.getObjectType(OBJECT);
        case InlineAdvice.RETURN:
          if (inEnter || onThrow || returnType.getSort() == Type.VOID) {
            throw new IllegalArgumentException("no return value in " + where);
          }
          return returnType;
        case InlineAdvice.THROWN:
          if (!onThrow) {
            throw new IllegalArgumentException("no throwable in " + where);
          }
          return Type.getObjectType(THROWABLE);
        default:
          int field = InlineAdvice.fieldIndex(binding);
          if (field >= 0) {
            String desc = field < advice.fields.length ? fields.get(advice.fields[field]) : null;
            if (desc == null || isStatic) {
              throw new IllegalArgumentException("no field " + binding + " in " + where);
            }
            return Type.getType(desc);
          }
          if (binding < 0 || binding >= args.length || onThrow) {
            // On the throw path, a local of the method may hold anything by then.
            throw new IllegalArgumentException("no argument " + binding + " in " + where);
          }
          return args[binding];
      }
    }

    private static boolean isReference(Type t) {
      return t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY;
    }

    private int argSlot(int index) {
      int slot = isStatic ? 0 : 1;
      for (int i = 0; i < index; i++) {
        slot += args[i].getSize();
      }
      return slot;
    }

    /** Pushes a call's arguments and calls it. */
    private void call(InlineAdvice.Call call) {
      for (int binding : call.args) {
        push(binding);
      }
      super.visitMethodInsn(Opcodes.INVOKESTATIC, call.owner, call.name, call.descriptor, false);
    }

    /** Pushes the value of one binding. */
    private void push(int binding) {
      switch (binding) {
        case InlineAdvice.THIS:
          super.visitVarInsn(Opcodes.ALOAD, 0);
          break;
        case InlineAdvice.ENTER:
          super.visitVarInsn(Opcodes.ALOAD, handle);
          break;
        case InlineAdvice.RETURN:
          super.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), scratch);
          break;
        case InlineAdvice.THROWN:
          super.visitVarInsn(Opcodes.ALOAD, scratch);
          break;
        default:
          int field = InlineAdvice.fieldIndex(binding);
          if (field >= 0) {
            String name = advice.fields[field];
            super.visitVarInsn(Opcodes.ALOAD, 0);
            super.visitFieldInsn(Opcodes.GETFIELD, owner, name, fields.get(name));
          } else {
            super.visitVarInsn(args[binding].getOpcode(Opcodes.ILOAD), argSlot(binding));
          }
      }
    }

    /** The method's locals on entry, as frame entries, padded with TOP to our first local. */
    private List<Object> entryLocals(boolean withArgs) {
      List<Object> locals = new ArrayList<>();
      int slots = 0;
      if (!isStatic) {
        locals.add(owner);
        slots++;
      }
      if (withArgs) {
        for (Type t : args) {
          locals.add(frameType(t));
          slots += t.getSize();
        }
      }
      while (slots < originalMaxLocals) {
        locals.add(Opcodes.TOP);
        slots++;
      }
      return locals;
    }

    private static Object frameType(Type t) {
      switch (t.getSort()) {
        case Type.BOOLEAN:
        case Type.BYTE:
        case Type.CHAR:
        case Type.SHORT:
        case Type.INT:
          return Opcodes.INTEGER;
        case Type.LONG:
          return Opcodes.LONG;
        case Type.FLOAT:
          return Opcodes.FLOAT;
        case Type.DOUBLE:
          return Opcodes.DOUBLE;
        default:
          return t.getInternalName();
      }
    }

    private void frame(List<Object> locals, Object[] stack) {
      if (frames) {
        super.visitFrame(Opcodes.F_NEW, locals.size(), locals.toArray(), stack.length, stack);
      }
    }

    @Override
    public void visitCode() {
      super.visitCode();
      for (int i = 0; i < exitRanges.length; i += 2) {
        super.visitTryCatchBlock(exitRanges[i], exitRanges[i + 1], exitFailed, THROWABLE);
      }
      if (advice.enter != null) {
        // enter; goto entered; failed: [t] ldc where; Warden.enterFailed (rethrows a denial,
        // reports anything else and yields a null handle); entered: [handle] astore handle.
        guarded(() -> call(advice.enter), entryLocals(true), handle < 0);
        if (handle >= 0) {
          frame(entryLocals(true), new Object[] {OBJECT});
          super.visitVarInsn(Opcodes.ASTORE, handle);
        } else {
          originFramePending = true;
        }
        if (advice.replacement != null) {
          replaceArgument();
        }
        if (advice.skip != null) {
          beforeInstruction();
          Label origin = new Label();
          super.visitVarInsn(Opcodes.ALOAD, handle);
          super.visitTypeInsn(Opcodes.INSTANCEOF, advice.skipType);
          super.visitJumpInsn(Opcodes.IFEQ, origin);
          call(advice.skip);
          if (!Type.getReturnType(advice.skip.descriptor).equals(returnType)) {
            super.visitTypeInsn(Opcodes.CHECKCAST, returnType.getInternalName());
          }
          super.visitInsn(Opcodes.ARETURN);
          super.visitLabel(origin);
          originFramePending = true;
        }
      }
      rangeStart = new Label();
      super.visitLabel(rangeStart);
    }

    /**
     * [t] → {@code Warden.enterFailed(t)}: the handle (null), or popped. {@code enterFailed}
     * names the method from its caller's frame: no name constant in the woven code.
     */
    private void enterFailed(boolean pop) {
      super.visitMethodInsn(
          Opcodes.INVOKESTATIC,
          WARDEN,
          "enterFailed",
          "(Ljava/lang/Throwable;)Ljava/lang/Object;",
          false);
      if (pop) {
        super.visitInsn(Opcodes.POP);
      }
    }

    /**
     * Sets the argument to what the replacement returns; a failure of that call is handled as a
     * failed entry (a denial thrown on, anything else reported) and leaves the argument as it was.
     */
    private void replaceArgument() {
      beforeInstruction();
      guarded(
          () -> {
            call(advice.replacement);
            Type arg = args[advice.argument];
            if (isReference(arg) && !arg.getInternalName().equals(OBJECT)) {
              super.visitTypeInsn(Opcodes.CHECKCAST, arg.getInternalName());
            }
            super.visitVarInsn(arg.getOpcode(Opcodes.ISTORE), argSlot(advice.argument));
          },
          withHandle(entryLocals(true)),
          true);
      originFramePending = true;
    }

    /**
     * {@code body}, then past the handler: a throwable from it goes to {@code Warden.enterFailed}
     * (a denial thrown on, anything else reported once), whose null is popped or left as the
     * handle. {@code locals}: the frame's locals at the handler.
     */
    private void guarded(Runnable body, List<Object> locals, boolean pop) {
      Label start = new Label();
      Label end = new Label();
      Label failed = new Label();
      Label done = new Label();
      super.visitTryCatchBlock(start, end, failed, THROWABLE);
      super.visitLabel(start);
      body.run();
      super.visitLabel(end);
      super.visitJumpInsn(Opcodes.GOTO, done);
      super.visitLabel(failed);
      frame(locals, new Object[] {THROWABLE});
      enterFailed(pop);
      super.visitLabel(done);
    }

    private List<Object> withHandle(List<Object> locals) {
      if (handle >= 0) {
        locals.add(OBJECT);
      }
      return locals;
    }

    /** Before the method's first instruction: the frame of our jump to it, unless it has one. */
    private void beforeInstruction() {
      if (originFramePending) {
        originFramePending = false;
        List<Object> locals = entryLocals(true);
        if (handle >= 0) {
          locals.add(OBJECT);
        }
        frame(locals, new Object[0]);
      }
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
      if (type != Opcodes.F_NEW) {
        throw new IllegalStateException("frames not expanded in " + where);
      }
      originFramePending = false; // the method's own frame at its first instruction serves
      if (handle < 0) {
        super.visitFrame(type, numLocal, local, numStack, stack);
        return;
      }
      List<Object> locals = new ArrayList<>(numLocal + 4);
      int slots = 0;
      for (int i = 0; i < numLocal; i++) {
        locals.add(local[i]);
        slots += local[i] == Opcodes.LONG || local[i] == Opcodes.DOUBLE ? 2 : 1;
      }
      while (slots < originalMaxLocals) {
        locals.add(Opcodes.TOP);
        slots++;
      }
      locals.add(OBJECT);
      super.visitFrame(type, locals.size(), locals.toArray(), numStack, stack);
    }

    @Override
    public void visitInsn(int opcode) {
      beforeInstruction();
      if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
        Label end = new Label();
        super.visitLabel(end);
        ranges.add(rangeStart);
        ranges.add(end);
        if (advice.exit != null) {
          exit();
        }
        super.visitInsn(opcode);
        rangeStart = new Label();
        super.visitLabel(rangeStart);
        return;
      }
      super.visitInsn(opcode);
    }

    /**
     * [value] → the exit call, then [what to return]. The value is kept in {@code scratch}: when
     * the call (or the field update after it) throws, {@link #exitFailed} reports that and
     * returns the value itself (fail open).
     */
    private void exit() {
      if (exitsWoven * 2 >= exitRanges.length) {
        throw new IllegalStateException("more returns than counted in " + where);
      }
      Label start = exitRanges[exitsWoven * 2];
      Label end = exitRanges[exitsWoven * 2 + 1];
      exitsWoven++;
      Type r = Type.getReturnType(advice.exit.descriptor);
      boolean value = returnType.getSort() != Type.VOID;
      if (value) {
        super.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), scratch);
      }
      super.visitLabel(start);
      call(advice.exit);
      if (value && r.getSort() != Type.VOID && isReference(returnType) && !r.equals(returnType)) {
        super.visitTypeInsn(Opcodes.CHECKCAST, returnType.getInternalName());
      }
      if (advice.exitField != null) {
        // field = value(field, original return value, exit's return value); no branch.
        String desc = fields.get(advice.exitField);
        int result = scratch + 2;
        super.visitVarInsn(Opcodes.ASTORE, result);
        super.visitVarInsn(Opcodes.ALOAD, 0);
        super.visitVarInsn(Opcodes.ALOAD, 0);
        super.visitFieldInsn(Opcodes.GETFIELD, owner, advice.exitField, desc);
        super.visitVarInsn(Opcodes.ALOAD, scratch);
        super.visitVarInsn(Opcodes.ALOAD, result);
        super.visitMethodInsn(
            Opcodes.INVOKESTATIC,
            advice.exitFieldValue.owner,
            advice.exitFieldValue.name,
            advice.exitFieldValue.descriptor,
            false);
        Type field = Type.getType(desc);
        if (!field.getInternalName().equals(OBJECT)) {
          super.visitTypeInsn(Opcodes.CHECKCAST, field.getInternalName());
        }
        super.visitFieldInsn(Opcodes.PUTFIELD, owner, advice.exitField, desc);
        super.visitVarInsn(Opcodes.ALOAD, result);
      }
      super.visitLabel(end);
      if (value && r.getSort() == Type.VOID) {
        super.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), scratch);
      }
    }

    /** The locals the handlers of our calls after entry read: this, our handle, then {@code top}. */
    private List<Object> handlerLocals(Object top) {
      List<Object> locals = entryLocals(false);
      if (handle >= 0) {
        locals.add(OBJECT);
      }
      if (top != null) {
        locals.add(top);
      }
      return locals;
    }

    /**
     * Where a failed exit call goes: the error is dropped and the original value returned. Not
     * reported from here: a call to report could fail the same way (a loader that does not see
     * our classes), the entry call of the same advice has reported that cause already, and each
     * byte counts in a hot method (C2 inlines up to {@code FreqInlineSize}, 325 bytes).
     */
    private void exitFailed() {
      boolean value = returnType.getSort() != Type.VOID;
      super.visitLabel(exitFailed);
      frame(handlerLocals(value ? frameType(returnType) : null), new Object[] {THROWABLE});
      super.visitInsn(Opcodes.POP);
      if (value) {
        super.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), scratch);
      }
      super.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
      if (advice.thrown != null) {
        Label end = new Label();
        super.visitLabel(end);
        ranges.add(rangeStart);
        ranges.add(end);
        Label handler = new Label();
        boolean any = false;
        for (int i = 0; i < ranges.size(); i += 2) {
          if (ranges.get(i).getOffset() < ranges.get(i + 1).getOffset()) {
            super.visitTryCatchBlock(ranges.get(i), ranges.get(i + 1), handler, null);
            any = true;
          }
        }
        if (any) {
          super.visitLabel(handler);
          // Only what the throw path reads is typed: this (never reassigned) and our handle.
          frame(handlerLocals(null), new Object[] {THROWABLE});
          // The throwable is kept in scratch for the failure path of the call.
          Label callStart = new Label();
          Label callEnd = new Label();
          Label failed = new Label();
          super.visitTryCatchBlock(callStart, callEnd, failed, THROWABLE);
          super.visitVarInsn(Opcodes.ASTORE, scratch);
          super.visitLabel(callStart);
          call(advice.thrown);
          super.visitLabel(callEnd);
          if (Type.getReturnType(advice.thrown.descriptor).getSort() == Type.VOID) {
            super.visitVarInsn(Opcodes.ALOAD, scratch);
          }
          super.visitInsn(Opcodes.ATHROW);
          // A failed call: dropped (as in exitFailed), the original throwable thrown.
          super.visitLabel(failed);
          frame(handlerLocals(THROWABLE), new Object[] {THROWABLE});
          super.visitInsn(Opcodes.POP);
          super.visitVarInsn(Opcodes.ALOAD, scratch);
          super.visitInsn(Opcodes.ATHROW);
        }
      }
      if (exitsWoven > 0) {
        exitFailed();
      }
      if (exitsWoven * 2 != exitRanges.length) {
        throw new IllegalStateException("fewer returns than counted in " + where);
      }
      int argSlots = 0;
      for (Type t : args) {
        argSlots += t.getSize();
      }
      // Each binding takes at most two slots (a long field); plus the return value and spare.
      int bindings = advice.fields.length * 2;
      // Our handlers: the throwable, a name and what is reported; and spare.
      super.visitMaxs(maxStack + argSlots + bindings + 8, originalMaxLocals + 4);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
      beforeInstruction();
      super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitVarInsn(int opcode, int var) {
      beforeInstruction();
      super.visitVarInsn(opcode, var);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      beforeInstruction();
      super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
      beforeInstruction();
      super.visitFieldInsn(opcode, owner, name, descriptor);
    }

    @Override
    public void visitMethodInsn(
        int opcode, String owner, String name, String descriptor, boolean isInterface) {
      beforeInstruction();
      super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(
        String name, String descriptor, org.objectweb.asm.Handle bsm, Object... bsmArgs) {
      beforeInstruction();
      super.visitInvokeDynamicInsn(name, descriptor, bsm, bsmArgs);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
      beforeInstruction();
      super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitLdcInsn(Object value) {
      beforeInstruction();
      super.visitLdcInsn(value);
    }

    @Override
    public void visitIincInsn(int var, int increment) {
      beforeInstruction();
      super.visitIincInsn(var, increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
      beforeInstruction();
      super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
      beforeInstruction();
      super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
      beforeInstruction();
      super.visitMultiANewArrayInsn(descriptor, numDimensions);
    }
  }

  /** The super type test through class files the loader finds (no class is loaded). */
  static final class SuperTypes {
    private SuperTypes() {}

    static boolean has(ClassLoader loader, ClassReader type, String wanted) {
      return has(loader, type.getSuperName(), type.getInterfaces(), wanted, 0);
    }

    private static boolean has(
        ClassLoader loader, String superName, String[] interfaces, String wanted, int depth) {
      if (depth > 32) {
        return false;
      }
      if (wanted.equals(superName)) {
        return true;
      }
      for (String i : interfaces) {
        if (wanted.equals(i)) {
          return true;
        }
      }
      if (superName != null && !superName.startsWith("java/") && hasVia(loader, superName, wanted, depth)) {
        return true;
      }
      for (String i : interfaces) {
        if (!i.startsWith("java/") && hasVia(loader, i, wanted, depth)) {
          return true;
        }
      }
      return false;
    }

    /**
     * The descriptor of the instance field {@code field} a subclass of {@code superName} inherits
     * and may read (not private), or null.
     */
    static String inheritedField(ClassLoader loader, String superName, String field) {
      for (int depth = 0; superName != null && depth < 32; depth++) {
        ClassReader r = read(loader, superName);
        if (r == null) {
          return null;
        }
        String[] found = new String[1];
        r.accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public org.objectweb.asm.FieldVisitor visitField(
                  int access, String name, String desc, String signature, Object value) {
                if (name.equals(field)
                    && (access & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) == 0) {
                  found[0] = desc;
                }
                return null;
              }

              @Override
              public MethodVisitor visitMethod(
                  int access, String name, String desc, String signature, String[] exceptions) {
                return null;
              }
            },
            ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        if (found[0] != null) {
          return found[0];
        }
        superName = r.getSuperName();
      }
      return null;
    }

    /** The class file of {@code name} as the loader finds it, or null. */
    private static ClassReader read(ClassLoader loader, String name) {
      String resource = name.concat(".class");
      try (InputStream in =
          loader == null
              ? ClassLoader.getSystemResourceAsStream(resource)
              : loader.getResourceAsStream(resource)) {
        return in == null ? null : new ClassReader(in.readAllBytes());
      } catch (java.io.IOException | RuntimeException unreadable) {
        return null;
      }
    }

    private static boolean hasVia(ClassLoader loader, String name, String wanted, int depth) {
      ClassReader r = read(loader, name);
      return r != null && has(loader, r.getSuperName(), r.getInterfaces(), wanted, depth + 1);
    }
  }

  /**
   * Weaves a class of the agent's own with an advice of the hooks' shape and throws the result
   * away: loads and runs ASM's reader and writer once, on the thread that builds the hooks ahead
   * of need. Never throws.
   */
  public static void warmUp() {
    try {
      String name = WarmUpTarget.class.getName().replace('.', '/');
      byte[] bytes = ownClassBytes(WarmUpTarget.class);
      if (bytes == null) {
        return;
      }
      Builder warm = new Builder();
      warm.named(name)
          .advice(
              InlineAdvice.on("call", 1)
                  .enter(name, "call", "(Ljava/lang/Object;)Ljava/lang/Object;", 0)
                  .exit(
                      name, "exit", "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;",
                      InlineAdvice.ENTER, InlineAdvice.RETURN)
                  .thrown(
                      name, "thrown", "(Ljava/lang/Object;Ljava/lang/Throwable;)Ljava/lang/Throwable;",
                      InlineAdvice.ENTER, InlineAdvice.THROWN));
      warm.build().weave(InlineWeaver.class.getClassLoader(), name, null, bytes);
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

    static Object exit(Object handle, Object result) {
      return result;
    }

    static Throwable thrown(Object handle, Throwable thrown) {
      return thrown;
    }
  }
}
