package io.viewsync.core.schema;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses a table's row identity (DESIGN §4): the primary key, else the {@code REPLICA IDENTITY USING INDEX}
 * index, else a unique index whose columns are all NOT NULL. A unique index over a nullable column, a
 * partial index or an expression index is never a key. Pure and thread-safe.
 */
public final class KeyChooser {

  /** The chosen key, with a word on where it came from. */
  public record Key(List<String> columns, String source) {}

  private KeyChooser() {}

  /**
   * @param allIndexes the table's valid indexes; only the unique ones are considered
   * @param replicaIdentity pg_class.relreplident: 'd' default, 'n' nothing, 'f' full, 'i' index
   * @return the key, or empty with {@code why} filled in
   */
  public static Optional<Key> choose(List<IndexSpec> allIndexes, Set<String> notNullColumns, char replicaIdentity,
      StringBuilder why) {
    List<IndexSpec> indexes = allIndexes.stream().filter(IndexSpec::unique).toList();
    Optional<IndexSpec> pk = indexes.stream().filter(IndexSpec::primary).findFirst();
    Optional<IndexSpec> ri = indexes.stream().filter(IndexSpec::replicaIdentity).findFirst();
    Optional<IndexSpec> unique = indexes.stream()
        .filter(i -> !i.partial() && !i.expressions() && !i.columns().isEmpty()
            && notNullColumns.containsAll(i.columns()))
        .sorted((a, b) -> a.columns().size() != b.columns().size()
            ? Integer.compare(a.columns().size(), b.columns().size()) : a.name().compareTo(b.name()))
        .findFirst();
    // pgoutput sends the old key of updates and deletes as REPLICA IDENTITY says, so the key must be one
    // whose old values arrive: with USING INDEX that index (even when a primary key exists), with DEFAULT the
    // primary key, with FULL (the whole old row) any of them.
    switch (replicaIdentity) {
      case 'n' -> {
        why.append("REPLICA IDENTITY NOTHING: updates and deletes are not published (set REPLICA IDENTITY DEFAULT)");
        return Optional.empty();
      }
      case 'i' -> {
        if (ri.isPresent()) {
          return Optional.of(new Key(ri.get().columns(), "replica identity index " + ri.get().name()));
        }
      }
      case 'd' -> {
        if (pk.isEmpty()) {
          why.append(unique.map(u -> "REPLICA IDENTITY DEFAULT without a primary key: updates and deletes carry no"
              + " key (add a primary key, or run ALTER TABLE … REPLICA IDENTITY USING INDEX " + u.name() + ")")
              .orElseGet(() -> noKey(indexes)));
          return Optional.empty();
        }
      }
      default -> { }
    }
    Optional<Key> key = pk.map(i -> new Key(i.columns(), "primary key " + i.name()))
        .or(() -> ri.map(i -> new Key(i.columns(), "replica identity index " + i.name())))
        .or(() -> unique.map(i -> new Key(i.columns(), "unique index " + i.name() + " over NOT NULL columns")));
    if (key.isEmpty()) {
      why.append(noKey(indexes));
    }
    return key;
  }

  private static String noKey(List<IndexSpec> uniqueIndexes) {
    boolean nullableUnique = uniqueIndexes.stream().anyMatch(i -> !i.partial() && !i.expressions());
    return nullableUnique
        ? "no usable row key: its unique indexes include nullable columns (add a primary key or make the columns NOT NULL)"
        : "no usable row key: no primary key and no unique index over NOT NULL columns (add a primary key)";
  }
}
