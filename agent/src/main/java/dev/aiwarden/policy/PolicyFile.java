package dev.aiwarden.policy;

import com.google.re2j.PatternSyntaxException;
import dev.aiwarden.classify.Operation;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads and validates a policy file (the schema is in {@code docs/policy.md}) into a compiled
 * {@link Policy}. Strict: unknown keys, wrong types, bad globs, regular expressions, durations and
 * fingerprints are refused with {@code FILE:LINE:COLUMN: what is wrong}.
 */
public final class PolicyFile {
  /** Keys of the sources a key may come from ({@code keys.sources}). */
  static final Set<String> SOURCE_KINDS =
      new LinkedHashSet<>(Arrays.asList("env", "sysprop", "file", "literal", "keyvault", "entra_id", "unknown"));

  private static final Pattern FINGERPRINT = Pattern.compile("sha256:[0-9a-f]{16}");
  /** Largest file read: a policy is a page of YAML, not a data set. */
  static final int MAX_BYTES = 1 << 20;

  private final String name;

  private PolicyFile(String name) {
    this.name = name;
  }

  /** Reads and compiles the policy file at {@code path}. */
  public static Policy read(Path path) throws PolicyException {
    String name = path.toString();
    byte[] bytes;
    try {
      if (Files.isDirectory(path)) {
        throw new PolicyException(name, 1, 1, "this is a directory, not a policy file");
      }
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new PolicyException(name, 1, 1, "the policy file does not exist");
    } catch (IOException e) {
      throw new PolicyException(name, 1, 1, "the policy file cannot be read ("
          + e.getClass().getSimpleName() + ")");
    }
    return parse(name, bytes);
  }

  /** Compiles policy text; {@code name} is the file name used in messages. */
  public static Policy parse(String name, byte[] bytes) throws PolicyException {
    if (bytes.length > MAX_BYTES) {
      throw new PolicyException(name, 1, 1, "the policy file is larger than 1 MiB");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new PolicyException(name, 1, 1, "the policy file is not UTF-8 text");
    }
    return new PolicyFile(name).compile(text);
  }

  private Policy compile(String text) throws PolicyException {
    Node root;
    LoadSettings settings =
        LoadSettings.builder().setLabel(name).setMaxAliasesForCollections(10).build();
    PlacedEvents events = new PlacedEvents();
    try {
      events.parser = new ParserImpl(settings, new StreamReader(settings, text));
      Optional<Node> node = new Composer(settings, events).getSingleNode();
      if (!node.isPresent()) {
        throw new PolicyException(name, 1, 1, "the policy file is empty; it needs at least \"version: 1\"");
      }
      root = node.get();
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().isPresent() ? e.getProblemMark() : e.getContextMark();
      int line = mark.map(m -> m.getLine() + 1).orElse(1);
      int column = mark.map(m -> m.getColumn() + 1).orElse(1);
      String problem = e.getProblem() == null ? "not valid YAML" : e.getProblem();
      String context = e.getContext();
      throw new PolicyException(name, line, column, "not valid YAML: "
          + (context == null ? "" : context + ": ") + problem.replace('\n', ' ').trim());
    } catch (RuntimeException e) {
      // The YAML library's errors without a place of their own (too many aliases) and the ones
      // it raises outside its own exception types (a tag such as "!%e" decodes to text with a
      // trailing space, and its Tag constructor throws IllegalArgumentException): still a bad
      // file, not an agent failure; placed at the event the composer was working on.
      Optional<Mark> mark = events.last == null ? Optional.empty() : events.last.getStartMark();
      throw new PolicyException(name, mark.map(m -> m.getLine() + 1).orElse(1),
          mark.map(m -> m.getColumn() + 1).orElse(1),
          "not valid YAML: " + String.valueOf(e.getMessage()).replace('\n', ' ').trim());
    }

    Policy.Settings s = new Policy.Settings();
    Map<String, Node> top = mapping(root, "the policy file",
        "version", "mode", "endpoints", "keys", "models", "operations", "prompts", "limits", "abuse");
    Node version = top.get("version");
    if (version == null) {
      throw error(root, "the policy file has no \"version\"; write \"version: 1\" as its first line");
    }
    if (integer(version, "version", 1, Long.MAX_VALUE) != 1) {
      throw error(version, "unsupported version " + ((ScalarNode) version).getValue()
          + "; this agent reads version 1");
    }
    Node mode = top.get("mode");
    if (mode != null) {
      String m = string(mode, "mode").toLowerCase(Locale.ROOT);
      if ("enforce".equals(m)) {
        s.mode = Policy.Mode.ENFORCE;
      } else if ("monitor".equals(m)) {
        s.mode = Policy.Mode.MONITOR;
      } else {
        throw error(mode, "mode must be enforce or monitor, not \"" + m + "\"");
      }
    }

    Map<String, Node> endpoints = section(top, "endpoints", "allow");
    if (endpoints.containsKey("allow")) {
      s.endpointsAllow = globs(endpoints.get("allow"), "endpoints.allow", true);
    }

    Map<String, Node> keys =
        section(top, "keys", "allow", "deny", "sources", "bind", "match_provider", "entra");
    if (keys.containsKey("allow")) {
      s.keysAllow = fingerprints(keys.get("allow"), "keys.allow");
    }
    if (keys.containsKey("deny")) {
      s.keysDeny = fingerprints(keys.get("deny"), "keys.deny");
    }
    if (keys.containsKey("sources")) {
      Set<String> sources = new HashSet<>();
      for (Node n : list(keys.get("sources"), "keys.sources")) {
        String v = string(n, "keys.sources");
        if (!SOURCE_KINDS.contains(v)) {
          throw error(n, "unknown key source \"" + v + "\" in keys.sources; expected some of: "
              + String.join(", ", SOURCE_KINDS));
        }
        sources.add(v);
      }
      s.keysSources = sources;
    }
    if (keys.containsKey("bind")) {
      Map<String, List<String>> bind = new LinkedHashMap<>();
      Node bindNode = keys.get("bind");
      if (!(bindNode instanceof MappingNode)) {
        throw error(bindNode, "keys.bind must be a mapping of fingerprint to a list of host name globs");
      }
      for (NodeTuple t : ((MappingNode) bindNode).getValue()) {
        String fp = fingerprint(t.getKeyNode(), "keys.bind");
        if (bind.containsKey(fp)) {
          throw error(t.getKeyNode(), "fingerprint " + fp + " appears twice in keys.bind");
        }
        bind.put(fp, globs(t.getValueNode(), "keys.bind \"" + fp + "\"", false));
      }
      s.keysBind = bind;
    }
    if (keys.containsKey("match_provider")) {
      s.matchProvider = bool(keys.get("match_provider"), "keys.match_provider");
    }
    if (keys.containsKey("entra")) {
      Map<String, Node> entra = mapping(keys.get("entra"), "keys.entra", "tenants", "apps");
      if (entra.containsKey("tenants")) {
        s.entraTenants = new HashSet<>(strings(entra.get("tenants"), "keys.entra.tenants"));
      }
      if (entra.containsKey("apps")) {
        s.entraApps = new HashSet<>(strings(entra.get("apps"), "keys.entra.apps"));
      }
    }

    Map<String, Node> models = section(top, "models", "allow", "deny");
    if (models.containsKey("allow")) {
      s.modelsAllow = globs(models.get("allow"), "models.allow", false);
    }
    if (models.containsKey("deny")) {
      s.modelsDeny = globs(models.get("deny"), "models.deny", false);
    }

    Map<String, Node> operations = section(top, "operations", "allow");
    if (operations.containsKey("allow")) {
      Set<Operation> ops = EnumSet.noneOf(Operation.class);
      for (Node n : list(operations.get("allow"), "operations.allow")) {
        String v = string(n, "operations.allow");
        Operation op = null;
        for (Operation o : Operation.values()) {
          if (o.id().equals(v)) {
            op = o;
          }
        }
        if (op == null) {
          List<String> known = new ArrayList<>();
          for (Operation o : Operation.values()) {
            known.add(o.id());
          }
          throw error(n, "unknown operation \"" + v + "\" in operations.allow; expected some of: "
              + String.join(", ", known));
        }
        ops.add(op);
      }
      s.operationsAllow = ops;
    }

    Map<String, Node> prompts =
        section(top, "prompts", "max_chars", "deny_patterns", "deny_secrets", "capture");
    if (prompts.containsKey("max_chars")) {
      s.maxChars = integer(prompts.get("max_chars"), "prompts.max_chars", 0, Long.MAX_VALUE);
    }
    if (prompts.containsKey("deny_patterns")) {
      List<String> patterns = new ArrayList<>();
      for (Node n : list(prompts.get("deny_patterns"), "prompts.deny_patterns")) {
        String p = string(n, "prompts.deny_patterns");
        if (p.startsWith(BuiltinPatterns.PREFIX)) {
          List<String> builtin = BuiltinPatterns.named(p.substring(BuiltinPatterns.PREFIX.length()));
          if (builtin == null) {
            throw error(n, "unknown built-in pattern list \"" + p + "\"; available: builtin:dalle_no_revise");
          }
          patterns.addAll(builtin);
          continue;
        }
        try {
          com.google.re2j.Pattern.compile(p);
        } catch (PatternSyntaxException e) {
          throw error(n, "bad regular expression \"" + p + "\" in prompts.deny_patterns: "
              + e.getDescription() + " (RE2 syntax: no look-around or back-references)");
        }
        if (p.isEmpty()) {
          throw error(n, "an empty pattern in prompts.deny_patterns would match every prompt");
        }
        patterns.add(p);
      }
      s.denyPatterns = patterns;
    }
    if (prompts.containsKey("deny_secrets")) {
      s.denySecrets = bool(prompts.get("deny_secrets"), "prompts.deny_secrets");
    }
    if (prompts.containsKey("capture")) {
      Node n = prompts.get("capture");
      PromptCapture c = PromptCapture.of(string(n, "prompts.capture"));
      if (c == null) {
        throw error(n, "prompts.capture must be none, hash or full, not \"" + ((ScalarNode) n).getValue() + "\"");
      }
      s.capture = c;
    }

    Map<String, Node> limits = section(top, "limits", "requests_per_minute", "tokens_per_minute");
    if (limits.containsKey("requests_per_minute")) {
      s.requestsPerMinute = (int) integer(limits.get("requests_per_minute"),
          "limits.requests_per_minute", 0, 1_000_000);
    }
    if (limits.containsKey("tokens_per_minute")) {
      s.tokensPerMinute =
          integer(limits.get("tokens_per_minute"), "limits.tokens_per_minute", 0, Long.MAX_VALUE / 4);
    }

    Map<String, Node> abuse = section(top, "abuse", "content_filter_blocks");
    if (abuse.containsKey("content_filter_blocks")) {
      Node cfb = abuse.get("content_filter_blocks");
      Map<String, Node> m = mapping(cfb, "abuse.content_filter_blocks", "max", "per");
      if (!m.containsKey("max") || !m.containsKey("per")) {
        throw error(cfb, "abuse.content_filter_blocks needs both max and per, e.g. {max: 3, per: 10m}");
      }
      s.abuseMax = (int) integer(m.get("max"), "abuse.content_filter_blocks.max", 1, 10_000);
      s.abusePerNanos = duration(m.get("per"), "abuse.content_filter_blocks.per");
    }
    return new Policy(s);
  }

  // --- Typed readers --------------------------------------------------------------------------

  /** A sub-section of {@code top}; absent or empty ({@code keys:} with nothing) = empty map. */
  private Map<String, Node> section(Map<String, Node> top, String key, String... allowed)
      throws PolicyException {
    Node n = top.get(key);
    if (n == null || isNull(n)) {
      return new LinkedHashMap<>();
    }
    return mapping(n, key, allowed);
  }

  private Map<String, Node> mapping(Node n, String what, String... allowed) throws PolicyException {
    if (!(n instanceof MappingNode)) {
      throw error(n, what + " must be a mapping (key: value lines), not " + describe(n));
    }
    Map<String, Node> map = new LinkedHashMap<>();
    List<String> known = Arrays.asList(allowed);
    for (NodeTuple t : ((MappingNode) n).getValue()) {
      Node k = t.getKeyNode();
      if (!(k instanceof ScalarNode)) {
        throw error(k, "a key in " + what + " must be a plain word");
      }
      String key = ((ScalarNode) k).getValue();
      if (!known.contains(key)) {
        String prefix = what.equals("the policy file") ? "" : what + ".";
        throw error(k, "unknown key \"" + prefix + key + "\"; expected one of: " + String.join(", ", known));
      }
      if (map.containsKey(key)) {
        throw error(k, "key \"" + key + "\" appears twice in " + what);
      }
      map.put(key, t.getValueNode());
    }
    return map;
  }

  private List<Node> list(Node n, String what) throws PolicyException {
    if (n instanceof SequenceNode) {
      return ((SequenceNode) n).getValue();
    }
    throw error(n, what + " must be a list, like [a, b] or lines starting with \"- \"; found " + describe(n));
  }

  private String string(Node n, String what) throws PolicyException {
    if (n instanceof ScalarNode && !isNull(n)) {
      return ((ScalarNode) n).getValue();
    }
    throw error(n, what + " must be a text value; found " + describe(n));
  }

  private List<String> strings(Node n, String what) throws PolicyException {
    List<String> out = new ArrayList<>();
    for (Node e : list(n, what)) {
      out.add(string(e, what));
    }
    return out;
  }

  private boolean bool(Node n, String what) throws PolicyException {
    if (n instanceof ScalarNode && Tag.BOOL.equals(n.getTag())) {
      return Boolean.parseBoolean(((ScalarNode) n).getValue().toLowerCase(Locale.ROOT));
    }
    throw error(n, what + " must be true or false; found " + describe(n));
  }

  private long integer(Node n, String what, long min, long max) throws PolicyException {
    if (n instanceof ScalarNode && Tag.INT.equals(n.getTag())) {
      String v = ((ScalarNode) n).getValue().replace("_", "");
      long value;
      try {
        value = Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
      } catch (NumberFormatException e) {
        throw error(n, what + " must be a whole number, not \"" + v + "\"");
      }
      if (value < min || value > max) {
        throw error(n, what + " must be " + (max == Long.MAX_VALUE || max == Long.MAX_VALUE / 4
            ? "at least " + min : "between " + min + " and " + max) + ", not " + value);
      }
      return value;
    }
    throw error(n, what + " must be a whole number; found " + describe(n));
  }

  private long duration(Node n, String what) throws PolicyException {
    String v = n instanceof ScalarNode ? ((ScalarNode) n).getValue() : null;
    long nanos = v == null ? -1 : Durations.parse(v);
    if (nanos <= 0) {
      throw error(n, "bad duration " + (v == null ? describe(n) : "\"" + v + "\"") + " for " + what
          + ": write a whole number and a unit, like 30s, 10m, 1h or 1d");
    }
    return nanos;
  }

  private List<String> globs(Node n, String what, boolean host) throws PolicyException {
    List<String> out = new ArrayList<>();
    for (Node e : list(n, what)) {
      String g = string(e, what);
      String problem = Glob.problem(g, host);
      if (problem != null) {
        throw error(e, problem + " (in " + what + ")");
      }
      out.add(g);
    }
    return out;
  }

  private Set<String> fingerprints(Node n, String what) throws PolicyException {
    Set<String> out = new HashSet<>();
    for (Node e : list(n, what)) {
      out.add(fingerprint(e, what));
    }
    return out;
  }

  private String fingerprint(Node n, String what) throws PolicyException {
    String v = string(n, what);
    if (!FINGERPRINT.matcher(v).matches()) {
      String hint = v.startsWith("sk-") || v.length() >= 32 && !v.startsWith("sha256:")
          ? "; this looks like a key itself: never put a key in the policy, put its fingerprint"
          : "";
      throw error(n, "bad fingerprint in " + what + ": expected sha256: and 16 lower-case hex digits"
          + " (java -jar ai-warden-agent.jar fingerprint prints it)" + hint);
    }
    return v;
  }

  private static boolean isNull(Node n) {
    return n instanceof ScalarNode && Tag.NULL.equals(n.getTag());
  }

  private static String describe(Node n) {
    if (n instanceof MappingNode) {
      return "a mapping";
    }
    if (n instanceof SequenceNode) {
      return "a list";
    }
    if (isNull(n)) {
      return "nothing";
    }
    if (n instanceof ScalarNode) {
      String v = ((ScalarNode) n).getValue();
      // Text is never echoed: a key pasted into the wrong place must not reach a log.
      if (Tag.BOOL.equals(n.getTag())) {
        return "true/false (" + v + ")";
      }
      if (Tag.INT.equals(n.getTag()) || Tag.FLOAT.equals(n.getTag())) {
        return "the number " + v;
      }
      return "a text value";
    }
    return "a value";
  }

  private PolicyException error(Node n, String problem) {
    Optional<Mark> mark = n == null ? Optional.<Mark>empty() : n.getStartMark();
    int line = mark.map(m -> m.getLine() + 1).orElse(1);
    int column = mark.map(m -> m.getColumn() + 1).orElse(1);
    return new PolicyException(name, line, column, problem);
  }

  /** The YAML parser's events as the composer takes them, remembering the last one for messages. */
  private static final class PlacedEvents implements Parser {
    Parser parser;
    Event last;

    @Override
    public boolean checkEvent(Event.ID choice) {
      return parser.checkEvent(choice);
    }

    @Override
    public Event peekEvent() {
      return parser.peekEvent();
    }

    @Override
    public Event next() {
      Event event = parser.next();
      last = event;
      return event;
    }

    @Override
    public boolean hasNext() {
      return parser.hasNext();
    }
  }
}
