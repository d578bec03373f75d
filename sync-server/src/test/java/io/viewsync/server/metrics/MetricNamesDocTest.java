package io.viewsync.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/operations.md lists every metric of {@link MetricNames} by its Prometheus name, and no other. */
class MetricNamesDocTest {
  private static final Path DOC = Path.of("..", "docs", "operations.md");

  private static List<String> names() throws IllegalAccessException {
    List<String> out = new ArrayList<>();
    for (Field f : MetricNames.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        out.add(((String) f.get(null)).replace('.', '_'));
      }
    }
    return out;
  }

  /** The metric names in the doc's table rows: the first backticked name of a row, without its labels. */
  private static List<String> documented() throws Exception {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\| `(viewsync_[a-z_]+)").matcher(Files.readString(DOC));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void everyMetricIsDocumentedUnderItsPrometheusName() throws Exception {
    List<String> documented = documented();
    for (String name : names()) {
      // Prometheus adds _total to counters and the base unit where the name lacks it.
      assertThat(documented).as("docs/operations.md lists %s", name)
          .anyMatch(d -> d.equals(name) || d.equals(name + "_total") || d.equals(name + "_seconds"));
    }
  }

  @Test
  void theDocListsNoMetricThatDoesNotExist() throws Exception {
    List<String> names = names();
    for (String d : documented()) {
      assertThat(names).as("%s in docs/operations.md is a MetricNames constant", d)
          .anyMatch(n -> d.equals(n) || d.equals(n + "_total") || d.equals(n + "_seconds"));
    }
  }
}
