package io.viewsync.core.view;

import io.viewsync.core.ivm.MemorySource;
import io.viewsync.core.ivm.Row;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** One random add, remove or edit (any column but the key) on one of the sources, for the oracle tests. */
public final class RandomChanges {
  private RandomChanges() {}

  public static String apply(Random random, Map<String, MemorySource> sources) {
    List<String> names = List.copyOf(sources.keySet());
    MemorySource s = sources.get(names.get(random.nextInt(names.size())));
    long id = random.nextInt(RandomSchema.IDS);
    Row existing = s.rows().stream().filter(r -> (Long) r.get("id") == id).findFirst().orElse(null);
    Row fresh = RandomSchema.randomRow(random, id);
    if (existing == null) {
      s.add(fresh);
      return s.table() + " add " + fresh;
    }
    if (random.nextInt(4) == 0) {
      s.remove(existing);
      return s.table() + " remove " + existing;
    }
    if (random.nextBoolean()) {
      // Change one column only, so that many edits keep the row where it was.
      String c = RandomSchema.COLUMNS.get(1 + random.nextInt(RandomSchema.COLUMNS.size() - 1));
      fresh = existing.with(c, fresh.get(c));
    }
    if (fresh.equals(existing)) {
      return s.table() + " no change";
    }
    s.edit(existing, fresh);
    return s.table() + " edit " + existing + " -> " + fresh;
  }
}
