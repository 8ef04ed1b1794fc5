package dev.aiwarden.policy;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Ready-made {@code prompts.deny_patterns} lists, included by name: an entry {@code
 * builtin:dalle_no_revise} stands for every pattern of that list. Documented, with examples, in
 * {@code docs/policy-patterns/dalle-no-revise.md}.
 */
final class BuiltinPatterns {
  static final String PREFIX = "builtin:";

  /**
   * Instructions telling DALL-E (and other image models that rewrite prompts) to take the prompt
   * as it is: the known phrasings people use to get around prompt revision, and with it around the
   * safety rewriting that revision does.
   */
  static final List<String> DALLE_NO_REVISE =
      Collections.unmodifiableList(
          Arrays.asList(
              // OpenAI's own documented phrasing, copied around widely.
              "(?i)\\bI\\s+NEED\\s+to\\s+test\\s+how\\s+the\\s+tool\\s+works\\s+with\\s+extremely\\s+simple\\s+prompts",
              "(?i)\\bdo(?:n'?t|\\s+not)\\s+(?:add|include|insert)\\s+(?:any\\s+)?(?:more\\s+|extra\\s+|additional\\s+|further\\s+|new\\s+)?(?:details?|words|elements)\\b",
              "(?i)\\b(?:use|keep|send|submit|pass|take|leave)\\s+(?:it|this|that|the|my)(?:\\s+(?:exact\\s+)?(?:prompt|text|description))?\\s+(?:exactly\\s+)?as[-\\s]is\\b",
              "(?i)\\bdo(?:n'?t|\\s+not)\\s+(?:revise|rewrite|re-write|change|modify|alter|edit|expand|enhance|improve|rephrase|reword|embellish)\\s+(?:this|the|my|it|that|any)\\b",
              "(?i)\\b(?:prompt|text|description|it)\\s+(?:verbatim|word[-\\s]for[-\\s]word|exactly\\s+as\\s+(?:written|given|provided))\\b",
              "(?i)\\bwithout\\s+(?:any\\s+)?(?:revisions?|rewriting|rewrites?|modifications?|changes|alterations?|embellishments?)\\b",
              "(?i)\\b(?:no|skip|disable|bypass|avoid)\\s+(?:the\\s+)?(?:prompt\\s+)?(?:revisions?|rewriting|rewrites?)\\b"));

  private BuiltinPatterns() {}

  /** The patterns of a built-in list ({@code dalle_no_revise}), or null for an unknown name. */
  static List<String> named(String name) {
    if ("dalle_no_revise".equals(name)) {
      return DALLE_NO_REVISE;
    }
    return null;
  }
}
