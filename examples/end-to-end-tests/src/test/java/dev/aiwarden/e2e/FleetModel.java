package dev.aiwarden.e2e;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model of the fleet gateway's AI-call path (otel-config/collector/fleet-gateway.yaml), so its
 * logic can be checked without a Collector binary: the filter (scope {@code ai-warden} only), the
 * transform (resource {@code host.name} onto the span), the spanmetrics connector (one counter
 * series per distinct dimension values, Prometheus names: dots to underscores, {@code
 * service_name}, {@code span_name}, {@code span_kind}, {@code status_code} added), and the two
 * PromQL shapes the alert rules use ({@code sum by (..) (increase(m{..}[w])) OP N} and {@code
 * count by (a) (sum by (a, b) (increase(m{..}[w])) > 0) OP N}), evaluated as if every span fell
 * within the rule's window.
 */
final class FleetModel {
  private FleetModel() {}

  /** One Prometheus series of {@code aiwarden_fleet_calls_total}: labels and count. */
  static Map<Map<String, String>, Long> series(List<Spans.Span> spans, List<String> dimensions, String scope) {
    Map<Map<String, String>, Long> series = new LinkedHashMap<>();
    for (Spans.Span s : spans) {
      if (!scope.equals(s.scope)) {
        continue; // filter/ai_calls
      }
      Map<String, Object> attributes = new HashMap<>(s.attributes);
      Object host = s.resource.get("host.name");
      if (host != null) {
        attributes.put("host.name", host); // transform/ai_calls
      }
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("service_name", String.valueOf(s.resource.get("service.name")));
      labels.put("span_name", s.name);
      labels.put("span_kind", "SPAN_KIND_CLIENT");
      labels.put("status_code", Spans.STATUS_ERROR.equals(s.statusCode) ? "STATUS_CODE_ERROR" : "STATUS_CODE_UNSET");
      for (String d : dimensions) {
        Object v = attributes.get(d);
        if (v != null) {
          labels.put(promLabel(d), String.valueOf(v));
        }
      }
      series.merge(labels, 1L, Long::sum);
    }
    return series;
  }

  static String promLabel(String attribute) {
    return attribute.replace('.', '_');
  }

  private static final Pattern SELECTOR = Pattern.compile("increase\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^}]*\\})?\\s*\\[");
  private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!=|=)\\s*\"([^\"]*)\"");
  private static final Pattern BY = Pattern.compile("(sum|count) by \\(([^)]*)\\)");
  private static final Pattern COMPARISON = Pattern.compile("(>=|>)\\s*(\\d+)\\s*$");

  /** The metric an expression reads. */
  static String metric(String expr) {
    Matcher m = SELECTOR.matcher(expr);
    if (!m.find()) {
      throw new IllegalArgumentException("no increase(metric{...}[w]) in " + expr);
    }
    return m.group(1);
  }

  /** Every label an expression names (matchers and by-clauses). */
  static Set<String> labels(String expr) {
    Set<String> labels = new HashSet<>();
    Matcher sel = SELECTOR.matcher(expr);
    if (sel.find() && sel.group(2) != null) {
      Matcher m = MATCHER.matcher(sel.group(2));
      while (m.find()) {
        labels.add(m.group(1));
      }
    }
    Matcher by = BY.matcher(expr);
    while (by.find()) {
      for (String l : by.group(2).split(",")) {
        labels.add(l.trim());
      }
    }
    return labels;
  }

  /** The groups for which the rule fires, as label values of its outer by-clause. */
  static List<Map<String, String>> firing(String expr, Map<Map<String, String>, Long> series) {
    String e = expr.trim();
    Matcher sel = SELECTOR.matcher(e);
    sel.find();
    List<String[]> matchers = new ArrayList<>();
    if (sel.group(2) != null) {
      Matcher m = MATCHER.matcher(sel.group(2));
      while (m.find()) {
        matchers.add(new String[] {m.group(1), m.group(2), m.group(3)});
      }
    }
    Matcher by = BY.matcher(e);
    List<String[]> clauses = new ArrayList<>();
    while (by.find()) {
      clauses.add(new String[] {by.group(1), by.group(2)});
    }
    Matcher cmp = COMPARISON.matcher(e);
    if (!cmp.find() || clauses.isEmpty()) {
      throw new IllegalArgumentException("unsupported rule shape: " + expr);
    }
    long threshold = Long.parseLong(cmp.group(2));
    boolean orEqual = cmp.group(1).equals(">=");

    Map<Map<String, String>, Long> selected = new LinkedHashMap<>();
    series.forEach(
        (labels, count) -> {
          if (matches(labels, matchers)) {
            selected.put(labels, count);
          }
        });
    List<String> outer = split(clauses.get(0)[1]);
    Map<Map<String, String>, Long> result = new LinkedHashMap<>();
    if (clauses.get(0)[0].equals("count") && clauses.size() > 1) {
      // count by (outer) (sum by (inner) (...) > 0): distinct inner groups with calls
      List<String> inner = split(clauses.get(1)[1]);
      Map<Map<String, String>, Long> innerSums = group(selected, inner);
      innerSums.forEach(
          (labels, sum) -> {
            if (sum > 0) {
              result.merge(project(labels, outer), 1L, Long::sum);
            }
          });
    } else {
      result.putAll(group(selected, outer));
    }
    List<Map<String, String>> firing = new ArrayList<>();
    result.forEach(
        (labels, value) -> {
          if (orEqual ? value >= threshold : value > threshold) {
            firing.add(labels);
          }
        });
    return firing;
  }

  private static boolean matches(Map<String, String> labels, List<String[]> matchers) {
    for (String[] m : matchers) {
      String v = labels.getOrDefault(m[0], "");
      switch (m[1]) {
        case "=":
          if (!v.equals(m[2])) return false;
          break;
        case "!=":
          if (v.equals(m[2])) return false;
          break;
        default:
          if (!v.matches(m[2])) return false;
      }
    }
    return true;
  }

  private static Map<Map<String, String>, Long> group(Map<Map<String, String>, Long> series, List<String> by) {
    Map<Map<String, String>, Long> grouped = new LinkedHashMap<>();
    series.forEach((labels, count) -> grouped.merge(project(labels, by), count, Long::sum));
    return grouped;
  }

  private static Map<String, String> project(Map<String, String> labels, List<String> keep) {
    Map<String, String> p = new LinkedHashMap<>();
    for (String k : keep) {
      p.put(k, labels.getOrDefault(k, ""));
    }
    return p;
  }

  private static List<String> split(String list) {
    List<String> out = new ArrayList<>();
    for (String s : list.split(",")) {
      if (!s.trim().isEmpty()) {
        out.add(s.trim());
      }
    }
    return out;
  }
}
