package io.viewsync.core.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/** PLACEHOLDER until the DDL-capture branch lands: a SHA-256 over the specs' canonical text. */
public final class SchemaFingerprint {
  private SchemaFingerprint() {}

  public static String of(Collection<TableSpec> specs) {
    List<TableSpec> sorted = new ArrayList<>(specs);
    sorted.sort(Comparator.comparing(TableSpec::name));
    StringBuilder sb = new StringBuilder();
    for (TableSpec t : sorted) {
      sb.append(t.name()).append('|').append(t.unsyncableReason()).append('|');
      for (ColumnSpec c : t.columns()) {
        sb.append(c.name()).append(':').append(c.type().name()).append(':').append(c.notNull()).append(',');
      }
      sb.append('|').append(t.keyColumns()).append('\n');
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
