package io.viewsync.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.protocol.ClientSchema;
import io.viewsync.core.protocol.CompatibilityReport;
import io.viewsync.core.protocol.ServerMessage.RowOp;
import io.viewsync.core.protocol.WireValues;
import io.viewsync.core.value.PgType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the row changes of a poke into rows of storage values ({@link io.viewsync.core.ivm.Values}: null, Long,
 * Double, String, byte[]; what the replica holds, docs/replica.md), with {@link WireValues#decode}: each column by
 * the type it travels in, which is the declared type, or the server's type for a column the
 * {@link CompatibilityReport} lists as coerced ("values are sent in the server type's encoding",
 * docs/protocol.md). Storage values are what sync-core's operators compare and sort, so the client evaluates
 * queries exactly as the server does.
 *
 * <p>It checks what the protocol promises: a row of a declared, available table, its key exactly the declared
 * primary key, a put's value exactly the declared columns, every value decodable. Anything else is a
 * {@link ProtocolViolation}: the client cannot hold the row, so it must not pretend it applied the poke.
 *
 * <p>Immutable; safe from any thread.
 */
final class RowDecoder {

  /**
   * One decoded row change. Immutable value.
   *
   * @param table the table's replica name
   * @param key the declared primary key's columns, in declared order
   * @param row the whole row in declared column order, or null for a del
   */
  record Change(String table, Row key, Row row) {}

  private final DeclaredSchema schema;
  private final CompatibilityReport report;
  private final Map<String, Map<String, PgType>> wireTypes = new HashMap<>();

  RowDecoder(DeclaredSchema schema, CompatibilityReport report) {
    this.schema = schema;
    this.report = report;
    schema.schema().tables().forEach((name, table) -> {
      Map<String, PgType> types = new HashMap<>();
      table.columns().forEach((column, declared) -> types.put(column, report.columnIssue(name, column)
          .filter(i -> i.kind() == CompatibilityReport.Kind.COERCED && i.serverType() != null)
          .map(i -> DeclaredSchema.type(i.serverType()))
          .orElse(DeclaredSchema.type(declared))));
      wireTypes.put(name, Map.copyOf(types));
    });
  }

  CompatibilityReport report() {
    return report;
  }

  Change decode(RowOp op) {
    ClientSchema.Table table = schema.table(op.table());
    if (table == null) {
      throw new ProtocolViolation("a row of table " + op.table() + ", which the client did not declare");
    }
    if (report.tableIssue(op.table()).isPresent()) {
      throw new ProtocolViolation("a row of table " + op.table() + ", which the compatibility report says is"
          + " unavailable");
    }
    Map<String, PgType> types = wireTypes.get(op.table());
    Row key = decode(op.key(), table.primaryKey(), types, op, "key");
    if (op.op() == RowOp.Op.DEL) {
      return new Change(op.table(), key, null);
    }
    Row row = decode(op.value(), List.copyOf(table.columns().keySet()), types, op, "value");
    if (!row.select(table.primaryKey()).equals(key)) {
      throw new ProtocolViolation("a put of " + op.table() + " whose key " + key + " is not its value's " + row);
    }
    return new Change(op.table(), key, row);
  }

  /** Exactly {@code columns}, in that order, each decoded by its wire type. */
  private static Row decode(ObjectNode wire, List<String> columns, Map<String, PgType> types, RowOp op,
      String what) {
    Set<String> fields = new HashSet<>();
    wire.fieldNames().forEachRemaining(fields::add);
    if (!fields.equals(new HashSet<>(columns))) {
      throw new ProtocolViolation("a " + op.op().wire() + " of " + op.table() + " whose " + what + " has the"
          + " columns " + fields + ", not the declared " + columns);
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (String column : columns) {
      JsonNode value = wire.get(column);
      try {
        values.put(column, WireValues.decode(types.get(column), value));
      } catch (IllegalArgumentException e) {
        throw new ProtocolViolation("a " + op.op().wire() + " of " + op.table() + "." + column + ": "
            + e.getMessage());
      }
    }
    return Row.of(values);
  }
}
