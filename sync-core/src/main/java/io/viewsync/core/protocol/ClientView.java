package io.viewsync.core.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one client sees of the server schema, from its declaration and its {@link CompatibilityReport}: which of its
 * tables are available, and for each the columns its rows carry — the declared columns in the declared order,
 * a missing one as null, server-only columns left out.
 *
 * <p>Immutable value; safe from any thread.
 */
public final class ClientView {

  /**
   * One column of the rows sent to the client. Immutable value; safe from any thread.
   *
   * @param name the column's name
   * @param clientType the declared type
   * @param missing true when the server does not serve it: rows carry null for it
   */
  public record Column(String name, String clientType, boolean missing) {
    public Column {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(clientType, "clientType");
    }
  }

  private final ClientSchema client;
  private final CompatibilityReport report;

  private ClientView(ClientSchema client, CompatibilityReport report) {
    this.client = Objects.requireNonNull(client, "client");
    this.report = Objects.requireNonNull(report, "report");
  }

  /** The view of {@code client}, whose report is {@code report} (from {@link Compatibility#report}). */
  public static ClientView of(ClientSchema client, CompatibilityReport report) {
    return new ClientView(client, report);
  }

  public ClientSchema client() {
    return client;
  }

  public CompatibilityReport report() {
    return report;
  }

  /** Whether the client declared {@code table} and the server serves it. */
  public boolean isAvailable(String table) {
    return client.table(table) != null && report.tableIssue(table).isEmpty();
  }

  /**
   * The columns of the rows of {@code table} sent to this client, in the client's order; empty when the table is
   * not {@linkplain #isAvailable available} (nothing of it is sent).
   */
  public List<Column> columnsFor(String table) {
    if (!isAvailable(table)) {
      return List.of();
    }
    List<Column> out = new ArrayList<>();
    client.table(table).columns().forEach((name, type) -> out.add(new Column(name, type,
        report.columnIssue(table, name).map(i -> i.kind() == CompatibilityReport.Kind.MISSING).orElse(false))));
    return List.copyOf(out);
  }

  /**
   * A group row change as this client receives it (DESIGN §6): the key by the client's primary key, the value with
   * exactly the client's declared columns in its order — a missing one null, a server-only one left out — each
   * encoded by the server column's type ({@link WireValues}; a coerced column travels in the server type's
   * encoding). Null for a put to a table the client does not receive, or a delete from one it did not declare.
   *
   * @param server the table's spec on the server, for the column types
   */
  public ServerMessage.RowOp rowOp(io.viewsync.core.view.RowPatch patch, io.viewsync.core.schema.TableSpec server) {
    return rowOp(patch, types(server));
  }

  /** The Postgres type of each column of {@code server}, for {@link #rowOp(io.viewsync.core.view.RowPatch, Map)}. */
  public static Map<String, io.viewsync.core.value.PgType> types(io.viewsync.core.schema.TableSpec server) {
    Map<String, io.viewsync.core.value.PgType> types = new java.util.HashMap<>();
    server.columns().forEach(c -> types.put(c.name(), c.type()));
    return types;
  }

  /** {@link #rowOp(io.viewsync.core.view.RowPatch, io.viewsync.core.schema.TableSpec)} with the server's column types already looked up (once per table). */
  public ServerMessage.RowOp rowOp(io.viewsync.core.view.RowPatch patch,
      Map<String, io.viewsync.core.value.PgType> types) {
    // A delete goes to any declared table, available or not: the client may hold the row from before its table
    // became unavailable (renamed or dropped upstream).
    if (patch.isDelete() ? client.table(patch.table()) == null : !isAvailable(patch.table())) {
      return null;
    }
    if (!patch.key().columns().containsAll(client.table(patch.table()).primaryKey())) {
      return null; // not a row the client could hold (its key is not the client's)
    }
    com.fasterxml.jackson.databind.node.ObjectNode key =
        WireValues.encodeRow(patch.key(), types, client.table(patch.table()).primaryKey());
    if (patch.isDelete()) {
      return ServerMessage.RowOp.del(patch.table(), key);
    }
    com.fasterxml.jackson.databind.node.ObjectNode value =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    for (Column c : columnsFor(patch.table())) {
      value.set(c.name(), c.missing() || !patch.row().has(c.name())
          ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
          : WireValues.encode(types.get(c.name()), patch.row().get(c.name())));
    }
    return ServerMessage.RowOp.put(patch.table(), key, value);
  }
}
