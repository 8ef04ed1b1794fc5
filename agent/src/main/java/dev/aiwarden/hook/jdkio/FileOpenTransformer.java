package dev.aiwarden.hook.jdkio;

import dev.aiwarden.bootstrap.FileReads;
import dev.aiwarden.telemetry.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * {@code file:PATH} provenance: teaches the JDK's three file-opening entry points to tell {@link
 * FileReads} which file they open. One static call is added at the start of each method; nothing
 * else changes (the file opens, reads and fails exactly as before).
 *
 * <ul>
 *   <li>{@code FileInputStream(File)}: also {@code FileInputStream(String)}, {@code FileReader},
 *       {@code Properties.load(new FileInputStream(...))}.
 *   <li>{@code Files.newByteChannel(Path, Set, FileAttribute...)}: {@code Files.readAllBytes},
 *       {@code readString}, {@code readAllLines}, {@code newBufferedReader}, {@code
 *       newInputStream} all open through it.
 *   <li>{@code FileChannel.open(Path, Set, FileAttribute...)}: {@code Files.lines} and direct
 *       channel users.
 * </ul>
 *
 * <p>These JDK classes are loaded before the agent starts, so they must be changed at start-up,
 * where every millisecond is the application's: the call is inserted into the class bytes
 * directly ({@link MethodEntryPatch}), with no ASM loaded. Should a JDK's class be in a shape
 * the patch does not handle, ASM (shaded in the agent jar) does it.
 */
public final class FileOpenTransformer implements ClassFileTransformer {
  static final String FILE_INPUT_STREAM = "java/io/FileInputStream";
  static final String FILES = "java/nio/file/Files";
  static final String FILE_CHANNEL = "java/nio/channels/FileChannel";
  private static final String FILE_READS = "dev/aiwarden/bootstrap/FileReads";
  private static final String PATH_SET_ATTRS =
      "(Ljava/nio/file/Path;Ljava/util/Set;[Ljava/nio/file/attribute/FileAttribute;)";

  /** Retransforms the three JDK classes; when that fails the agent goes on without file:PATH. */
  public static void install(Instrumentation inst) {
    try {
      Module javaBase = Object.class.getModule();
      Module bootstrap = FileReads.class.getModule();
      // java.base must read the boot loader's unnamed module to call FileReads.
      inst.redefineModule(
          javaBase,
          Collections.singleton(bootstrap),
          Collections.<String, Set<Module>>emptyMap(),
          Collections.<String, Set<Module>>emptyMap(),
          Collections.<Class<?>>emptySet(),
          Collections.<Class<?>, java.util.List<Class<?>>>emptyMap());
      FileOpenTransformer transformer = new FileOpenTransformer();
      inst.addTransformer(transformer, true);
      // Only the classes already loaded are retransformed; one that loads later (FileChannel,
      // in most applications) is changed as it loads. Naming FileChannel.class here would load
      // it and its ten super types just to retransform them.
      List<Class<?>> loaded = new ArrayList<>(3);
      for (Class<?> c : inst.getAllLoadedClasses()) {
        String name = c.getName();
        if (name.startsWith("java.") && c.getClassLoader() == null
            && wanted(name.replace('.', '/'))) {
          loaded.add(c);
        }
      }
      if (!loaded.isEmpty()) {
        inst.retransformClasses(loaded.toArray(new Class<?>[0]));
      }
      FileReads.enable();
    } catch (Throwable t) {
      AgentLog.errorOnce(
          "file-hooks", "ai-warden could not watch file reads; file:PATH sources stay unknown", t);
    }
  }

  /** True for the classes this transformer changes. */
  static boolean wanted(String internalName) {
    return FILE_INPUT_STREAM.equals(internalName)
        || FILES.equals(internalName)
        || FILE_CHANNEL.equals(internalName);
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classfileBuffer) {
    if (loader != null || className == null || !wanted(className)) {
      return null;
    }
    try {
      return rewrite(className, classfileBuffer);
    } catch (Throwable t) {
      AgentLog.errorOnce("file-hooks:" + className, "ai-warden could not hook " + className, t);
      return null;
    }
  }

  /** The class with the call added, or null when none of its methods is a target. */
  static byte[] rewrite(String className, byte[] classfile) {
    byte[] patched = patch(className, classfile);
    return patched != null ? patched : AsmRewrite.rewrite(className, classfile);
  }

  /** The fast path: the call inserted into the bytes directly, or null. */
  static byte[] patch(String className, byte[] classfile) {
    if (FILE_INPUT_STREAM.equals(className)) {
      return MethodEntryPatch.apply(classfile, "<init>", "(Ljava/io/File;)V", new int[] {1},
          FILE_READS, "opened", "(Ljava/io/File;)V");
    }
    String returned = FILES.equals(className) ? "Ljava/nio/channels/SeekableByteChannel;"
        : FILE_CHANNEL.equals(className) ? "Ljava/nio/channels/FileChannel;" : null;
    if (returned == null) {
      return null;
    }
    return MethodEntryPatch.apply(classfile, FILES.equals(className) ? "newByteChannel" : "open",
        PATH_SET_ATTRS + returned, new int[] {0, 1},
        FILE_READS, "opened", "(Ljava/nio/file/Path;Ljava/util/Set;)V");
  }

  /**
   * The general path, with ASM, for a class the byte patch does not
   * handle. A class of its own, so that ASM is loaded only if it is ever needed.
   */
  static final class AsmRewrite {
    private AsmRewrite() {}

    /** The class with the calls added, or null when none of its methods is a target. */
    static byte[] rewrite(String className, byte[] classfile) {
      ClassReader reader = new ClassReader(classfile);
      ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
      boolean[] changed = new boolean[1];
      reader.accept(
          new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(
                int access, String name, String descriptor, String signature, String[] exceptions) {
              MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
              Map.Entry<int[], String> call = callFor(className, name, descriptor);
              if (call == null) {
                return mv;
              }
              changed[0] = true;
              return new MethodVisitor(Opcodes.ASM9, mv) {
                @Override
                public void visitCode() {
                  super.visitCode();
                  for (int local : call.getKey()) {
                    super.visitVarInsn(Opcodes.ALOAD, local);
                  }
                  super.visitMethodInsn(
                      Opcodes.INVOKESTATIC, FILE_READS, "opened", call.getValue(), false);
                }
              };
            }
          },
          0);
      return changed[0] ? writer.toByteArray() : null;
    }
  }

  /** {locals to pass, descriptor of FileReads.opened} for a target method, else null. */
  private static Map.Entry<int[], String> callFor(String owner, String name, String descriptor) {
    if (FILE_INPUT_STREAM.equals(owner)
        && "<init>".equals(name)
        && "(Ljava/io/File;)V".equals(descriptor)) {
      return new java.util.AbstractMap.SimpleEntry<>(new int[] {1}, "(Ljava/io/File;)V");
    }
    if ((FILES.equals(owner) && "newByteChannel".equals(name)
            && (PATH_SET_ATTRS + "Ljava/nio/channels/SeekableByteChannel;").equals(descriptor))
        || (FILE_CHANNEL.equals(owner) && "open".equals(name)
            && (PATH_SET_ATTRS + "Ljava/nio/channels/FileChannel;").equals(descriptor))) {
      return new java.util.AbstractMap.SimpleEntry<>(
          new int[] {0, 1}, "(Ljava/nio/file/Path;Ljava/util/Set;)V");
    }
    return null;
  }
}
