package io.viewsync.core.source.pg;

import io.viewsync.core.schema.SchemaSnapshot;
import java.sql.Connection;
import java.sql.SQLException;

/** TEMPORARY STUB until the DDL-capture branch lands. */
public final class DdlCapture {
  public enum Mode { EVENT_TRIGGERS, FALLBACK }

  public record Setup(Mode mode, String detail) {}

  private DdlCapture() {}

  public static Setup setUp(Connection conn, String publication, boolean managedPublication) throws SQLException {
    return new Setup(Mode.FALLBACK, "stub");
  }

  public static SchemaSnapshot parseSnapshot(byte[] content) {
    throw new UnsupportedOperationException();
  }

  public static int parseRewriteOid(byte[] content) {
    throw new UnsupportedOperationException();
  }
}
