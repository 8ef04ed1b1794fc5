package dev.aiwarden.provenance;

import java.security.SecureRandom;

/** Random keys of each shape, made at test time: no key-shaped literal lives in the sources. */
public final class TestKeys {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALNUM =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private TestKeys() {}

  public static String openAi() {
    return "sk-proj-" + random(ALNUM, 4) + "7aB" + random(ALNUM + "_-", 60) + "Zx9";
  }

  public static String openAiLegacy() {
    return "sk-" + random(ALNUM, 45) + "aZ7";
  }

  public static String azure32() {
    return random("0123456789abcdef", 30) + "a7";
  }

  public static String azure84() {
    return random(ALNUM, 52) + "JQQJ9" + random(ALNUM, 19) + "ACOG" + random(ALNUM, 4);
  }

  public static String random(String alphabet, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
