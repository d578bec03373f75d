package io.viewsync.replica;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/** Binds the replica's storage values (null, Long, Double, String, byte[]) to SQLite statements. Stateless. */
final class ValueBinder {
  private ValueBinder() {}

  static void bind(PreparedStatement ps, int index, Object v) throws SQLException {
    if (v == null) {
      ps.setNull(index, Types.NULL);
    } else if (v instanceof Long l) {
      ps.setLong(index, l);
    } else if (v instanceof String s) {
      ps.setString(index, s);
    } else if (v instanceof Double d) {
      ps.setDouble(index, d);
    } else if (v instanceof byte[] b) {
      ps.setBytes(index, b);
    } else {
      throw new IllegalArgumentException("not a replica storage value: " + v.getClass().getName());
    }
  }
}
