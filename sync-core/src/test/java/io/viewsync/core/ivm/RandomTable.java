package io.viewsync.core.ivm;

import java.util.List;
import java.util.Random;

/** Seeded random adds, removes and edits on a source of (id, n) rows with small domains, for the checks. */
final class RandomTable {
  private RandomTable() {}

  static void drive(MemorySource source, Random random, int steps, MaterializedView... views) {
    for (int step = 0; step < steps; step++) {
      String what = step(source, random, "n", 6, 12);
      for (MaterializedView v : views) {
        v.assertMatchesFetch("step " + step + ": " + what);
      }
    }
  }

  /** One random change to {@code source}, whose rows are (id, column) with id below {@code ids}. */
  static String step(MemorySource source, Random random, String column, int values, int ids) {
    List<Row> rows = source.rows();
    long id = random.nextInt(ids);
    Row existing = rows.stream().filter(r -> (Long) r.get("id") == id).findFirst().orElse(null);
    Row fresh = Row.of("id", id, column, random.nextInt(8) == 0 ? null : (long) random.nextInt(values));
    if (existing == null) {
      source.add(fresh);
      return "add " + fresh;
    }
    if (random.nextInt(3) == 0) {
      source.remove(existing);
      return "remove " + existing;
    }
    if (!fresh.equals(existing)) {
      source.edit(existing, fresh);
    }
    return "edit " + existing + " -> " + fresh;
  }
}
