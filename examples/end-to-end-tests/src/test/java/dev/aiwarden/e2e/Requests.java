package dev.aiwarden.e2e;

import dev.aiwarden.examples.server.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What the local server received, in a form two runs can be compared by. */
final class Requests {
  private Requests() {}

  /** Method, path with query, and the exact body of every request, in order; then resets. */
  static List<String> seenBy(TestServer server) {
    List<String> seen = new ArrayList<>();
    for (RecordedRequest r : server.server.requests()) {
      seen.add(
          r.method() + " " + r.pathAndQuery() + "\n" + new String(r.body(), StandardCharsets.ISO_8859_1));
    }
    server.server.reset();
    return seen;
  }
}
