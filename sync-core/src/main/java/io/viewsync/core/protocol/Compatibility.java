package io.viewsync.core.protocol;

import io.viewsync.core.protocol.CompatibilityReport.Issue;
import io.viewsync.core.protocol.CompatibilityReport.Kind;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compares a client's declared schema with the server's (DESIGN §6) and says what the client gets.
 *
 * <p>Rules, per declared table:
 * <ol>
 *   <li>no such table on the server, or it is not syncable → the table is {@code unavailable};
 *   <li>the client's primary key is not the server's row key ({@link TableSpec#keyColumns()}, a non-null unique
 *       key) compared as a set → {@code unavailable}; so is a key column whose type is neither equal nor
 *       {@linkplain #coercible coercible} (rows could not be identified);
 *   <li>otherwise, per declared column: not on the server → {@code missing} (rows carry null for it); a type that
 *       differs → {@code coerced} when {@link #coercible}, otherwise {@code missing} with the reason
 *       "type X on the server, Y declared".
 * </ol>
 * Server tables and columns the client did not declare are never reported (and never sent to it). An unavailable
 * table has only its table issue, no column issues.
 *
 * <p>Type names are compared as {@link io.viewsync.core.value.PgType#name()} (Postgres' typname, arrays
 * {@code _elem}), which is how {@link ClientSchema} spells them.
 *
 * <p>Stateless; safe from any thread.
 */
public final class Compatibility {

  private Compatibility() {}

  /**
   * The coercion table: types in one group are served to each other as the server has them, because they share
   * the replica's storage class, the wire representation and the query semantics (comparison, order, LIKE).
   * An array coerces to an array whose element type is in the same group ({@code _int4} ↔ {@code _int8}).
   *
   * <ul>
   *   <li>{@code int2, int4, int8} — JSON integers; a wider server value may exceed the client's declared range.
   *   <li>{@code float4, float8} — JSON numbers (REAL).
   *   <li>{@code varchar, text} — strings. Not {@code bpchar}: its values are blank-padded to the length
   *       and compare ignoring trailing blanks, so text ↔ bpchar changes both values and equality.
   *       Not {@code name} either (truncated at 63 bytes).
   *   <li>{@code timestamp, timestamptz} — integers of microseconds since the Unix epoch in both (docs/replica.md).
   *   <li>{@code json, jsonb} — JSON text; jsonb's text is normalized (key order, whitespace, duplicate keys).
   * </ul>
   * Everything else is not coercible, notably integer ↔ numeric (a JSON number vs a decimal string),
   * integer ↔ float, date ↔ timestamp, uuid ↔ text, enum ↔ text, time ↔ timetz, bool ↔ anything.
   */
  private static final List<Set<String>> GROUPS = List.of(
      Set.of("int2", "int4", "int8"),
      Set.of("float4", "float8"),
      Set.of("varchar", "text"),
      Set.of("timestamp", "timestamptz"),
      Set.of("json", "jsonb"));

  /** Whether {@code serverType} may be served to a client that declared {@code clientType}; false when equal. */
  public static boolean coercible(String clientType, String serverType) {
    if (clientType.equals(serverType)) {
      return false;
    }
    if (clientType.startsWith("_") && serverType.startsWith("_")) {
      return coercibleScalar(clientType.substring(1), serverType.substring(1));
    }
    return coercibleScalar(clientType, serverType);
  }

  private static boolean coercibleScalar(String a, String b) {
    return GROUPS.stream().anyMatch(g -> g.contains(a) && g.contains(b));
  }

  /** The report for {@code client} against {@code server} (tables by replica name). */
  public static CompatibilityReport report(ClientSchema client, Map<String, TableSpec> server) {
    List<Issue> issues = new ArrayList<>();
    for (ClientSchema.Table table : client.tables().values()) {
      TableSpec spec = server.get(table.name());
      Optional<String> unavailable = unavailableReason(table, spec);
      if (unavailable.isPresent()) {
        issues.add(new Issue(table.name(), null, Kind.UNAVAILABLE, unavailable.get(), null, null));
        continue;
      }
      table.columns().forEach((column, clientType) -> {
        Optional<ColumnSpec> onServer = spec.column(column);
        if (onServer.isEmpty()) {
          issues.add(new Issue(table.name(), column, Kind.MISSING, "Column " + table.name() + "." + column
              + " is not on the server; rows carry null for it.", clientType, null));
          return;
        }
        String serverType = onServer.get().type().name();
        if (serverType.equals(clientType)) {
          return;
        }
        if (coercible(clientType, serverType)) {
          issues.add(new Issue(table.name(), column, Kind.COERCED, "Column " + table.name() + "." + column
              + " is " + serverType + " on the server, " + clientType + " declared; values are sent as the server "
              + "has them.", clientType, serverType));
        } else {
          issues.add(new Issue(table.name(), column, Kind.MISSING, "Column " + table.name() + "." + column
              + " has type " + serverType + " on the server, " + clientType + " declared; rows carry null for it.",
              clientType, serverType));
        }
      });
    }
    return new CompatibilityReport(issues);
  }

  private static Optional<String> unavailableReason(ClientSchema.Table table, TableSpec spec) {
    if (spec == null) {
      return Optional.of("Table " + table.name() + " is not on the server.");
    }
    if (!spec.syncable()) {
      return Optional.of("Table " + table.name() + " cannot be synced: " + spec.unsyncableReason() + ".");
    }
    if (!new HashSet<>(table.primaryKey()).equals(new HashSet<>(spec.keyColumns()))) {
      return Optional.of("The declared primary key (" + String.join(", ", table.primaryKey()) + ") of table "
          + table.name() + " is not its key on the server (" + String.join(", ", spec.keyColumns()) + ").");
    }
    for (String key : table.primaryKey()) {
      String clientType = table.type(key);
      String serverType = spec.column(key).map(c -> c.type().name()).orElse(null);
      if (serverType != null && !serverType.equals(clientType) && !coercible(clientType, serverType)) {
        return Optional.of("Key column " + table.name() + "." + key + " has type " + serverType
            + " on the server, " + clientType + " declared.");
      }
    }
    return Optional.empty();
  }
}
