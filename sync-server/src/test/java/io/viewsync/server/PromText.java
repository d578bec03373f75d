package io.viewsync.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Prometheus text format in tests: {@link #check} runs Prometheus' own parser and linter ({@code promtool
 * check metrics}, Debian's {@code prometheus} package, which {@code .ci/run} installs) so the format is judged by
 * the real thing; {@link #parse} then reads the samples of text it accepted.
 */
final class PromText {
  private PromText() {}

  /**
   * Fails unless {@code promtool check metrics} parses {@code text} (exit code 1 is a parse error) and its linter
   * finds nothing in viewsync's own metrics (exit code 3 is lint findings). Micrometer's standard JVM and process
   * metrics keep their names even where the linter would name them otherwise ({@code system_cpu_count},
   * {@code process_cpu_time_ns_total}).
   */
  static void check(String text) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      throw new AssertionError("promtool is needed (apt-get install prometheus; .ci/run installs it)", e);
    }
    try (var in = p.getOutputStream()) {
      in.write(text.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool's exit code (0 fine, 3 lint findings); it said: %s", out).isIn(0, 3);
    assertThat(out.lines().filter(l -> l.startsWith("viewsync"))).as("findings about viewsync's metrics").isEmpty();
  }

  /** Each sample, {@code name{labels}} (labels as written) to its value; comments left out. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String value = line.substring(space + 1);
      out.put(line.substring(0, space), switch (value) {
        case "+Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(value);
      });
    }
    return out;
  }
}
