package dev.aiwarden.exchange;

/**
 * Reads the flat {@code name, value, name, value...} header arrays the hooks hand over. Names are
 * compared case-insensitively; the first value wins.
 */
public final class HeaderList {
  private HeaderList() {}

  /** The first value of a header, or null. */
  public static String get(String[] headers, String name) {
    if (headers == null) {
      return null;
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      String n = headers[i];
      if (n != null && n.equalsIgnoreCase(name)) {
        return headers[i + 1];
      }
    }
    return null;
  }

  /** True for {@code text/event-stream} content types. */
  public static boolean isEventStream(String contentType) {
    return contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
  }
}
