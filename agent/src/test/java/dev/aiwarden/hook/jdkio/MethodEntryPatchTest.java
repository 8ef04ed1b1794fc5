package dev.aiwarden.hook.jdkio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.hook.VerifyingLoader;
import java.io.File;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.junit.jupiter.api.Test;

class MethodEntryPatchTest {
  private static final String TARGET = PatchTarget.class.getName();
  private static final String RECORDER = "dev/aiwarden/hook/jdkio/PatchRecorder";

  private static byte[] bytes(String internalName) throws Exception {
    try (InputStream in = MethodEntryPatchTest.class.getResourceAsStream(
        "/" + internalName + ".class")) {
      return in.readAllBytes();
    }
  }

  private static Class<?> define(byte[] classfile) throws Exception {
    return VerifyingLoader.define(TARGET, classfile);
  }

  @Test
  void theCallRunsFirstAndTheMethodBehavesAsBefore() throws Exception {
    byte[] original = bytes(TARGET.replace('.', '/'));
    byte[] once =
        MethodEntryPatch.apply(original, "work", "(Ljava/lang/String;Ljava/util/Set;)Ljava/lang/String;",
            new int[] {0, 1}, RECORDER, "opened", "(Ljava/lang/Object;Ljava/lang/Object;)V");
    assertThat(once).isNotNull();
    byte[] twice =
        MethodEntryPatch.apply(once, "<init>", "(Ljava/io/File;)V", new int[] {1}, RECORDER,
            "opened", "(Ljava/lang/Object;)V");
    assertThat(twice).isNotNull();

    Class<?> patched = define(twice);
    Method work = patched.getMethod("work", String.class, Set.class);
    Constructor<?> constructor = patched.getConstructor(File.class);
    for (String text : new String[] {"abcz", "!abc", "", "zzz\u03e8"}) {
      PatchRecorder.CALLS.clear();
      Set<String> options = Collections.singleton("READ");
      assertThat(work.invoke(null, text, options)).isEqualTo(PatchTarget.work(text, options));
      assertThat(PatchRecorder.CALLS).containsExactly("text " + text + " [READ]");
    }
    PatchRecorder.CALLS.clear();
    Object made = constructor.newInstance(new File("/tmp/key.txt"));
    assertThat(patched.getDeclaredField("name").get(made)).isEqualTo("key.txt");
    assertThat(PatchRecorder.CALLS).containsExactly("file /tmp/key.txt");
  }

  @Test
  void lineNumbersAndLocalVariablesStayWithTheirCode() throws Exception {
    byte[] original = bytes(TARGET.replace('.', '/'));
    String desc = "(Ljava/lang/String;Ljava/util/Set;)Ljava/lang/String;";
    byte[] patched = MethodEntryPatch.apply(original, "work", desc, new int[] {0, 1}, RECORDER,
        "opened", "(Ljava/lang/Object;Ljava/lang/Object;)V");
    java.util.List<String> before = debugInfo(original, 0);
    // aload_0, aload_1, invokestatic: 5 bytes, padded to 8 (switches stay 4-byte aligned)
    java.util.List<String> after = debugInfo(patched, 8);
    assertThat(before).isNotEmpty();
    assertThat(after).isEqualTo(before);
  }

  /** "line L at OFFSET" and "local NAME from OFFSET" of work(), offsets less {@code shift}. */
  private static java.util.List<String> debugInfo(byte[] classfile, int shift) {
    java.util.List<String> out = new java.util.ArrayList<>();
    // Through a writer, which gives the labels their offsets.
    new ClassReader(classfile).accept(new ClassVisitor(Opcodes.ASM9, new ClassWriter(0)) {
      @Override
      public org.objectweb.asm.MethodVisitor visitMethod(
          int access, String name, String descriptor, String signature, String[] exceptions) {
        org.objectweb.asm.MethodVisitor writer =
            super.visitMethod(access, name, descriptor, signature, exceptions);
        if (!name.equals("work")) {
          return writer;
        }
        java.util.List<Object[]> seen = new java.util.ArrayList<>();
        return new org.objectweb.asm.MethodVisitor(Opcodes.ASM9, writer) {
          @Override
          public void visitLineNumber(int line, org.objectweb.asm.Label start) {
            seen.add(new Object[] {"line " + line + " at ", start});
            super.visitLineNumber(line, start);
          }

          @Override
          public void visitLocalVariable(String local, String d, String s,
              org.objectweb.asm.Label start, org.objectweb.asm.Label end, int index) {
            seen.add(new Object[] {"local " + local + " from ", start, end});
            super.visitLocalVariable(local, d, s, start, end, index);
          }

          @Override
          public void visitEnd() {
            super.visitEnd();
            for (Object[] entry : seen) { // labels have their offsets only now
              StringBuilder line = new StringBuilder((String) entry[0]);
              for (int i = 1; i < entry.length; i++) {
                line.append(i > 1 ? " to " : "")
                    .append(((org.objectweb.asm.Label) entry[i]).getOffset() - shift);
              }
              out.add(line.toString());
            }
          }
        };
      }
    }, ClassReader.EXPAND_FRAMES);
    return out;
  }

  @Test
  void everyTargetOfTheRunningJdkTakesTheFastPath() throws Exception {
    for (String target : new String[] {
      FileOpenTransformer.FILE_INPUT_STREAM, FileOpenTransformer.FILES, FileOpenTransformer.FILE_CHANNEL
    }) {
      byte[] original;
      try (InputStream in = Object.class.getResourceAsStream("/" + target + ".class")) {
        original = in.readAllBytes();
      }
      byte[] patched = FileOpenTransformer.patch(target, original);
      assertThat(patched).as(target).isNotNull();
      // Parses back (frames expanded), and holds the same methods as ASM's rewrite.
      int[] methods = new int[2];
      new ClassReader(patched).accept(counting(methods, 0), ClassReader.EXPAND_FRAMES);
      new ClassReader(FileOpenTransformer.AsmRewrite.rewrite(target, original))
          .accept(counting(methods, 1), 0);
      assertThat(methods[0]).as(target).isEqualTo(methods[1]).isPositive();
    }
  }

  @Test
  void anAbsentMethodOrABrokenClassIsLeftToTheCaller() throws Exception {
    byte[] original = bytes(TARGET.replace('.', '/'));
    assertThat(MethodEntryPatch.apply(original, "absent", "()V", new int[0], RECORDER, "opened",
        "()V")).isNull();
    assertThat(MethodEntryPatch.apply(new byte[] {1, 2, 3}, "work", "()V", new int[0], RECORDER,
        "opened", "()V")).isNull();
    byte[] cut = java.util.Arrays.copyOf(original, original.length / 2);
    assertThat(MethodEntryPatch.apply(cut, "work",
        "(Ljava/lang/String;Ljava/util/Set;)Ljava/lang/String;", new int[] {0, 1}, RECORDER,
        "opened", "(Ljava/lang/Object;Ljava/lang/Object;)V")).isNull();
  }

  private static ClassVisitor counting(int[] counts, int slot) {
    return new ClassVisitor(Opcodes.ASM9) {
      @Override
      public org.objectweb.asm.MethodVisitor visitMethod(
          int access, String name, String descriptor, String signature, String[] exceptions) {
        counts[slot]++;
        return null;
      }
    };
  }
}
