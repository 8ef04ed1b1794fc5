package dev.aiwarden.provenance;

/**
 * Walks the constant pool of a class file and hands over its {@code CONSTANT_Utf8} entries as byte
 * ranges (no strings are made). String literals, names and descriptors all live there; a key
 * constant is one whole entry, since {@code javac} folds {@code "sk-" + "..."} constant
 * expressions.
 */
public final class ClassConstants {
  /** Receives one {@code CONSTANT_Utf8} entry: bytes {@code [start, end)} of the class file. */
  public interface Visitor {
    void utf8(byte[] classFile, int start, int end);
  }

  private ClassConstants() {}

  /**
   * Visits the Utf8 entries of at least {@code minLength} bytes.
   *
   * @return false when the bytes are not a class file or are cut short (what was visited stays
   *     visited)
   */
  public static boolean visit(byte[] b, int minLength, Visitor visitor) {
    if (b == null || b.length < 10 || (b[0] & 0xFF) != 0xCA || (b[1] & 0xFF) != 0xFE
        || (b[2] & 0xFF) != 0xBA || (b[3] & 0xFF) != 0xBE) {
      return false;
    }
    int count = u2(b, 8);
    int p = 10;
    for (int index = 1; index < count; index++) {
      if (p >= b.length) {
        return false;
      }
      int tag = b[p] & 0xFF;
      switch (tag) {
        case 1: // Utf8
          if (p + 3 > b.length) {
            return false;
          }
          int len = u2(b, p + 1);
          int start = p + 3;
          if (start + len > b.length) {
            return false;
          }
          if (len >= minLength) {
            visitor.utf8(b, start, start + len);
          }
          p = start + len;
          break;
        case 7: // Class
        case 8: // String
        case 16: // MethodType
        case 19: // Module
        case 20: // Package
          p += 3;
          break;
        case 15: // MethodHandle
          p += 4;
          break;
        case 3: // Integer
        case 4: // Float
        case 9: // Fieldref
        case 10: // Methodref
        case 11: // InterfaceMethodref
        case 12: // NameAndType
        case 17: // Dynamic
        case 18: // InvokeDynamic
          p += 5;
          break;
        case 5: // Long
        case 6: // Double
          p += 9;
          index++; // takes two slots
          break;
        default:
          return false;
      }
    }
    return true;
  }

  /**
   * Where each constant pool entry of a class file starts: {@code offsets[i]} for entry {@code i}
   * (0 and the second slot of a long or double stay 0), and the end of the pool in the last
   * element, {@code offsets[count]}. Null when the bytes are not a class file or are cut short.
   */
  public static int[] poolOffsets(byte[] b) {
    if (b == null || b.length < 10 || (b[0] & 0xFF) != 0xCA || (b[1] & 0xFF) != 0xFE
        || (b[2] & 0xFF) != 0xBA || (b[3] & 0xFF) != 0xBE) {
      return null;
    }
    int count = u2(b, 8);
    int[] offsets = new int[count + 1];
    int p = 10;
    for (int index = 1; index < count; index++) {
      if (p >= b.length) {
        return null;
      }
      offsets[index] = p;
      int tag = b[p] & 0xFF;
      switch (tag) {
        case 1:
          if (p + 3 > b.length) {
            return null;
          }
          p += 3 + u2(b, p + 1);
          break;
        case 7: case 8: case 16: case 19: case 20:
          p += 3;
          break;
        case 15:
          p += 4;
          break;
        case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
          p += 5;
          break;
        case 5: case 6:
          p += 9;
          index++;
          break;
        default:
          return null;
      }
    }
    if (p > b.length) {
      return null;
    }
    offsets[count] = p;
    return offsets;
  }

  /** The class name of a class file ({@code com/acme/Keys}), or null when it cannot be read. */
  public static String className(byte[] b) {
    int[] offsets = poolOffsets(b);
    if (offsets == null) {
      return null;
    }
    int count = offsets.length - 1;
    int p = offsets[count];
    // access_flags (2), this_class (2)
    if (p + 4 > b.length) {
      return null;
    }
    int thisClass = u2(b, p + 2);
    if (thisClass <= 0 || thisClass >= count || (b[offsets[thisClass]] & 0xFF) != 7) {
      return null;
    }
    int nameIndex = u2(b, offsets[thisClass] + 1);
    if (nameIndex <= 0 || nameIndex >= count || (b[offsets[nameIndex]] & 0xFF) != 1) {
      return null;
    }
    int at = offsets[nameIndex];
    int len = u2(b, at + 1);
    if (at + 3 + len > b.length) {
      return null;
    }
    return new String(b, at + 3, len, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static int u2(byte[] b, int at) {
    return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
  }
}
