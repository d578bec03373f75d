package io.viewsync.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewsync.core.protocol.ClientSchema;
import io.viewsync.core.protocol.CompatibilityReport;
import io.viewsync.core.protocol.ServerEvent;
import io.viewsync.core.protocol.ServerMessage;
import io.viewsync.core.protocol.ServerMessage.QueryStatus;
import io.viewsync.core.protocol.ServerMessage.RowOp;
import io.viewsync.core.protocol.ServerMessageReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Server messages for the client's tests, written by sync-core's {@link ServerMessage} (what the server sends) and
 * read back by {@link ServerMessageReader} (what the client reads), and the schema the tests declare.
 */
final class Wire {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** items(id int8 key, name text, rank int4); comments(id int8 key, item_id int8, body text). */
  static final ClientSchema SCHEMA = ClientSchema.parse("""
      {"tables": {
        "items": {"columns": {"id": {"type": "int8"}, "name": {"type": "text"}, "rank": {"type": "int4"}},
                  "primaryKey": ["id"]},
        "comments": {"columns": {"id": {"type": "int8"}, "item_id": {"type": "int8"}, "body": {"type": "text"}},
                     "primaryKey": ["id"]}}}""").orElseThrow();

  static final CompatibilityReport FULL = new CompatibilityReport(List.of());

  private Wire() {}

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) MAPPER.readTree(text);
    } catch (Exception e) {
      throw new AssertionError(text, e);
    }
  }

  static ServerEvent event(String message) {
    ServerMessageReader.Parsed p = ServerMessageReader.parse(message);
    if (!(p instanceof ServerEvent e)) {
      throw new AssertionError("not a server message: " + p);
    }
    return e;
  }

  static String connected() {
    return connected(FULL);
  }

  static String connected(CompatibilityReport report) {
    return ServerMessage.connected(1, "test", 7, report);
  }

  /** A put of items(id, name, rank). */
  static RowOp item(long id, String name, int rank) {
    return RowOp.put("items", json("{\"id\": " + id + "}"),
        json("{\"id\": " + id + ", \"name\": \"" + name + "\", \"rank\": " + rank + "}"));
  }

  static RowOp comment(long id, long itemID, String body) {
    return RowOp.put("comments", json("{\"id\": " + id + "}"),
        json("{\"id\": " + id + ", \"item_id\": " + itemID + ", \"body\": \"" + body + "\"}"));
  }

  static RowOp del(String table, long id) {
    return RowOp.del(table, json("{\"id\": " + id + "}"));
  }

  /** The messages of one poke with one part. */
  static List<String> poke(String id, String baseCookie, boolean reset, String cookie, List<RowOp> rows,
      List<QueryStatus> queries) {
    List<String> out = new ArrayList<>();
    out.add(ServerMessage.pokeStart(id, baseCookie, 7, reset));
    out.add(ServerMessage.pokePart(id, rows, queries));
    out.add(ServerMessage.pokeEnd(id, cookie));
    return out;
  }
}
