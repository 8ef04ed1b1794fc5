package dev.aiwarden.hook.jdkio;

import dev.aiwarden.provenance.ClassConstants;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Adds one static call at the start of one method of a class file, working on the bytes directly:
 * the file hooks run in premain, where loading and running ASM (interpreted, over classes as big
 * as {@code java.nio.file.Files}) cost tens of milliseconds of every application's start.
 *
 * <p>The call ({@code aload}s of some locals, then {@code invokestatic}) goes in front of the
 * original code, padded with {@code nop}s to a multiple of four bytes so that {@code tableswitch}
 * and {@code lookupswitch} padding stays right. Every code offset of the method moves by that
 * length: the exception table, {@code LineNumberTable}, {@code LocalVariableTable}, {@code
 * LocalVariableTypeTable} and the first {@code StackMapTable} entry (the others are relative).
 * Branches are relative and need nothing. The method reference is appended to the constant pool.
 * Anything unexpected (another attribute of the code that holds offsets, a frame type that is not
 * defined) returns null: the caller then uses its general rewriter.
 */
final class MethodEntryPatch {
  private static final int ALOAD_0 = 0x2a;
  private static final int INVOKESTATIC = 0xb8;

  private final byte[] in;
  private int[] offsets;
  private int poolEnd;

  private MethodEntryPatch(byte[] in) {
    this.in = in;
  }

  /**
   * The class with {@code owner.name(desc)} called first thing in {@code method(methodDesc)},
   * passing locals {@code loads} (references, each below 4), or null when the method is absent or
   * the class is not in a shape this patch handles.
   */
  static byte[] apply(
      byte[] classfile,
      String method,
      String methodDesc,
      int[] loads,
      String owner,
      String name,
      String desc) {
    try {
      return new MethodEntryPatch(classfile).patch(method, methodDesc, loads, owner, name, desc);
    } catch (RuntimeException malformed) {
      return null;
    }
  }

  private byte[] patch(
      String method, String methodDesc, int[] loads, String owner, String name, String desc) {
    for (int local : loads) {
      if (local < 0 || local > 3) {
        return null;
      }
    }
    readPool();
    int count = offsets.length;
    if (count + 6 > 0xFFFF) {
      return null;
    }
    // Where the methods are: after access, this, super, interfaces and fields.
    int p = poolEnd + 6;
    p += 2 + 2 * u2(p);
    int fields = u2(p);
    p += 2;
    for (int i = 0; i < fields; i++) {
      p = skipMember(p);
    }
    int methods = u2(p);
    p += 2;
    int target = -1;
    for (int i = 0; i < methods && target < 0; i++) {
      if (utf8Equals(u2(p + 2), method) && utf8Equals(u2(p + 4), methodDesc)) {
        target = p;
      } else {
        p = skipMember(p);
      }
    }
    if (target < 0) {
      return null;
    }
    int code = -1;
    int attributes = u2(target + 6);
    int a = target + 8;
    for (int i = 0; i < attributes; i++) {
      if (utf8Equals(u2(a), "Code")) {
        code = a;
      }
      a += 6 + u4(a + 2);
    }
    if (code < 0) {
      return null;
    }

    // The inserted instructions, padded to a multiple of four bytes.
    int methodRef = count + 5;
    int callLength = loads.length + 3;
    int shift = (callLength + 3) & ~3;
    byte[] call = new byte[shift];
    int c = shift - callLength; // leading nops (0)
    for (int local : loads) {
      call[c++] = (byte) (ALOAD_0 + local);
    }
    call[c++] = (byte) INVOKESTATIC;
    call[c++] = (byte) (methodRef >> 8);
    call[c] = (byte) methodRef;

    byte[] newCode = patchCode(code, call, shift, Math.max(2, loads.length));
    if (newCode == null) {
      return null;
    }

    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 128);
    out.write(in, 0, 8);
    writeU2(out, count + 6);
    out.write(in, 10, poolEnd - 10);
    // New pool entries: #count Utf8 owner, #count+1 Class, #count+2 Utf8 name, #count+3 Utf8
    // desc, #count+4 NameAndType, #count+5 Methodref.
    writeUtf8(out, owner);
    out.write(7);
    writeU2(out, count);
    writeUtf8(out, name);
    writeUtf8(out, desc);
    out.write(12);
    writeU2(out, count + 2);
    writeU2(out, count + 3);
    out.write(10);
    writeU2(out, count + 1);
    writeU2(out, count + 4);
    out.write(in, poolEnd, code - poolEnd);
    out.write(newCode, 0, newCode.length);
    int codeEnd = code + 6 + u4(code + 2);
    out.write(in, codeEnd, in.length - codeEnd);
    return out.toByteArray();
  }

  /** The Code attribute at {@code at} with {@code call} in front, or null. */
  private byte[] patchCode(int at, byte[] call, int shift, int stackNeeded) {
    int maxStack = u2(at + 6);
    int maxLocals = u2(at + 8);
    int codeLength = u4(at + 10);
    int codeStart = at + 14;
    if (codeLength + shift > 0xFFFF) {
      return null;
    }
    int p = codeStart + codeLength;
    ByteArrayOutputStream out = new ByteArrayOutputStream(codeLength + 256);
    writeU2(out, u2(at)); // attribute name
    writeU4(out, 0); // length, set below
    writeU2(out, Math.max(maxStack, stackNeeded));
    writeU2(out, maxLocals);
    writeU4(out, codeLength + shift);
    out.write(call, 0, call.length);
    out.write(in, codeStart, codeLength);
    int handlers = u2(p);
    writeU2(out, handlers);
    p += 2;
    for (int i = 0; i < handlers; i++, p += 8) {
      writeU2(out, u2(p) + shift);
      writeU2(out, u2(p + 2) + shift);
      writeU2(out, u2(p + 4) + shift);
      writeU2(out, u2(p + 6));
    }
    int attributes = u2(p);
    writeU2(out, attributes);
    p += 2;
    for (int i = 0; i < attributes; i++) {
      int nameIndex = u2(p);
      int length = u4(p + 2);
      int body = p + 6;
      if (utf8Equals(nameIndex, "LineNumberTable")) {
        writeU2(out, nameIndex);
        writeU4(out, length);
        int n = u2(body);
        writeU2(out, n);
        for (int j = 0; j < n; j++) {
          writeU2(out, u2(body + 2 + 4 * j) + shift);
          writeU2(out, u2(body + 4 + 4 * j));
        }
      } else if (utf8Equals(nameIndex, "LocalVariableTable")
          || utf8Equals(nameIndex, "LocalVariableTypeTable")) {
        writeU2(out, nameIndex);
        writeU4(out, length);
        int n = u2(body);
        writeU2(out, n);
        for (int j = 0; j < n; j++) {
          int e = body + 2 + 10 * j;
          writeU2(out, u2(e) + shift);
          out.write(in, e + 2, 8);
        }
      } else if (utf8Equals(nameIndex, "StackMapTable")) {
        byte[] frames = shiftFrames(body, length, shift);
        if (frames == null) {
          return null;
        }
        writeU2(out, nameIndex);
        writeU4(out, frames.length);
        out.write(frames, 0, frames.length);
      } else {
        return null; // e.g. type annotations on code: they hold offsets too
      }
      p = body + length;
    }
    byte[] result = out.toByteArray();
    int attributeLength = result.length - 6;
    result[2] = (byte) (attributeLength >>> 24);
    result[3] = (byte) (attributeLength >>> 16);
    result[4] = (byte) (attributeLength >>> 8);
    result[5] = (byte) attributeLength;
    return result;
  }

  /**
   * The StackMapTable body with its first frame {@code shift} bytes later (the others are relative
   * to it), and every {@code Uninitialized(offset)} type, which names the offset of a {@code new},
   * moved too; or null.
   */
  private byte[] shiftFrames(int body, int length, int shift) {
    int n = u2(body);
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 4);
    writeU2(out, n);
    int p = body + 2;
    for (int i = 0; i < n; i++) {
      int type = in[p++] & 0xFF;
      int add = i == 0 ? shift : 0;
      if (type < 64) { // same_frame
        if (type + add < 64) {
          out.write(type + add);
        } else {
          out.write(251); // same_frame_extended
          writeU2(out, type + add);
        }
      } else if (type < 128) { // same_locals_1_stack_item
        int delta = type - 64 + add;
        if (delta < 64) {
          out.write(64 + delta);
        } else {
          out.write(247); // same_locals_1_stack_item_extended
          writeU2(out, delta);
        }
        p = copyType(out, p, shift);
      } else if (type < 247) {
        return null; // reserved
      } else {
        out.write(type);
        writeU2(out, u2(p) + add);
        p += 2;
        if (type == 247) {
          p = copyType(out, p, shift);
        } else if (type >= 252 && type <= 254) {
          for (int k = 0; k < type - 251; k++) {
            p = copyType(out, p, shift);
          }
        } else if (type == 255) {
          for (int list = 0; list < 2; list++) {
            int items = u2(p);
            writeU2(out, items);
            p += 2;
            for (int k = 0; k < items; k++) {
              p = copyType(out, p, shift);
            }
          }
        }
      }
    }
    if (p != body + length) {
      return null;
    }
    return out.toByteArray();
  }

  /** Copies one verification type at {@code p}; returns the position after it. */
  private int copyType(ByteArrayOutputStream out, int p, int shift) {
    int tag = in[p] & 0xFF;
    out.write(tag);
    if (tag == 7) { // Object: constant pool index
      writeU2(out, u2(p + 1));
      return p + 3;
    }
    if (tag == 8) { // Uninitialized: offset of the new instruction
      writeU2(out, u2(p + 1) + shift);
      return p + 3;
    }
    if (tag > 8) {
      throw new IllegalArgumentException("verification type " + tag);
    }
    return p + 1;
  }

  private void readPool() {
    int[] pool = ClassConstants.poolOffsets(in);
    if (pool == null) {
      throw new IllegalArgumentException("not a class file");
    }
    offsets = java.util.Arrays.copyOf(pool, pool.length - 1);
    poolEnd = pool[pool.length - 1];
  }

  private int skipMember(int p) {
    int attributes = u2(p + 6);
    p += 8;
    for (int i = 0; i < attributes; i++) {
      p += 6 + u4(p + 2);
    }
    return p;
  }

  private boolean utf8Equals(int index, String s) {
    if (index <= 0 || index >= offsets.length) {
      return false;
    }
    int at = offsets[index];
    if (in[at] != 1 || u2(at + 1) != s.length()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (in[at + 3 + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private int u2(int at) {
    return ((in[at] & 0xFF) << 8) | (in[at + 1] & 0xFF);
  }

  private int u4(int at) {
    return (u2(at) << 16) | u2(at + 2);
  }

  private static void writeU2(ByteArrayOutputStream out, int v) {
    if (v > 0xFFFF) {
      throw new IllegalArgumentException("offset out of range");
    }
    out.write(v >>> 8);
    out.write(v);
  }

  private static void writeU4(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }

  private static void writeUtf8(ByteArrayOutputStream out, String ascii) {
    byte[] b = ascii.getBytes(StandardCharsets.ISO_8859_1);
    out.write(1);
    writeU2(out, b.length);
    out.write(b, 0, b.length);
  }
}
