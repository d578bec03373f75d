package io.viewsync.replica;

import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.value.PgType;
import io.viewsync.core.value.ValueCodec;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the output of {@code COPY (SELECT …) TO STDOUT (FORMAT binary)} row by row and turns each field into
 * its replica storage value. Columns whose type has a trivial binary form are decoded from it; the copy query
 * turns every other column into its output-function text (see {@link #selectList}), and those go through the
 * same text decoder as
 * the replication stream, so both paths store the same value.
 *
 * <p>Format: <a href="https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4">COPY binary</a>.
 * Not thread-safe; one reader per COPY.
 */
final class BinaryCopyReader {
  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};

  private final DataInputStream in;
  private final PgType[] types;
  private byte[] buf = new byte[256];

  BinaryCopyReader(InputStream in, List<ColumnSpec> columns) throws IOException {
    this.in = new DataInputStream(in);
    this.types = columns.stream().map(ColumnSpec::type).toArray(PgType[]::new);
    byte[] sig = new byte[SIGNATURE.length];
    this.in.readFully(sig);
    if (!Arrays.equals(sig, SIGNATURE)) {
      throw new IOException("the COPY output does not start with the binary COPY signature");
    }
    this.in.readInt(); // flags: bit 16 = OIDs included, never for a query
    int extension = this.in.readInt();
    this.in.skipNBytes(extension);
  }

  /** The select list that makes COPY send each column in the form this reader decodes. */
  static String selectList(List<ColumnSpec> columns) {
    StringBuilder sb = new StringBuilder();
    for (ColumnSpec c : columns) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      String q = ReplicaStore.q(c.name());
      // Not "::text": a cast can differ from the type's output function (inet::text keeps the /128 mask
      // that inet's output omits), and the replication stream sends output-function text.
      sb.append(ValueCodec.decodesBinary(c.type()) ? q
          : "CASE WHEN " + q + " IS NULL THEN NULL ELSE format('%s', " + q + ") END");
    }
    return sb.toString();
  }

  /** The next row's storage values, or null at the end. */
  Object[] next() throws IOException {
    short n;
    try {
      n = in.readShort();
    } catch (EOFException e) {
      throw new IOException("the COPY output ended without its trailer", e);
    }
    if (n == -1) {
      return null;
    }
    if (n != types.length) {
      throw new IOException("a COPY row has " + n + " fields, expected " + types.length);
    }
    Object[] row = new Object[n];
    for (int i = 0; i < n; i++) {
      int len = in.readInt();
      if (len < 0) {
        continue;
      }
      if (buf.length < len) {
        buf = new byte[Math.max(len, buf.length * 2)];
      }
      in.readFully(buf, 0, len);
      row[i] = ValueCodec.fromCopyField(types[i], buf, 0, len);
    }
    return row;
  }
}
