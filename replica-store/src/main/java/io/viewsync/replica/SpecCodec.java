package io.viewsync.replica;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewsync.core.TableName;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.IndexSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.value.PgType;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores a {@link TableSpec} as JSON in the replica's meta tables and reads it back, so a restarted service
 * knows every column's Postgres type without asking upstream. Reads specs written before a field existed: a
 * missing {@code attnum} is 0 (unknown), a missing {@code default} null, missing {@code indexes} none. Stateless
 * and thread-safe.
 */
final class SpecCodec {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SpecCodec() {}

  static String write(TableSpec spec) {
    ObjectNode o = JSON.createObjectNode();
    o.put("schema", spec.name().schema());
    o.put("name", spec.name().name());
    o.put("oid", spec.oid());
    ArrayNode cols = o.putArray("columns");
    for (ColumnSpec c : spec.columns()) {
      ObjectNode n = cols.addObject();
      n.put("name", c.name());
      n.put("declared", c.declaredType());
      n.put("notNull", c.notNull());
      n.put("attnum", c.attnum());
      n.put("default", c.defaultExpr());
      n.set("type", type(c.type()));
    }
    ArrayNode key = o.putArray("key");
    spec.keyColumns().forEach(key::add);
    o.put("keySource", spec.keySource());
    o.put("unsyncable", spec.unsyncableReason());
    ArrayNode indexes = o.putArray("indexes");
    for (IndexSpec i : spec.indexes()) {
      ObjectNode n = indexes.addObject();
      n.put("name", i.name());
      ArrayNode indexColumns = n.putArray("columns");
      i.columns().forEach(indexColumns::add);
      n.put("unique", i.unique());
      n.put("primary", i.primary());
      n.put("replicaIdentity", i.replicaIdentity());
      n.put("partial", i.partial());
      n.put("expressions", i.expressions());
    }
    return o.toString();
  }

  static TableSpec read(String json) {
    try {
      JsonNode o = JSON.readTree(json);
      List<ColumnSpec> cols = new ArrayList<>();
      for (JsonNode n : o.get("columns")) {
        cols.add(new ColumnSpec(n.get("name").asText(), type(n.get("type")), n.get("declared").asText(),
            n.get("notNull").asBoolean(), n.path("attnum").asInt(0), textOrNull(n.get("default"))));
      }
      List<String> key = new ArrayList<>();
      o.get("key").forEach(k -> key.add(k.asText()));
      List<IndexSpec> indexes = new ArrayList<>();
      for (JsonNode n : o.path("indexes")) {
        List<String> indexCols = new ArrayList<>();
        n.get("columns").forEach(c -> indexCols.add(c.asText()));
        indexes.add(new IndexSpec(n.get("name").asText(), indexCols, n.get("unique").asBoolean(),
            n.get("primary").asBoolean(), n.get("replicaIdentity").asBoolean(), n.get("partial").asBoolean(),
            n.get("expressions").asBoolean()));
      }
      return new TableSpec(new TableName(o.get("schema").asText(), o.get("name").asText()), o.get("oid").asInt(),
          cols, key, textOrNull(o.get("keySource")), textOrNull(o.get("unsyncable")), indexes);
    } catch (Exception e) {
      throw new IllegalStateException("the replica's table spec is not readable: " + json, e);
    }
  }

  private static ObjectNode type(PgType t) {
    ObjectNode n = JSON.createObjectNode();
    n.put("oid", t.oid());
    n.put("name", t.name());
    n.put("category", String.valueOf(t.category()));
    if (t.element() != null) {
      n.set("element", type(t.element()));
    }
    return n;
  }

  private static PgType type(JsonNode n) {
    PgType element = n.hasNonNull("element") ? type(n.get("element")) : null;
    return PgType.of(n.get("oid").asInt(), n.get("name").asText(), n.get("category").asText().charAt(0), element);
  }

  private static String textOrNull(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }
}
