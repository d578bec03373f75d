package io.viewsync.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewsync.core.protocol.ClientMessage.Connect;
import io.viewsync.core.protocol.ClientMessage.Ping;
import io.viewsync.core.protocol.ClientMessage.Subscribe;
import io.viewsync.core.protocol.ClientMessage.Unsubscribe;
import io.viewsync.core.protocol.CompatibilityReport.Issue;
import io.viewsync.core.protocol.ProtocolError.Kind;
import io.viewsync.core.protocol.ServerMessage.QueryStatus;
import io.viewsync.core.protocol.ServerMessage.RowOp;
import io.viewsync.core.query.QueryError;
import io.viewsync.core.query.QueryJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The message codec against docs/protocol.md: the examples below are the doc's JSON blocks, verbatim and in the
 * doc's order ({@link #theExamplesAreTheDocsJsonBlocksVerbatim} fails when either side changes alone).
 */
class MessageCodecTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  static final String CONNECT = """
      {"type": "connect", "protocolVersion": 1, "clientGroupID": "g-7f3a", "clientID": "tab-1", "cookie": null,
       "schema": {"tables": {
         "issues": {"columns": {"id": {"type": "int8"}, "title": {"type": "text"}, "status": {"type": "text"},
                                "modified": {"type": "timestamptz"}}, "primaryKey": ["id"]},
         "comments": {"columns": {"id": {"type": "int8"}, "issue_id": {"type": "int8"}, "body": {"type": "text"}},
                      "primaryKey": ["id"]}}}}""";

  static final String SUBSCRIBE = """
      {"type": "subscribe", "queryID": "open-issues",
       "query": {"table": "issues", "where": {"type": "cmp", "column": "status", "op": "=", "value": "open"},
                 "orderBy": [["modified", "desc"]], "limit": 50,
                 "related": [{"name": "comments", "correlation": {"parent": ["id"], "child": ["issue_id"]},
                              "query": {"table": "comments", "orderBy": [["id", "asc"]], "limit": 10}}]}}""";

  static final String ERROR_INVALID_QUERY = """
      {"type": "error", "kind": "invalid_query", "message": "the query does not parse (1 error): where.op: unknown operator \\"==\\"",
       "queryID": "open-issues",
       "details": {"errors": [{"kind": "MALFORMED", "path": "where.op", "message": "unknown operator \\"==\\""}]}}""";

  static final String CONNECTED = """
      {"type": "connected", "protocolVersion": 1, "serverVersion": "0.1.0", "schemaVersion": 12,
       "compatibility": {"status": "degraded", "issues": [
         {"table": "issues", "column": "id", "kind": "coerced", "clientType": "int4", "serverType": "int8",
          "reason": "int8 on the server, int4 declared: values are sent as int8"},
         {"table": "issues", "column": "status", "kind": "missing", "clientType": "text",
          "reason": "no column status on the server: rows carry null for it"},
         {"table": "labels", "kind": "unavailable", "reason": "no table labels on the server"}]}}""";

  static final String POKE_START = """
      {"type": "pokeStart", "pokeID": "p-91", "baseCookie": null, "schemaVersion": 12, "reset": true}""";

  static final String POKE_PART = """
      {"type": "pokePart", "pokeID": "p-91",
       "rows": [{"op": "put", "table": "issues", "key": {"id": 7},
                 "value": {"id": 7, "title": "Crash on start", "status": "open", "modified": 1700000000000000}},
                {"op": "del", "table": "comments", "key": {"id": 3}}],
       "queries": [{"queryID": "open-issues", "status": "complete"},
                   {"queryID": "labels", "status": "unavailable", "reason": "no table labels on the server"}]}""";

  static final String POKE_END = """
      {"type": "pokeEnd", "pokeID": "p-91", "cookie": "r1a2b3:42"}""";

  static final String ERROR_UNSUPPORTED = """
      {"type": "error", "kind": "unsupported_protocol",
       "message": "protocol version 2 is not supported: this server speaks 1 through 1", "details": {"min": 1, "max": 1}}""";

  static final List<String> EXAMPLES = List.of(CONNECT, SUBSCRIBE, ERROR_INVALID_QUERY, CONNECTED, POKE_START,
      POKE_PART, POKE_END, ERROR_UNSUPPORTED);

  /** Inline examples of the doc's prose, checked to be in it verbatim. */
  static final String UNSUBSCRIBE = "{\"type\": \"unsubscribe\", \"queryID\": \"open-issues\"}";
  static final String PING = "{\"type\": \"ping\", \"id\": 17}";
  static final String PONG = "{\"type\": \"pong\", \"id\": 17}";
  static final String QUERY_STATUS = "{\"queryID\": \"open-issues\", \"status\": \"complete\"}";
  static final String ROW_DEL = "{\"op\": \"del\", \"table\": \"issues\", \"key\": {\"id\": 7}}";

  static String doc() throws IOException {
    Path here = Path.of("").toAbsolutePath();
    Path doc = here.resolve("docs/protocol.md");
    if (!Files.exists(doc)) {
      doc = here.getParent().resolve("docs/protocol.md");
    }
    return Files.readString(doc, StandardCharsets.UTF_8);
  }

  @Test
  void theExamplesAreTheDocsJsonBlocksVerbatim() throws IOException {
    String doc = doc();
    Matcher m = Pattern.compile("```json\\n(.*?)\\n```", Pattern.DOTALL).matcher(doc);
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(m.group(1));
    }
    assertThat(blocks).containsExactlyElementsOf(EXAMPLES);
    assertThat(doc).contains(UNSUBSCRIBE, PING, PONG, QUERY_STATUS, ROW_DEL);
  }

  // ---- client messages from the doc

  @Test
  void connectExample() {
    Connect c = (Connect) MessageCodec.parse(CONNECT);

    assertThat(c.protocolVersion()).isEqualTo(1);
    assertThat(c.clientGroupID()).isEqualTo("g-7f3a");
    assertThat(c.clientID()).isEqualTo("tab-1");
    assertThat(c.cookie()).isNull();
    assertThat(c.auth()).isNull();
    assertThat(c.schema().tables().keySet()).containsExactly("issues", "comments");
    assertThat(c.schema().table("issues").columns().keySet()).containsExactly("id", "title", "status", "modified");
    assertThat(c.schema().table("comments").primaryKey()).containsExactly("id");
  }

  @Test
  void subscribeExample() throws IOException {
    Subscribe s = (Subscribe) MessageCodec.parse(SUBSCRIBE);

    assertThat(s.queryID()).isEqualTo("open-issues");
    assertThat(s.query()).isEqualTo(QueryJson.parse(MAPPER.readTree(SUBSCRIBE).get("query")).orElseThrow());
    assertThat(s.query().related().get(0).query().limit()).isEqualTo(10L);
  }

  @Test
  void unsubscribeAndPingExamples() {
    assertThat(MessageCodec.parse(UNSUBSCRIBE)).isEqualTo(new Unsubscribe("open-issues"));
    assertThat(((Ping) MessageCodec.parse(PING)).id()).isEqualTo(NODES.numberNode(17));
    assertThat(((Ping) MessageCodec.parse("{\"type\":\"ping\"}")).id()).isNull();
    assertThat(((Ping) MessageCodec.parse("{\"type\":\"ping\",\"id\":null}")).id().isNull()).isTrue();
    assertThat(((Ping) MessageCodec.parse("{\"type\":\"ping\",\"id\":{\"a\":[1,\"x\"]}}")).id().toString())
        .isEqualTo("{\"a\":[1,\"x\"]}");
  }

  @Test
  void connectWithCookieAndAuthAndWithoutCookie() {
    String base = "{\"type\":\"connect\",\"protocolVersion\":1,\"clientGroupID\":\"g\",\"clientID\":\"c\","
        + "\"schema\":{\"tables\":{}}";
    Connect c = (Connect) MessageCodec.parse(base + ",\"cookie\":\"k1\",\"auth\":\"tok\"}");
    assertThat(c.cookie()).isEqualTo("k1");
    assertThat(c.auth()).isEqualTo("tok");
    Connect fresh = (Connect) MessageCodec.parse(base + "}");
    assertThat(fresh.cookie()).isNull();
    assertThat(((Connect) MessageCodec.parse(base + ",\"auth\":null}")).auth()).isNull();
  }

  // ---- errors

  @Test
  void invalidQueryExampleIsWhatTheCodecAnswers() throws IOException {
    String bad = SUBSCRIBE.replace("\"op\": \"=\"", "\"op\": \"==\"");
    ProtocolError e = (ProtocolError) MessageCodec.parse(bad);

    assertThat(e.kind()).isEqualTo(Kind.INVALID_QUERY);
    assertThat(e.queryID()).isEqualTo("open-issues");
    assertThat(MAPPER.readTree(ServerMessage.error(e))).isEqualTo(MAPPER.readTree(ERROR_INVALID_QUERY));
  }

  @Test
  void unsupportedProtocolExampleIsWhatTheCodecAnswersWhateverElseTheConnectHolds() throws IOException {
    for (String version : List.of("2", "0", "-1", "99999999999999999999999", "2147483648")) {
      ProtocolError e = (ProtocolError) MessageCodec.parse(
          "{\"type\":\"connect\",\"protocolVersion\":" + version + ",\"futureField\":[1]}");
      assertThat(e.kind()).as(version).isEqualTo(Kind.UNSUPPORTED_PROTOCOL);
      assertThat(e.details()).isEqualTo(MAPPER.readTree("{\"min\":1,\"max\":1}"));
    }
    ProtocolError two = (ProtocolError) MessageCodec.parse(CONNECT.replace("\"protocolVersion\": 1",
        "\"protocolVersion\": 2"));
    assertThat(MAPPER.readTree(ServerMessage.error(two))).isEqualTo(MAPPER.readTree(ERROR_UNSUPPORTED));
    assertThat(MAPPER.readTree(ServerMessage.error(ProtocolVersions.unsupported("2"))))
        .isEqualTo(MAPPER.readTree(ERROR_UNSUPPORTED));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", " ", "null", "1", "\"connect\"", "[]", "[{\"type\":\"ping\"}]", "{", "{\"type\":\"ping\"", "}",
      "{\"type\":\"ping\"} {\"type\":\"ping\"}", "{\"type\":\"ping\"} x", "{\"type\":\"ping\",\"type\":\"ping\"}",
      "{}", "{\"type\":null}", "{\"type\":1}", "{\"type\":[\"ping\"]}", "{\"Type\":\"ping\"}",
      "{\"type\":\"ping\",\"ID\":1}", "{'type':'ping'}", "{\"type\":\"ping\",}", "{\"type\":\"ping\" /* c */}",
      // connect
      "{\"type\":\"connect\"}",
      "{\"type\":\"connect\",\"protocolVersion\":\"1\",\"clientGroupID\":\"g\",\"clientID\":\"c\",\"schema\":{\"tables\":{}}}",
      "{\"type\":\"connect\",\"protocolVersion\":1.0,\"clientGroupID\":\"g\",\"clientID\":\"c\",\"schema\":{\"tables\":{}}}",
      "{\"type\":\"connect\",\"protocolVersion\":1,\"clientGroupID\":7,\"clientID\":\"c\",\"schema\":{\"tables\":{}}}",
      "{\"type\":\"connect\",\"protocolVersion\":1,\"clientGroupID\":\"\",\"clientID\":\"c\",\"schema\":{\"tables\":{}}}",
      "{\"type\":\"connect\",\"protocolVersion\":1,\"clientGroupID\":\"g\",\"schema\":{\"tables\":{}}}",
      "{\"type\":\"connect\",\"protocolVersion\":1,\"clientGroupID\":\"g\",\"clientID\":\"c\"}",
      "{\"type\":\"connect\",\"protocolVersion\":1,\"clientGroupID\":\"g\",\"clientID\":\"c\",\"schema\":[]}",
      "{\"type\":\"connect\",\"protocolVersion\":1,\"clientGroupID\":\"g\",\"clientID\":\"c\",\"schema\":{}}",
      "{\"type\":\"connect\",\"protocolVersion\":1,\"clientGroupID\":\"g\",\"clientID\":\"c\",\"schema\":{\"tables\":{}},\"cookie\":5}",
      "{\"type\":\"connect\",\"protocolVersion\":1,\"clientGroupID\":\"g\",\"clientID\":\"c\",\"schema\":{\"tables\":{}},\"auth\":{}}",
      "{\"type\":\"connect\",\"protocolVersion\":1,\"clientGroupID\":\"g\",\"clientID\":\"c\",\"schema\":{\"tables\":{}},\"extra\":1}",
      // subscribe / unsubscribe / ping
      "{\"type\":\"subscribe\",\"query\":{\"table\":\"t\"}}",
      "{\"type\":\"subscribe\",\"queryID\":17,\"query\":{\"table\":\"t\"}}",
      "{\"type\":\"subscribe\",\"queryID\":\"\",\"query\":{\"table\":\"t\"}}",
      "{\"type\":\"subscribe\",\"queryID\":\"\\ud800\",\"query\":{\"table\":\"t\"}}",
      "{\"type\":\"unsubscribe\"}", "{\"type\":\"unsubscribe\",\"queryID\":null}",
      "{\"type\":\"unsubscribe\",\"queryID\":[\"q\"]}", "{\"type\":\"ping\",\"id\":1,\"x\":2}",
  })
  void malformedShapes(String text) {
    assertThat(MessageCodec.parse(text)).as(text).isInstanceOfSatisfying(ProtocolError.class,
        e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED));
  }

  @Test
  void idsAreOneToSixtyFourChars() {
    String ok = "q".repeat(64);
    assertThat(MessageCodec.parse("{\"type\":\"unsubscribe\",\"queryID\":\"" + ok + "\"}"))
        .isEqualTo(new Unsubscribe(ok));
    assertThat(MessageCodec.parse("{\"type\":\"unsubscribe\",\"queryID\":\"\uD83D\uDE00\"}"))
        .isEqualTo(new Unsubscribe("\uD83D\uDE00"));
    ProtocolError e = (ProtocolError) MessageCodec.parse("{\"type\":\"unsubscribe\",\"queryID\":\"" + ok + "q\"}");
    assertThat(e.kind()).isEqualTo(Kind.MALFORMED);
    assertThat(e.queryID()).isNull();
  }

  @Test
  void unknownTypes() {
    for (String type : List.of("pong", "Connect", "", "poke", "x".repeat(10_000))) {
      ProtocolError e = (ProtocolError) MessageCodec.parse("{\"type\":\"" + type + "\"}");
      assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_TYPE);
      assertThat(e.message().length()).isLessThan(200);
    }
  }

  @Test
  void subscribeErrorsCarryTheQueryIDWhenItIsValid() {
    ProtocolError unknownField = (ProtocolError) MessageCodec.parse(
        "{\"type\":\"subscribe\",\"queryID\":\"q1\",\"query\":{\"table\":\"t\"},\"x\":1}");
    assertThat(unknownField.kind()).isEqualTo(Kind.MALFORMED);
    assertThat(unknownField.queryID()).isEqualTo("q1");

    ProtocolError notAnObject = (ProtocolError) MessageCodec.parse(
        "{\"type\":\"subscribe\",\"queryID\":\"q1\",\"query\":\"issues\"}");
    assertThat(notAnObject.kind()).isEqualTo(Kind.MALFORMED);
    assertThat(notAnObject.queryID()).isEqualTo("q1");

    ProtocolError badQuery = (ProtocolError) MessageCodec.parse(
        "{\"type\":\"subscribe\",\"queryID\":\"q1\",\"query\":{\"table\":1,\"limit\":\"x\",\"bogus\":2}}");
    assertThat(badQuery.kind()).isEqualTo(Kind.INVALID_QUERY);
    assertThat(badQuery.queryID()).isEqualTo("q1");
    assertThat(badQuery.details().get("errors")).isNotEmpty();
    badQuery.details().get("errors").forEach(err -> {
      assertThat(err.get("kind").textValue()).isEqualTo("MALFORMED");
      assertThat(err.has("path")).isTrue();
      assertThat(err.has("message")).isTrue();
    });

    assertThat(((ProtocolError) MessageCodec.parse("{\"type\":\"unsubscribe\",\"queryID\":\"q2\",\"z\":0}"))
        .queryID()).isEqualTo("q2");
  }

  @Test
  void aBadSchemaIsMalformedWithItsErrors() {
    ProtocolError e = (ProtocolError) MessageCodec.parse("{\"type\":\"connect\",\"protocolVersion\":1,"
        + "\"clientGroupID\":\"g\",\"clientID\":\"c\",\"schema\":{\"tables\":{\"t\":{\"columns\":{},"
        + "\"primaryKey\":[]}}}}");
    assertThat(e.kind()).isEqualTo(Kind.MALFORMED);
    assertThat(e.details().get("errors").get(0).get("path").textValue()).isEqualTo("tables.t.primaryKey");
  }

  @Test
  void manyQueryErrorsAreCappedInDetails() {
    StringBuilder or = new StringBuilder("{\"type\":\"or\",\"conditions\":[");
    for (int i = 0; i < 500; i++) {
      or.append(i == 0 ? "" : ",").append("{\"type\":\"cmp\",\"column\":\"c\",\"op\":\"~~\",\"value\":1}");
    }
    or.append("]}");
    ProtocolError e = (ProtocolError) MessageCodec.parse(
        "{\"type\":\"subscribe\",\"queryID\":\"q\",\"query\":{\"table\":\"t\",\"where\":" + or + "}}");
    assertThat(e.kind()).isEqualTo(Kind.INVALID_QUERY);
    assertThat(e.details().get("errors")).hasSize(MessageCodec.MAX_DETAIL_ERRORS);
    assertThat(e.message()).contains("500 errors");
  }

  @Test
  void overTheSizeLimitIsTooLargeWithoutBeingRead() {
    String big = "{\"type\":\"ping\",\"id\":\"" + "x".repeat(MessageCodec.MAX_MESSAGE_CHARS) + "\"}";
    assertThat(((ProtocolError) MessageCodec.parse(big)).kind()).isEqualTo(Kind.TOO_LARGE);
    assertThat(((ProtocolError) MessageCodec.parse("not json at all", 5)).kind()).isEqualTo(Kind.TOO_LARGE);
    String justUnder = "{\"type\":\"ping\",\"id\":\"" + "x".repeat(MessageCodec.MAX_MESSAGE_CHARS - 23) + "\"}";
    assertThat(justUnder.length()).isEqualTo(MessageCodec.MAX_MESSAGE_CHARS);
    assertThat(MessageCodec.parse(justUnder)).isInstanceOf(Ping.class);
  }

  @ParameterizedTest
  @CsvSource({"255, false", "256, false", "257, true", "100000, true"})
  void deepNestingIsMalformedNotAStackOverflow(int depth, boolean refused) {
    // The ping is depth 1; its id adds depth - 1 arrays.
    String text = "{\"type\":\"ping\",\"id\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
    assertThat(MessageCodec.parse(text) instanceof ProtocolError e && e.kind() == Kind.MALFORMED)
        .isEqualTo(refused);
  }

  @Test
  void nullTextIsMalformed() {
    assertThat(((ProtocolError) MessageCodec.parse(null)).kind()).isEqualTo(Kind.MALFORMED);
  }

  @Test
  void errorKindsOnTheWireAreTheDocsKinds() throws IOException {
    String doc = doc();
    for (Kind kind : Kind.values()) {
      assertThat(doc).contains("| `" + kind.wire() + "` |");
    }
  }

  // ---- server messages against the doc

  @Test
  void connectedExample() throws IOException {
    CompatibilityReport report = new CompatibilityReport(List.of(
        new Issue("issues", "status", CompatibilityReport.Kind.MISSING,
            "no column status on the server: rows carry null for it", "text", null),
        new Issue("issues", "id", CompatibilityReport.Kind.COERCED,
            "int8 on the server, int4 declared: values are sent as int8", "int4", "int8"),
        new Issue("labels", null, CompatibilityReport.Kind.UNAVAILABLE, "no table labels on the server", null, null)));
    JsonNode written = MAPPER.readTree(ServerMessage.connected(1, "0.1.0", 12, report));
    JsonNode expected = MAPPER.readTree(CONNECTED);
    assertThat(written).isEqualTo(expected);

    JsonNode changed = MAPPER.readTree(ServerMessage.schemaChanged(13, report));
    assertThat(changed.get("type").textValue()).isEqualTo("schemaChanged");
    assertThat(changed.get("schemaVersion").intValue()).isEqualTo(13);
    assertThat(changed.get("compatibility")).isEqualTo(report.toJson());
  }

  @Test
  void pokeExample() throws IOException {
    ObjectNode key7 = NODES.objectNode().put("id", 7);
    ObjectNode row7 = NODES.objectNode().put("id", 7).put("title", "Crash on start").put("status", "open")
        .put("modified", 1700000000000000L);
    assertThat(MAPPER.readTree(ServerMessage.pokeStart("p-91", null, 12, true)))
        .isEqualTo(MAPPER.readTree(POKE_START));
    assertThat(MAPPER.readTree(ServerMessage.pokePart("p-91",
        List.of(RowOp.put("issues", key7, row7), RowOp.del("comments", NODES.objectNode().put("id", 3))),
        List.of(QueryStatus.complete("open-issues"),
            QueryStatus.unavailable("labels", "no table labels on the server", List.of())))))
        .isEqualTo(MAPPER.readTree(POKE_PART));
    assertThat(MAPPER.readTree(ServerMessage.pokeEnd("p-91", "r1a2b3:42"))).isEqualTo(MAPPER.readTree(POKE_END));
    assertThat(MAPPER.readTree(ServerMessage.pokeStart("p-92", "r1a2b3:42", 12, false)).get("baseCookie")
        .textValue()).isEqualTo("r1a2b3:42");
  }

  @Test
  void inlineExamples() throws IOException {
    assertThat(MAPPER.readTree(ServerMessage.pong(((Ping) MessageCodec.parse(PING)).id())))
        .isEqualTo(MAPPER.readTree(PONG));
    assertThat(ServerMessage.pong(null)).isEqualTo("{\"type\":\"pong\"}");
    assertThat(ServerMessage.pong(NODES.nullNode())).isEqualTo("{\"type\":\"pong\",\"id\":null}");
    JsonNode part = MAPPER.readTree(ServerMessage.pokePart("p", List.of(RowOp.del("issues",
        NODES.objectNode().put("id", 7))), List.of(QueryStatus.complete("open-issues"))));
    assertThat(part.get("rows").get(0)).isEqualTo(MAPPER.readTree(ROW_DEL));
    assertThat(part.get("queries").get(0)).isEqualTo(MAPPER.readTree(QUERY_STATUS));
  }

  @Test
  void aFailedQueryListsItsErrorsAndAnErrorWithoutQueryOrDetailsLeavesThemOut() throws IOException {
    JsonNode part = MAPPER.readTree(ServerMessage.pokePart("p", List.of(), List.of(QueryStatus.unavailable("q",
        "the server failed on it", List.of(new QueryError(QueryError.Kind.INTERNAL, "", "boom"))))));
    assertThat(part.get("rows")).isEmpty();
    assertThat(part.get("queries").get(0).get("errors").get(0).get("kind").textValue()).isEqualTo("INTERNAL");
    assertThat(ServerMessage.error(ProtocolError.of(Kind.NOT_CONNECTED, "connect first")))
        .isEqualTo("{\"type\":\"error\",\"kind\":\"not_connected\",\"message\":\"connect first\"}");
  }

  @Test
  void valuesAreCopiedSoMessagesStayImmutable() {
    ObjectNode key = NODES.objectNode().put("id", 1);
    RowOp op = RowOp.del("t", key);
    key.put("id", 2);
    op.key().put("id", 3);
    assertThat(op.key().get("id").intValue()).isEqualTo(1);
    Ping ping = (Ping) MessageCodec.parse("{\"type\":\"ping\",\"id\":{\"a\":1}}");
    ((ObjectNode) ping.id()).put("a", 2);
    assertThat(ping.id().get("a").intValue()).isEqualTo(1);
  }
}
