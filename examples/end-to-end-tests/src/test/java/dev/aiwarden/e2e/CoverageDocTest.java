package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/coverage.md names a test in every covered cell ({@code `Class#method`}); this checks that
 * each one exists in this module and is a JUnit test, so the page cannot silently rot.
 */
class CoverageDocTest {
  private static final Path DOC = Paths.get("../../docs/coverage.md");
  private static final Pattern CELL = Pattern.compile("`([A-Z][A-Za-z0-9]*(?:IT|Test))#([A-Za-z0-9_]+)`");

  static Set<String> namedTests(String markdown) {
    Set<String> named = new LinkedHashSet<>();
    Matcher m = CELL.matcher(markdown);
    while (m.find()) {
      named.add(m.group(1) + "#" + m.group(2));
    }
    return named;
  }

  @Test
  void everyTestNamedInTheCoverageTableExists() throws Exception {
    String markdown = new String(Files.readAllBytes(DOC), StandardCharsets.UTF_8);
    Set<String> named = namedTests(markdown);
    assertThat(named).as("tests named in " + DOC).hasSizeGreaterThan(40);
    List<String> missing = new ArrayList<>();
    for (String test : named) {
      String[] parts = test.split("#");
      Class<?> type;
      try {
        type = Class.forName(getClass().getPackageName() + "." + parts[0]);
      } catch (ClassNotFoundException e) {
        missing.add(test + " (no such class)");
        continue;
      }
      boolean found =
          Arrays.stream(type.getDeclaredMethods())
              .filter(method -> method.getName().equals(parts[1]))
              .anyMatch(CoverageDocTest::isTest);
      if (!found) {
        missing.add(test + " (no such @Test method)");
      }
    }
    assertThat(missing).as("tests named in docs/coverage.md").isEmpty();
  }

  @Test
  void theParserFindsCellsAndRejectsNonTests() {
    assertThat(namedTests("| a | `FooIT#bar` and `BazTest#qux_1` | `notATest#x` | `Foo#bar` |"))
        .containsExactly("FooIT#bar", "BazTest#qux_1");
  }

  private static boolean isTest(Method method) {
    return method.isAnnotationPresent(Test.class);
  }
}
