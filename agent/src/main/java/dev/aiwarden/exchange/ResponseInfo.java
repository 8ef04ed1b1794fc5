package dev.aiwarden.exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** What came back from an AI call, read from the response body. Absent values are null. */
public final class ResponseInfo {
  public String id;
  public String model;
  public Long inputTokens;
  public Long outputTokens;
  public final List<String> finishReasons = new ArrayList<>();
  /** Azure content filtering: some category came back {@code filtered: true} or a 400 content_filter. */
  public boolean contentFilterBlocked;
  /** Categories that were filtered or detected, sorted: {@code jailbreak}, {@code violence}, ... */
  public final Set<String> contentFilterCategories = new TreeSet<>();
  /** Number of images in an image response, or null. */
  public Integer images;
  /** Number of images that came back with a {@code revised_prompt} different from the request's. */
  public int imagesRevised;
  /** Error {@code code} (or {@code type}) of an error body, e.g. {@code content_filter}. */
  public String errorCode;
  /** True when the body could not be read completely as JSON. */
  public boolean unparsed;
}
