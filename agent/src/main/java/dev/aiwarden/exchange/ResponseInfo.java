package dev.aiwarden.exchange;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What came back from an AI call, read from the response body. Absent values are null. The two
 * collections start empty and shared, and are made only when something is added ({@link
 * #addFinishReason}, {@link #addContentFilterCategory}): most responses have one finish reason and
 * no filter category, and read them without a collection of their own being built.
 */
public final class ResponseInfo {
  /** {@link #inputTokens} / {@link #outputTokens} when the body carried no such count. */
  public static final long NO_COUNT = Long.MIN_VALUE;

  public String id;
  public String model;
  /**
   * Token counts of {@code usage}, or {@link #NO_COUNT} when the body had none: primitives, so a
   * count read costs no boxed {@code Long} (24 bytes each) per call.
   */
  public long inputTokens = NO_COUNT;
  public long outputTokens = NO_COUNT;
  /** Finish reasons in the order read; read-only (add with {@link #addFinishReason}). */
  public List<String> finishReasons = Collections.emptyList();
  /** Azure content filtering: some category came back {@code filtered: true} or a 400 content_filter. */
  public boolean contentFilterBlocked;
  /**
   * Categories that were filtered or detected, sorted: {@code jailbreak}, {@code violence}, ...;
   * read-only (add with {@link #addContentFilterCategory}).
   */
  public Set<String> contentFilterCategories = Collections.emptySet();
  /** Number of images in an image response, or null. */
  public Integer images;
  /** Number of images that came back with a {@code revised_prompt} different from the request's. */
  public int imagesRevised;
  /** Error {@code code} (or {@code type}) of an error body, e.g. {@code content_filter}. */
  public String errorCode;
  /** True when the body could not be read completely as JSON. */
  public boolean unparsed;

  public boolean hasInputTokens() {
    return inputTokens != NO_COUNT;
  }

  public boolean hasOutputTokens() {
    return outputTokens != NO_COUNT;
  }

  /** The input token count boxed, or null: for span attributes, which take objects. */
  public Long inputTokensOrNull() {
    return inputTokens == NO_COUNT ? null : inputTokens;
  }

  /** The output token count boxed, or null. */
  public Long outputTokensOrNull() {
    return outputTokens == NO_COUNT ? null : outputTokens;
  }

  /** Adds a finish reason: the first one costs a singleton list, a second one a real list. */
  public void addFinishReason(String reason) {
    List<String> reasons = finishReasons;
    if (reasons.isEmpty()) {
      finishReasons = Collections.singletonList(reason);
      return;
    }
    if (!(reasons instanceof ArrayList)) {
      reasons = new ArrayList<>(reasons);
      finishReasons = reasons;
    }
    reasons.add(reason);
  }

  /** Adds a content filter category (kept sorted, without duplicates). */
  public void addContentFilterCategory(String category) {
    Set<String> categories = contentFilterCategories;
    if (!(categories instanceof TreeSet)) {
      categories = new TreeSet<>(categories);
      contentFilterCategories = categories;
    }
    categories.add(category);
  }
}
