package io.viewsync.core.ivm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The operator test harness: {@code @RegisterExtension final Catches catches = new Catches();}, then
 * {@code catches.on(operator)}. After each test every catch must be empty: a change nobody asserted is a
 * failure.
 */
final class Catches implements AfterEachCallback {
  private final List<Catch> all = new ArrayList<>();

  Catch on(Input input) {
    Catch c = new Catch(input);
    all.add(c);
    return c;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (Catch c : all) {
      assertThat(c.leftOver()).as("changes pushed but not asserted").isEmpty();
    }
    all.clear();
  }

  /** {@code row("id", 1L, "x", "a")}, with ints widened to Long for brevity. */
  static Row row(Object... columnsAndValues) {
    Object[] v = columnsAndValues.clone();
    for (int i = 1; i < v.length; i += 2) {
      if (v[i] instanceof Integer n) {
        v[i] = n.longValue();
      }
    }
    return Row.of(v);
  }

  /** A source with the given columns, keyed by the first. */
  static MemorySource source(String table, String... columns) {
    return new MemorySource(table, List.of(columns), List.of(columns[0]));
  }
}
