package io.viewsync.core.source.pg;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The one place that decides whether an upstream error is worth retrying (connection loss, a restarting
 * server, a slot still held by a dying walsender) or fatal (bad credentials, missing privilege,
 * misconfiguration), and what to tell the operator. Pure and thread-safe.
 *
 * <p>SQLSTATE classes: <a href="https://www.postgresql.org/docs/current/errcodes-appendix.html">Appendix A</a>.
 */
public final class PgErrorClassifier {

  /** The verdict on one error. */
  public enum Verdict { RETRY, FATAL }

  private PgErrorClassifier() {}

  public static Verdict classify(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return classifyState(sql.getSQLState());
      }
      if (t instanceof IOException) {
        return Verdict.RETRY;
      }
    }
    return Verdict.RETRY;
  }

  static Verdict classifyState(String state) {
    String s = state.toUpperCase(Locale.ROOT);
    if (s.startsWith("28")) {
      return Verdict.FATAL; // invalid authorization: bad password, no pg_hba entry
    }
    return switch (s) {
      case "42501", // insufficient privilege
          "3D000", // database does not exist
          "53400", // configuration limit exceeded (max_replication_slots)
          "0A000" // feature not supported
          -> Verdict.FATAL;
      // 08 connection, 57P01 admin shutdown, 57P03 starting up, 55006 slot or lock still held by our old
      // backends, 53300 too many connections, 42704 slot or publication gone (the replicator rebuilds or
      // reports it, and keeps trying)
      default -> Verdict.RETRY;
    };
  }

  /** An operator-facing sentence for an error that stops startup. */
  public static String explain(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String msg = e.getMessage();
    if (state.startsWith("28")) {
      return "the upstream rejected the credentials (" + msg + "); check the user and password in the upstream URL"
          + " and pg_hba.conf";
    }
    if (state.startsWith("08")) {
      return "cannot reach the upstream database (" + msg + "); check the host, port and that Postgres is running";
    }
    return switch (state) {
      case "3D000" -> "the upstream database does not exist (" + msg + ")";
      case "42501" -> "the upstream user lacks a privilege (" + msg + ")";
      case "53400" -> "an upstream limit is reached (" + msg + ")";
      default -> msg;
    };
  }
}
