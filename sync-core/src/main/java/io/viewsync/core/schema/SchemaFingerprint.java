package io.viewsync.core.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * A hash that identifies the content of a server schema (DESIGN §6): equal for equal schemas, whatever order the
 * tables come in, and different when anything a client or the replica depends on differs.
 *
 * <p>What counts, for a syncable table: its name; its columns in order with name, type name, declared type,
 * NOT NULL and default expression; its key columns; its expressible indexes (the ones the replica mirrors,
 * {@link IndexSpec#expressible()}) by name with their columns. An unsyncable table counts with its name and
 * reason only. Tables are taken in name order and indexes in name order. Not counted: oids and attribute numbers
 * (a dump and restore keeps the schema), the key's source sentence, publications.
 *
 * <p>The canonical form is a sequence of length-prefixed UTF-8 strings, so no choice of names can make two
 * different schemas serialize alike. Changing what counts changes every fingerprint: do it only with a schema
 * version bump in mind.
 *
 * <p>Pure and thread-safe.
 */
public final class SchemaFingerprint {

  private SchemaFingerprint() {}

  /** The lower-case hex SHA-256 of the tables' canonical form. */
  public static String of(Collection<TableSpec> tables) {
    List<TableSpec> sorted = new ArrayList<>(tables);
    sorted.sort(Comparator.comparing(TableSpec::name));
    MessageDigest sha = sha256();
    Canonical out = new Canonical(sha);
    out.count(sorted.size());
    for (TableSpec t : sorted) {
      out.string(t.name().schema());
      out.string(t.name().name());
      if (!t.syncable()) {
        out.string("unsyncable");
        out.string(t.unsyncableReason());
        continue;
      }
      out.string("syncable");
      out.count(t.columns().size());
      for (ColumnSpec c : t.columns()) {
        out.string(c.name());
        out.string(c.type().name());
        out.string(c.declaredType());
        out.string(c.notNull() ? "not null" : "null");
        out.string(c.defaultExpr());
      }
      out.count(t.keyColumns().size());
      t.keyColumns().forEach(out::string);
      List<IndexSpec> indexes = t.indexes().stream().filter(IndexSpec::expressible)
          .sorted(Comparator.comparing(IndexSpec::name)).toList();
      out.count(indexes.size());
      for (IndexSpec i : indexes) {
        out.string(i.name());
        out.count(i.columns().size());
        i.columns().forEach(out::string);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** Length-prefixed strings into the digest; null is its own marker, distinct from the empty string. */
  private record Canonical(MessageDigest sha) {
    void string(String s) {
      if (s == null) {
        count(-1);
        return;
      }
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      count(bytes.length);
      sha.update(bytes);
    }

    void count(int n) {
      sha.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    }
  }
}
