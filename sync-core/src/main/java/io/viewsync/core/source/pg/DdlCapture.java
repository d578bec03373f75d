package io.viewsync.core.source.pg;

import io.viewsync.core.schema.SchemaSnapshot;
import io.viewsync.core.schema.TableRewrite;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts upstream DDL into the WAL, at its place in the change stream, with event triggers (DESIGN §4, §6).
 *
 * <p>{@link #setUp} installs, in the upstream database, a schema {@value #SCHEMA} with a registry of the
 * publications viewsync streams ({@code _viewsync.publications(pubname, managed)}) and three event triggers:
 *
 * <ul>
 *   <li>{@code ddl_command_end} (with {@code sql_drop} noting what a command dropped): after each command that
 *       touches a table, column, index, constraint, publication, schema, type or sequence, one transactional
 *       logical message with prefix {@link SchemaSnapshot#PREFIX} whose content is
 *       {@code {"v":1,"ddl":"<statement>","commands":[{"tag":"ALTER TABLE","oid":16390}],"tables":[...]}}: the
 *       tables of every registered publication as they are after the command ({@link SchemaJson} has the
 *       format). Other DDL (functions, views, grants, comments) writes nothing.
 *   <li>{@code table_rewrite}: a message with prefix {@link SchemaSnapshot#REWRITE_PREFIX} and content
 *       {@code {"oid":16390,"reason":4}} before a table is rewritten (its new rows never reach the stream).
 * </ul>
 *
 * <p>For a <b>managed</b> publication the {@code ddl_command_end} trigger also keeps the publication's table list
 * right, in the same transaction as the DDL: a table the command touched is added when Postgres would accept
 * UPDATE and DELETE on it while published (a primary key, REPLICA IDENTITY FULL, or a present replica identity
 * index), and dropped from it when Postgres would reject them (so that losing a primary key never breaks
 * upstream writes). Partitions, unlogged and temporary tables and system schemas are left alone.
 *
 * <p><b>How far a snapshot can be trusted.</b> The tables a command names (by oid in its commands) are described
 * exactly: the DDL keeps them locked until it commits. Other tables are described as the trigger's statement saw
 * them, so a concurrent transaction's DDL on another table that commits first, and whose message therefore comes
 * first in the stream, can be missing from this snapshot. A consumer takes a table's spec from the latest message
 * that names it, and reads changes to unnamed tables (commands with oid 0: a dropped index, whose table is gone
 * from the catalog by then, {@code ALTER PUBLICATION ... DROP TABLE}, schema-wide commands) with that in mind.
 * Serializing capture with a lock would close the gap but could deadlock and fail a migration, which this must
 * never do.
 *
 * <p>The trigger functions never fail a user's DDL (every error becomes a WARNING and a missed message), do
 * nothing unless {@code wal_level = logical}, and run as the installing superuser with a fixed search_path. The
 * SQL is in {@code ddl_capture.sql} and {@code schema_snapshot.sql} beside this class; {@link #installScript}
 * prints it for a DBA when viewsync does not run as a superuser.
 *
 * <p>Stateless: every method works on the connection it is given, which it does not close; call from one thread
 * per connection.
 */
public final class DdlCapture {

  /** The schema that holds the registry and the trigger functions. */
  public static final String SCHEMA = "_viewsync";

  /** The event triggers, by name; all three exist when capture is installed. */
  public static final List<String> TRIGGERS =
      List.of("viewsync_ddl_command_end", "viewsync_sql_drop", "viewsync_table_rewrite");

  static final String FUNCTIONS_RESOURCE = "ddl_capture.sql";

  /** How schema changes reach the replicator. Stored and shown in status: values only grow. */
  public enum Mode {
    /** The event triggers write each DDL into the WAL. */
    EVENT_TRIGGERS("event-triggers"),
    /**
     * No event triggers: schema changes are seen only through pgoutput's Relation messages, which carry columns
     * and types but no defaults, indexes, keys or rewrites, and arrive only with a table's next row change.
     */
    FALLBACK("fallback");

    private final String wireName;

    Mode(String wireName) {
      this.wireName = wireName;
    }

    /** The name in status, metrics and logs. */
    public String wireName() {
      return wireName;
    }

    public static Mode fromWireName(String name) {
      for (Mode m : values()) {
        if (m.wireName.equals(name)) {
          return m;
        }
      }
      throw new IllegalArgumentException("unknown DDL capture mode '" + name + "'");
    }
  }

  /** The outcome of {@link #setUp}: the mode, and a sentence for the operator (what is installed, or why not and what to do). */
  public record Setup(Mode mode, String detail) {}

  private static final String FUNCTIONS = loadFunctions();

  private DdlCapture() {}

  /**
   * Makes DDL capture work for {@code publication}, or says why it cannot. Safe to call at every start and from
   * several processes at once (an advisory lock serializes installations).
   *
   * <p>As a superuser: creates or upgrades everything (CREATE OR REPLACE of the functions, so a newer viewsync's
   * triggers replace an older one's), registers the publication with {@code managedPublication}, and returns
   * {@link Mode#EVENT_TRIGGERS}. Otherwise: {@link Mode#EVENT_TRIGGERS} when a superuser has installed the
   * triggers and registered the publication, else {@link Mode#FALLBACK} with a detail that says what is missing
   * and what to run.
   *
   * @param conn an ordinary connection with autocommit on; the installation runs in its own transaction
   */
  public static Setup setUp(Connection conn, String publication, boolean managedPublication) throws SQLException {
    if (!conn.getAutoCommit()) {
      throw new IllegalArgumentException("DdlCapture.setUp runs its own transaction: pass a connection in autocommit mode");
    }
    if ("on".equals(single(conn, "SELECT current_setting('is_superuser')"))) {
      install(conn, publication, managedPublication);
      return new Setup(Mode.EVENT_TRIGGERS, "event triggers installed in database " + database(conn)
          + "; publication " + publication + " registered" + (managedPublication ? " (managed)" : ""));
    }
    return inspect(conn, publication, managedPublication);
  }

  /**
   * The SQL a superuser runs once in the upstream database (for example with {@code psql -f}) so that a
   * viewsync that is not a superuser gets {@link Mode#EVENT_TRIGGERS}. Idempotent; running it again upgrades the
   * functions and re-registers the publication.
   */
  public static String installScript(String publication, boolean managed) {
    // The name goes into a comment line too: no line break may end the comment early.
    return "-- viewsync DDL capture for publication " + publication.replaceAll("[\\r\\n]", " ") + (managed ? " (managed)" : "")
        + ". Run as a superuser in the publication's database; safe to run again.\n"
        + "BEGIN;\n\n" + String.join(";\n\n", installStatements(publication, managed)) + ";\n\nCOMMIT;\n";
  }

  /** Drops the event triggers and the {@value #SCHEMA} schema (registry included). Needs a superuser. */
  public static void uninstall(Connection conn) throws SQLException {
    try (Statement s = conn.createStatement()) {
      for (String trigger : TRIGGERS) {
        s.execute("DROP EVENT TRIGGER IF EXISTS " + trigger);
      }
      s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }
  }

  /** The content of a {@link SchemaSnapshot#PREFIX} message; {@link IllegalArgumentException} if it is not one. */
  public static SchemaSnapshot parseSnapshot(byte[] content) {
    return SchemaJson.snapshot(content);
  }

  /** The content of a {@link SchemaSnapshot#REWRITE_PREFIX} message. */
  public static TableRewrite parseRewrite(byte[] content) {
    return SchemaJson.rewrite(content);
  }

  /** The oid of the table a {@link SchemaSnapshot#REWRITE_PREFIX} message announces a rewrite of. */
  public static int parseRewriteOid(byte[] content) {
    return parseRewrite(content).tableOid();
  }

  static List<String> installStatements(String publication, boolean managed) {
    List<String> out = new ArrayList<>();
    // Two viewsyncs starting together would race on CREATE ... IF NOT EXISTS and CREATE OR REPLACE.
    out.add("SELECT pg_advisory_xact_lock(hashtextextended('viewsync.ddl_capture', 0))");
    // The installation's own DDL (CREATE SCHEMA, GRANT ...) must not fire already installed triggers.
    out.add("SELECT set_config('viewsync.in_trigger', 'on', true)");
    out.add("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
    out.add("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".publications(pubname text PRIMARY KEY, managed boolean NOT NULL)");
    out.add("CREATE SEQUENCE IF NOT EXISTS " + SCHEMA + ".wal_pad");
    // A viewsync that is not a superuser reads the registry to know whether its publication is covered.
    out.add("GRANT USAGE ON SCHEMA " + SCHEMA + " TO PUBLIC");
    out.add("GRANT SELECT ON " + SCHEMA + ".publications TO PUBLIC");
    // No write when nothing changes: a FOR ALL TABLES publication streams this table too.
    out.add("INSERT INTO " + SCHEMA + ".publications(pubname, managed) VALUES (" + quoteLiteral(publication) + ", "
        + managed + ") ON CONFLICT (pubname) DO UPDATE SET managed = EXCLUDED.managed"
        + " WHERE publications.managed IS DISTINCT FROM EXCLUDED.managed");
    out.add("CREATE OR REPLACE FUNCTION " + SCHEMA + ".describe_tables(oid[]) RETURNS json LANGUAGE sql STABLE"
        + " SET search_path = pg_catalog, pg_temp AS $viewsync$\n" + DescribeQuery.TEXT + "$viewsync$");
    out.add(FUNCTIONS.strip().replaceAll(";\\s*$", ""));
    StringBuilder triggers = new StringBuilder("DO $viewsync$\nBEGIN\n");
    String[][] events = {{"ddl_command_end", "on_ddl_command_end"}, {"sql_drop", "on_sql_drop"},
        {"table_rewrite", "on_table_rewrite"}};
    for (int i = 0; i < TRIGGERS.size(); i++) {
      triggers.append("  IF NOT EXISTS (SELECT FROM pg_event_trigger WHERE evtname = '").append(TRIGGERS.get(i))
          .append("') THEN\n    CREATE EVENT TRIGGER ").append(TRIGGERS.get(i)).append(" ON ").append(events[i][0])
          .append(" EXECUTE FUNCTION ").append(SCHEMA).append('.').append(events[i][1]).append("();\n  END IF;\n");
    }
    out.add(triggers.append("END\n$viewsync$").toString());
    return out;
  }

  private static void install(Connection conn, String publication, boolean managed) throws SQLException {
    conn.setAutoCommit(false);
    try (Statement s = conn.createStatement()) {
      for (String sql : installStatements(publication, managed)) {
        s.execute(sql);
      }
      conn.commit();
    } catch (SQLException | RuntimeException e) {
      conn.rollback();
      throw e;
    } finally {
      conn.setAutoCommit(true);
    }
  }

  /** What a role that may not install finds: triggers installed by a DBA, and this publication registered? */
  private static Setup inspect(Connection conn, String publication, boolean managed) throws SQLException {
    String role = single(conn, "SELECT current_user");
    String db = database(conn);
    int enabled;
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT count(*) FROM pg_event_trigger WHERE evtname = ANY (?) AND evtenabled <> 'D'")) {
      ps.setArray(1, conn.createArrayOf("text", TRIGGERS.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        enabled = rs.getInt(1);
      }
    }
    String effect = " Until then schema changes are seen only through pgoutput's Relation messages: columns and"
        + " types, no defaults, indexes or table rewrites, and only with a table's next row change.";
    String install = " To capture DDL, a superuser runs once, in database " + db + ", the SQL that `viewsync"
        + " ddl-capture-sql --publication " + publication + (managed ? "" : " --unmanaged") + "` prints; viewsync"
        + " itself then needs no superuser.";
    if (enabled < TRIGGERS.size()) {
      return new Setup(Mode.FALLBACK, "role " + role + " is not a superuser, and viewsync's event triggers are not"
          + " installed (enabled) in database " + db + " (" + enabled + " of " + TRIGGERS.size() + " found)."
          + effect + install);
    }
    String readable = single(conn, "SELECT has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT')"
        + " FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid"
        + " WHERE n.nspname = '" + SCHEMA + "' AND c.relname = 'publications'");
    if (!"t".equals(readable)) {
      return new Setup(Mode.FALLBACK, "viewsync's event triggers are installed in database " + db + ", but role "
          + role + " cannot read " + SCHEMA + ".publications." + effect + install);
    }
    Boolean registered;
    try (PreparedStatement ps = conn.prepareStatement("SELECT managed FROM " + SCHEMA + ".publications WHERE pubname = ?")) {
      ps.setString(1, publication);
      try (ResultSet rs = ps.executeQuery()) {
        registered = rs.next() ? rs.getBoolean(1) : null;
      }
    }
    String register = "INSERT INTO " + SCHEMA + ".publications VALUES (" + quoteLiteral(publication) + ", " + managed
        + ") ON CONFLICT (pubname) DO UPDATE SET managed = EXCLUDED.managed";
    if (registered == null) {
      return new Setup(Mode.FALLBACK, "viewsync's event triggers are installed in database " + db + ", but publication "
          + publication + " is not registered with them, so its DDL is not captured. A superuser can register it"
          + " with: " + register + ";" + effect);
    }
    String detail = "event triggers installed by a superuser in database " + db + "; publication " + publication
        + " registered" + (registered ? " (managed)" : "");
    if (registered != managed) {
      detail += "; viewsync was asked for a " + (managed ? "managed" : "unmanaged") + " publication, but only a"
          + " superuser can change that: " + register;
    }
    return new Setup(Mode.EVENT_TRIGGERS, detail);
  }

  private static String database(Connection conn) throws SQLException {
    return single(conn, "SELECT current_database()");
  }

  private static String single(Connection conn, String sql) throws SQLException {
    try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  static String quoteLiteral(String value) {
    // standard_conforming_strings is on by default since PostgreSQL 9.1; E'' keeps a backslash literal either way.
    return value.indexOf('\\') >= 0 ? "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'"
        : "'" + value.replace("'", "''") + "'";
  }

  private static String loadFunctions() {
    try (InputStream in = DdlCapture.class.getResourceAsStream(FUNCTIONS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(FUNCTIONS_RESOURCE + " is missing from the classpath beside " + DdlCapture.class);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + FUNCTIONS_RESOURCE, e);
    }
  }
}
