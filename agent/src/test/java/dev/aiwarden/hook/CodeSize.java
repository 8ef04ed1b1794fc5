package dev.aiwarden.hook;

import org.objectweb.asm.ClassReader;

/** The length in bytes of a method's bytecode ({@code code_length} of its Code attribute). */
public final class CodeSize {
  private CodeSize() {}

  /** The code length of the first method named {@code method} in {@code classfile}, or -1. */
  public static int of(byte[] classfile, String method) {
    ClassReader r = new ClassReader(classfile);
    char[] buf = new char[r.getMaxStringLength()];
    int off = r.header + 6; // access, this, super
    off += 2 + 2 * r.readUnsignedShort(off); // interfaces
    int fields = r.readUnsignedShort(off);
    off += 2;
    for (int i = 0; i < fields; i++) {
      off = skipMember(r, off);
    }
    int methods = r.readUnsignedShort(off);
    off += 2;
    for (int i = 0; i < methods; i++) {
      String name = r.readUTF8(off + 2, buf);
      int attributes = r.readUnsignedShort(off + 6);
      int a = off + 8;
      for (int j = 0; j < attributes; j++) {
        // attribute_name, attribute_length, then (Code) max_stack, max_locals, code_length.
        if (name.equals(method) && r.readUTF8(a, buf).equals("Code")) {
          return r.readInt(a + 10);
        }
        a += 6 + r.readInt(a + 2);
      }
      off = a;
    }
    return -1;
  }

  private static int skipMember(ClassReader r, int off) {
    int attributes = r.readUnsignedShort(off + 6);
    int a = off + 8;
    for (int j = 0; j < attributes; j++) {
      a += 6 + r.readInt(a + 2);
    }
    return a;
  }
}
