package io.viewsync.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewsync.core.protocol.CompatibilityReport.Issue;
import io.viewsync.core.protocol.ServerMessage.QueryStatus;
import io.viewsync.core.protocol.ServerMessage.RowOp;
import io.viewsync.core.protocol.ServerMessageReader.Failure;
import io.viewsync.core.query.QueryError;
import io.viewsync.core.query.QueryJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client side of the codec: {@link ClientMessageWriter} against {@link MessageCodec}, {@link ServerMessageReader}
 * against {@link ServerMessage}, both on docs/protocol.md's examples ({@link MessageCodecTest}'s strings).
 */
class ClientCodecTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(json, e);
    }
  }

  private static ObjectNode obj(String json) {
    return (ObjectNode) tree(json);
  }

  private static ServerEvent event(String text) {
    ServerMessageReader.Parsed p = ServerMessageReader.parse(text);
    assertThat(p).as(text).isInstanceOf(ServerEvent.class);
    return (ServerEvent) p;
  }

  private static String failure(String text) {
    ServerMessageReader.Parsed p = ServerMessageReader.parse(text);
    assertThat(p).as(text).isInstanceOf(Failure.class);
    return ((Failure) p).message();
  }

  // ---- client → server

  @Test
  void theDocsClientExamplesAreWrittenBackAsTheSameJson() {
    for (String example : List.of(MessageCodecTest.CONNECT, MessageCodecTest.SUBSCRIBE,
        MessageCodecTest.UNSUBSCRIBE, MessageCodecTest.PING)) {
      ClientMessage m = (ClientMessage) MessageCodec.parse(example);
      String written = ClientMessageWriter.write(m);
      assertThat(tree(written)).as(example).isEqualTo(tree(example));
      assertThat(MessageCodec.parse(written)).isEqualTo(m);
    }
  }

  @Test
  void everyClientMessageRoundTrips() {
    ClientSchema schema = ClientSchema.of(
        new ClientSchema.Table("issues", Map.of("id", "int8"), List.of("id")),
        new ClientSchema.Table("s.labels", linked("name", "text", "issue_id", "int8", "tags", "_text"),
            List.of("issue_id", "name")));
    List<ClientMessage> messages = List.of(
        new ClientMessage.Connect(1, "g", "c", schema, null, null),
        new ClientMessage.Connect(1, "g-7f3a", "tab-1", schema, "r1a2b3:42", "token"),
        new ClientMessage.Connect(1, "g", "c", ClientSchema.of(), null, "a"),
        new ClientMessage.Subscribe("q", QueryJson.parse("{\"table\": \"t\"}").orElseThrow()),
        ((ClientMessage.Subscribe) MessageCodec.parse(MessageCodecTest.SUBSCRIBE)),
        new ClientMessage.Unsubscribe("x".repeat(64)),
        new ClientMessage.Unsubscribe("\ud83d\ude00"),
        new ClientMessage.Ping(null),
        new ClientMessage.Ping(NODES.nullNode()),
        new ClientMessage.Ping(tree("{\"a\": [1, \"b\", null, 2.5]}")),
        new ClientMessage.Ping(NODES.textNode("x")));
    for (ClientMessage m : messages) {
      assertThat(MessageCodec.parse(ClientMessageWriter.write(m))).as(m.toString()).isEqualTo(m);
    }
    // A version the server does not speak is still written: the server answers which ones it does.
    assertThat(MessageCodec.parse(ClientMessageWriter.connect(2, "g", "c", ClientSchema.of(), null, null)))
        .isEqualTo(ProtocolVersions.unsupported("2"));
  }

  @Test
  void clientWritersFollowTheDoc() {
    assertThat(ClientMessageWriter.unsubscribe("open-issues"))
        .isEqualTo("{\"type\":\"unsubscribe\",\"queryID\":\"open-issues\"}");
    assertThat(ClientMessageWriter.ping(17)).isEqualTo("{\"type\":\"ping\",\"id\":17}");
    assertThat(ClientMessageWriter.ping(null)).isEqualTo("{\"type\":\"ping\"}");
    assertThat(ClientMessageWriter.ping(NODES.nullNode())).isEqualTo("{\"type\":\"ping\",\"id\":null}");
    assertThat(ClientMessageWriter.connect(1, "g", "c", ClientSchema.of(), null, null)).isEqualTo(
        "{\"type\":\"connect\",\"protocolVersion\":1,\"clientGroupID\":\"g\",\"clientID\":\"c\",\"cookie\":null,"
            + "\"schema\":{\"tables\":{}}}");
  }

  @Test
  void idsTheServerWouldRefuseAreNotWritten() {
    var query = QueryJson.parse("{\"table\": \"t\"}").orElseThrow();
    assertThatThrownBy(() -> ClientMessageWriter.unsubscribe("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queryID");
    assertThatThrownBy(() -> ClientMessageWriter.subscribe("x".repeat(65), query))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClientMessageWriter.unsubscribe("\ud800")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("surrogate");
    assertThatThrownBy(() -> ClientMessageWriter.connect(1, "g", "", ClientSchema.of(), null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientID");
  }

  @Test
  void aSchemaIsWrittenAsItIsRead() {
    ClientSchema schema = ((ClientMessage.Connect) MessageCodec.parse(MessageCodecTest.CONNECT)).schema();
    assertThat(schema.toJson()).isEqualTo(tree(MessageCodecTest.CONNECT).get("schema"));
    assertThat(ClientSchema.parse(schema.toJson()).orElseThrow()).isEqualTo(schema);
    assertThat(schema.toJson().get("tables").get("issues").get("columns").fieldNames())
        .toIterable().containsExactly("id", "title", "status", "modified");
  }

  // ---- server → client: the doc's examples

  @Test
  void theDocsConnectedExample() {
    ServerEvent.Connected c = (ServerEvent.Connected) event(MessageCodecTest.CONNECTED);
    assertThat(c.protocolVersion()).isEqualTo(1);
    assertThat(c.serverVersion()).isEqualTo("0.1.0");
    assertThat(c.schemaVersion()).isEqualTo(12);
    assertThat(c.compatibility().status()).isEqualTo(CompatibilityReport.Status.DEGRADED);
    assertThat(c.compatibility().issues()).containsExactly(
        new Issue("issues", "id", CompatibilityReport.Kind.COERCED,
            "int8 on the server, int4 declared: values are sent as int8", "int4", "int8"),
        new Issue("issues", "status", CompatibilityReport.Kind.MISSING,
            "no column status on the server: rows carry null for it", "text", null),
        new Issue("labels", null, CompatibilityReport.Kind.UNAVAILABLE, "no table labels on the server", null, null));
    assertThat(tree(ServerMessage.connected(1, "0.1.0", 12, c.compatibility())))
        .isEqualTo(tree(MessageCodecTest.CONNECTED));
  }

  @Test
  void theDocsPokeExamples() {
    assertThat(event(MessageCodecTest.POKE_START)).isEqualTo(new ServerEvent.PokeStart("p-91", null, 12, true));
    assertThat(event(MessageCodecTest.POKE_END)).isEqualTo(new ServerEvent.PokeEnd("p-91", "r1a2b3:42"));
    assertThat(event(MessageCodecTest.POKE_PART)).isEqualTo(new ServerEvent.PokePart("p-91",
        List.of(RowOp.put("issues", obj("{\"id\": 7}"),
                obj("{\"id\": 7, \"title\": \"Crash on start\", \"status\": \"open\", \"modified\": 1700000000000000}")),
            RowOp.del("comments", obj("{\"id\": 3}"))),
        List.of(QueryStatus.complete("open-issues"),
            QueryStatus.unavailable("labels", "no table labels on the server", List.of()))));
    assertThat(event(MessageCodecTest.PONG)).isEqualTo(new ServerEvent.Pong(NODES.numberNode(17)));
  }

  @Test
  void theDocsErrorExamples() {
    ServerEvent.Error invalid = (ServerEvent.Error) event(MessageCodecTest.ERROR_INVALID_QUERY);
    assertThat(invalid.kind()).isEqualTo("invalid_query");
    assertThat(invalid.knownKind()).contains(ProtocolError.Kind.INVALID_QUERY);
    assertThat(invalid.queryID()).isEqualTo("open-issues");
    assertThat(invalid.details()).isEqualTo(tree(MessageCodecTest.ERROR_INVALID_QUERY).get("details"));
    // What the server's codec answers to the doc's bad query is the doc's error, read back.
    ProtocolError answer = (ProtocolError) MessageCodec.parse(MessageCodecTest.SUBSCRIBE.replace("\"=\"", "\"==\""));
    assertThat(event(ServerMessage.error(answer))).isEqualTo(invalid);
    assertThat(invalid.toProtocolError()).contains(answer);

    ServerEvent.Error unsupported = (ServerEvent.Error) event(MessageCodecTest.ERROR_UNSUPPORTED);
    assertThat(unsupported.toProtocolError()).contains(ProtocolVersions.unsupported("2"));
  }

  // ---- server → client: every writer's output reads back as its values

  @Test
  void everyServerMessageRoundTrips() {
    CompatibilityReport full = new CompatibilityReport(List.of());
    CompatibilityReport coerced = new CompatibilityReport(List.of(
        new Issue("t", "a", CompatibilityReport.Kind.COERCED, "r", "int4", "int8")));
    CompatibilityReport degraded = ((ServerEvent.Connected) event(MessageCodecTest.CONNECTED)).compatibility();
    for (CompatibilityReport report : List.of(full, coerced, degraded)) {
      assertThat(event(ServerMessage.connected(1, "0.1.0-SNAPSHOT", Long.MAX_VALUE, report)))
          .isEqualTo(new ServerEvent.Connected(1, "0.1.0-SNAPSHOT", Long.MAX_VALUE, report));
      assertThat(event(ServerMessage.schemaChanged(13, report)))
          .isEqualTo(new ServerEvent.SchemaChanged(13, report));
      assertThat(CompatibilityReport.fromJson(report.toJson())).isEqualTo(report);
    }
    assertThat(event(ServerMessage.pokeStart("p", "c:1", 0, false)))
        .isEqualTo(new ServerEvent.PokeStart("p", "c:1", 0, false));
    assertThat(event(ServerMessage.pokeStart("p", null, -1, true)))
        .isEqualTo(new ServerEvent.PokeStart("p", null, -1, true));
    assertThat(event(ServerMessage.pokeEnd("p", ""))).isEqualTo(new ServerEvent.PokeEnd("p", ""));
    assertThat(event(ServerMessage.pokePart("p", List.of(), List.of())))
        .isEqualTo(new ServerEvent.PokePart("p", List.of(), List.of()));

    List<RowOp> rows = List.of(
        RowOp.put("s.t", obj("{\"a\": 1, \"b\": \"9007199254740993\"}"),
            obj("{\"a\": 1, \"b\": \"9007199254740993\", \"c\": null, \"d\": [[1, 2], [3, 4]], \"e\": 0.1,"
                + " \"f\": true, \"g\": \"\\u00e9\\ud83d\\ude00\", \"h\": 1700000000000000}")),
        RowOp.del("t", obj("{\"a\": -1}")));
    List<QueryStatus> queries = List.of(QueryStatus.loading("q1"), QueryStatus.complete("q2"),
        QueryStatus.unavailable("q3", "no table labels on the server", List.of()),
        QueryStatus.unavailable("q4", "failed", List.of(
            new QueryError(QueryError.Kind.UNKNOWN_COLUMN, "where.column", "no column x"),
            new QueryError(QueryError.Kind.MALFORMED, "", "bad"))));
    assertThat(event(ServerMessage.pokePart("p", rows, queries)))
        .isEqualTo(new ServerEvent.PokePart("p", rows, queries));

    for (ProtocolError e : List.of(ProtocolError.of(ProtocolError.Kind.INTERNAL, "oops"),
        new ProtocolError(ProtocolError.Kind.UNKNOWN_QUERY, "no query q", null, "q"),
        ProtocolVersions.unsupported("7"))) {
      ServerEvent.Error read = (ServerEvent.Error) event(ServerMessage.error(e));
      assertThat(read).isEqualTo(ServerEvent.Error.of(e));
      assertThat(read.toProtocolError()).contains(e);
    }
    for (ProtocolError.Kind kind : ProtocolError.Kind.values()) {
      ProtocolError e = ProtocolError.of(kind, "m");
      assertThat(((ServerEvent.Error) event(ServerMessage.error(e))).toProtocolError()).contains(e);
    }

    for (JsonNode id : new JsonNode[] {null, NODES.nullNode(), NODES.numberNode(17), tree("{\"x\": [1, {}]}")}) {
      assertThat(event(ServerMessage.pong(id))).isEqualTo(new ServerEvent.Pong(id));
    }
  }

  @Test
  void anErrorOfAKindThisVersionDoesNotKnowIsKept() {
    ServerEvent.Error e = (ServerEvent.Error) event(
        "{\"type\": \"error\", \"kind\": \"rate_limited\", \"message\": \"slow down\", \"details\": null}");
    assertThat(e.kind()).isEqualTo("rate_limited");
    assertThat(e.knownKind()).isEmpty();
    assertThat(e.toProtocolError()).isEmpty();
    assertThat(e.details()).isNull();
  }

  @Test
  void optionalFieldsMayBeNull() {
    assertThat(event("{\"type\": \"pokePart\", \"pokeID\": \"p\", \"rows\": [{\"op\": \"del\", \"table\": \"t\","
        + " \"key\": {\"a\": 1}, \"value\": null}], \"queries\": [{\"queryID\": \"q\", \"status\": \"complete\","
        + " \"reason\": null, \"errors\": null}]}"))
        .isEqualTo(new ServerEvent.PokePart("p", List.of(RowOp.del("t", obj("{\"a\": 1}"))),
            List.of(QueryStatus.complete("q"))));
  }

  // ---- malformed server messages

  @ParameterizedTest
  @ValueSource(strings = {
      "", " ", "null", "[]", "17", "\"pong\"", "{", "{\"type\": \"pong\"} {}", "{\"type\": \"pong\", \"type\": \"pong\"}",
      "{}", "{\"type\": 1}", "{\"type\": \"ping\"}", "{\"type\": \"Pong\"}", "{\"type\": \"pong\", \"idx\": 1}",
      // connected
      "{\"type\": \"connected\", \"protocolVersion\": 1, \"serverVersion\": \"v\", \"schemaVersion\": 1}",
      "{\"type\": \"connected\", \"protocolVersion\": 1.0, \"serverVersion\": \"v\", \"schemaVersion\": 1,"
          + " \"compatibility\": {\"status\": \"full\", \"issues\": []}}",
      "{\"type\": \"connected\", \"protocolVersion\": 4294967297, \"serverVersion\": \"v\", \"schemaVersion\": 1,"
          + " \"compatibility\": {\"status\": \"full\", \"issues\": []}}",
      "{\"type\": \"connected\", \"protocolVersion\": 1, \"serverVersion\": \"v\","
          + " \"schemaVersion\": 99999999999999999999, \"compatibility\": {\"status\": \"full\", \"issues\": []}}",
      "{\"type\": \"connected\", \"protocolVersion\": 1, \"serverVersion\": null, \"schemaVersion\": 1,"
          + " \"compatibility\": {\"status\": \"full\", \"issues\": []}}",
      // compatibility reports that do not hold together
      "{\"type\": \"schemaChanged\", \"schemaVersion\": 1, \"compatibility\": {\"status\": \"degraded\", \"issues\": []}}",
      "{\"type\": \"schemaChanged\", \"schemaVersion\": 1, \"compatibility\": {\"status\": \"partial\", \"issues\": []}}",
      "{\"type\": \"schemaChanged\", \"schemaVersion\": 1, \"compatibility\": {\"status\": \"full\"}}",
      "{\"type\": \"schemaChanged\", \"schemaVersion\": 1, \"compatibility\": []}",
      "{\"type\": \"schemaChanged\", \"schemaVersion\": 1, \"compatibility\": {\"status\": \"full\", \"issues\": [1]}}",
      "{\"type\": \"schemaChanged\", \"schemaVersion\": 1, \"compatibility\": {\"status\": \"degraded\", \"issues\":"
          + " [{\"table\": \"t\", \"column\": \"c\", \"kind\": \"unavailable\", \"reason\": \"r\"}]}}",
      "{\"type\": \"schemaChanged\", \"schemaVersion\": 1, \"compatibility\": {\"status\": \"degraded\", \"issues\":"
          + " [{\"table\": \"t\", \"kind\": \"missing\", \"reason\": \"r\"}]}}",
      "{\"type\": \"schemaChanged\", \"schemaVersion\": 1, \"compatibility\": {\"status\": \"degraded\", \"issues\":"
          + " [{\"table\": \"t\", \"kind\": \"unavailable\", \"reason\": \"r\"},"
          + " {\"table\": \"t\", \"kind\": \"unavailable\", \"reason\": \"again\"}]}}",
      "{\"type\": \"schemaChanged\", \"schemaVersion\": 1, \"compatibility\": {\"status\": \"degraded\", \"issues\":"
          + " [{\"table\": \"t\", \"kind\": \"unavailable\", \"reason\": \"r\", \"severity\": 1}]}}",
      "{\"type\": \"schemaChanged\", \"schemaVersion\": 1, \"compatibility\": {\"status\": \"full\", \"issues\":"
          + " [{\"table\": \"t\", \"column\": \"c\", \"kind\": \"coerced\", \"reason\": \"r\", \"clientType\": 4}]}}",
      // pokes
      "{\"type\": \"pokeStart\", \"pokeID\": \"p\", \"schemaVersion\": 1, \"reset\": false}",
      "{\"type\": \"pokeStart\", \"pokeID\": \"p\", \"baseCookie\": 1, \"schemaVersion\": 1, \"reset\": false}",
      "{\"type\": \"pokeStart\", \"pokeID\": \"p\", \"baseCookie\": null, \"schemaVersion\": 1, \"reset\": \"no\"}",
      "{\"type\": \"pokeStart\", \"pokeID\": null, \"baseCookie\": null, \"schemaVersion\": 1, \"reset\": true}",
      "{\"type\": \"pokeEnd\", \"pokeID\": \"p\"}",
      "{\"type\": \"pokeEnd\", \"pokeID\": \"p\", \"cookie\": null}",
      "{\"type\": \"pokePart\", \"pokeID\": \"p\", \"rows\": []}",
      "{\"type\": \"pokePart\", \"pokeID\": \"p\", \"rows\": {}, \"queries\": []}",
      "{\"type\": \"pokePart\", \"pokeID\": \"p\", \"rows\": [null], \"queries\": []}",
      "{\"type\": \"pokePart\", \"pokeID\": \"p\", \"rows\": [{\"op\": \"upsert\", \"table\": \"t\", \"key\": {}}],"
          + " \"queries\": []}",
      "{\"type\": \"pokePart\", \"pokeID\": \"p\", \"rows\": [{\"op\": \"put\", \"table\": \"t\", \"key\": {}}],"
          + " \"queries\": []}",
      "{\"type\": \"pokePart\", \"pokeID\": \"p\", \"rows\": [{\"op\": \"put\", \"table\": \"t\", \"key\": {},"
          + " \"value\": [1]}], \"queries\": []}",
      "{\"type\": \"pokePart\", \"pokeID\": \"p\", \"rows\": [{\"op\": \"del\", \"table\": \"t\", \"key\": {},"
          + " \"value\": {}}], \"queries\": []}",
      "{\"type\": \"pokePart\", \"pokeID\": \"p\", \"rows\": [{\"op\": \"del\", \"table\": \"t\", \"key\": 7}],"
          + " \"queries\": []}",
      "{\"type\": \"pokePart\", \"pokeID\": \"p\", \"rows\": [{\"op\": \"del\", \"key\": {}}], \"queries\": []}",
      "{\"type\": \"pokePart\", \"pokeID\": \"p\", \"rows\": [], \"queries\": [{\"queryID\": \"q\"}]}",
      "{\"type\": \"pokePart\", \"pokeID\": \"p\", \"rows\": [], \"queries\": [{\"queryID\": \"q\","
          + " \"status\": \"done\"}]}",
      "{\"type\": \"pokePart\", \"pokeID\": \"p\", \"rows\": [], \"queries\": [{\"queryID\": \"q\","
          + " \"status\": \"unavailable\"}]}",
      "{\"type\": \"pokePart\", \"pokeID\": \"p\", \"rows\": [], \"queries\": [{\"queryID\": \"q\","
          + " \"status\": \"complete\", \"reason\": \"r\"}]}",
      "{\"type\": \"pokePart\", \"pokeID\": \"p\", \"rows\": [], \"queries\": [{\"queryID\": \"q\","
          + " \"status\": \"unavailable\", \"reason\": \"r\", \"errors\": [{\"kind\": \"NOPE\", \"path\": \"\","
          + " \"message\": \"m\"}]}]}",
      "{\"type\": \"pokePart\", \"pokeID\": \"p\", \"rows\": [], \"queries\": [{\"queryID\": \"q\","
          + " \"status\": \"unavailable\", \"reason\": \"r\", \"errors\": [{\"kind\": \"MALFORMED\"}]}]}",
      // errors
      "{\"type\": \"error\", \"kind\": \"internal\"}",
      "{\"type\": \"error\", \"kind\": 1, \"message\": \"m\"}",
      "{\"type\": \"error\", \"kind\": \"internal\", \"message\": \"m\", \"details\": [1]}",
      "{\"type\": \"error\", \"kind\": \"internal\", \"message\": \"m\", \"queryID\": 3}",
  })
  void malformedServerMessagesAreFailures(String text) {
    assertThat(failure(text)).isNotBlank();
  }

  @Test
  void failuresSayWhereTheProblemIs() {
    assertThat(failure("{\"type\": \"pokePart\", \"pokeID\": \"p\", \"rows\": [{\"op\": \"del\", \"table\": \"t\","
        + " \"key\": {}}, {\"op\": \"upsert\", \"table\": \"t\", \"key\": {}}], \"queries\": []}"))
        .contains("rows[1].op").contains("upsert");
    assertThat(failure("{\"type\": \"schemaChanged\", \"schemaVersion\": 1, \"compatibility\":"
        + " {\"status\": \"degraded\", \"issues\": []}}")).contains("compatibility.status");
    assertThat(failure("{\"type\": \"nope\"}")).contains("unknown message type");
    assertThat(failure(null)).isEqualTo("no message");
    assertThat(failure("[".repeat(10_000))).startsWith("not JSON");
  }

  @Test
  void compatibilityFromJsonSaysWhatIsWrong() {
    assertThatThrownBy(() -> CompatibilityReport.fromJson(obj("{\"status\": \"full\", \"issues\": [{\"table\": \"t\","
        + " \"kind\": \"missing\", \"reason\": \"r\"}]}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("compatibility.issues[0]");
    assertThatThrownBy(() -> CompatibilityReport.fromJson(null)).isInstanceOf(IllegalArgumentException.class);
    // Unsorted issues are accepted, and sorted.
    CompatibilityReport r = CompatibilityReport.fromJson(obj("{\"status\": \"degraded\", \"issues\": ["
        + "{\"table\": \"z\", \"kind\": \"unavailable\", \"reason\": \"r\"},"
        + "{\"table\": \"a\", \"column\": \"c\", \"kind\": \"missing\", \"reason\": \"r\", \"clientType\": null}]}"));
    assertThat(r.issues()).extracting(Issue::table).containsExactly("a", "z");
  }

  // ---- fuzz

  private static final long SEED = Long.getLong("viewsync.seed", 20240611L);
  private static final int CASES = 5_000;

  @Test
  void mutatedServerMessagesNeverThrowAndWhatReadsRewritesTheSame() throws Exception {
    List<String> valid = new ArrayList<>(List.of(MessageCodecTest.CONNECTED, MessageCodecTest.POKE_START,
        MessageCodecTest.POKE_PART, MessageCodecTest.POKE_END, MessageCodecTest.ERROR_INVALID_QUERY,
        MessageCodecTest.ERROR_UNSUPPORTED, MessageCodecTest.PONG, "{\"type\": \"pong\"}",
        ServerMessage.schemaChanged(13, new CompatibilityReport(List.of())),
        ServerMessage.pokePart("p", List.of(RowOp.del("t", obj("{\"a\": 1}"))), List.of(QueryStatus.unavailable(
            "q", "r", List.of(new QueryError(QueryError.Kind.BAD_LIMIT, "limit", "too big")))))));
    Random random = new Random(SEED);
    int events = 0;
    for (int i = 0; i < CASES; i++) {
      String base = valid.get(random.nextInt(valid.size()));
      String text = random.nextBoolean() ? mutateChars(base, random)
          : MAPPER.writeValueAsString(mutateTree(tree(base), random));
      ServerMessageReader.Parsed p;
      try {
        p = ServerMessageReader.parse(text);
      } catch (Throwable t) {
        throw new AssertionError("seed " + SEED + ", case " + i + " threw on: " + text, t);
      }
      assertThat(p).as("seed %s case %s: %s", SEED, i, text).isNotNull();
      if (p instanceof Failure f) {
        assertThat(f.message()).as(text).doesNotStartWith("the client failed");
      } else {
        events++;
        ServerEvent e = (ServerEvent) p;
        String rewritten = rewrite(e);
        if (rewritten != null) {
          assertThat(ServerMessageReader.parse(rewritten)).as("seed %s case %s: %s", SEED, i, text).isEqualTo(e);
        }
      }
    }
    assertThat(events).as("some mutations are still valid messages").isPositive();
  }

  /** The event written back by the server's writers, or null for an error of a kind they cannot write. */
  private static String rewrite(ServerEvent e) {
    if (e instanceof ServerEvent.Connected c) {
      return ServerMessage.connected(c.protocolVersion(), c.serverVersion(), c.schemaVersion(), c.compatibility());
    } else if (e instanceof ServerEvent.PokeStart s) {
      return ServerMessage.pokeStart(s.pokeID(), s.baseCookie(), s.schemaVersion(), s.reset());
    } else if (e instanceof ServerEvent.PokePart p) {
      return ServerMessage.pokePart(p.pokeID(), p.rows(), p.queries());
    } else if (e instanceof ServerEvent.PokeEnd end) {
      return ServerMessage.pokeEnd(end.pokeID(), end.cookie());
    } else if (e instanceof ServerEvent.SchemaChanged s) {
      return ServerMessage.schemaChanged(s.schemaVersion(), s.compatibility());
    } else if (e instanceof ServerEvent.Error err) {
      return err.toProtocolError().map(ServerMessage::error).orElse(null);
    } else {
      return ServerMessage.pong(((ServerEvent.Pong) e).id());
    }
  }

  private static String mutateChars(String s, Random r) {
    StringBuilder b = new StringBuilder(s);
    int edits = 1 + r.nextInt(4);
    String syntax = "{}[]\",:0123456789.eE-+ \\ntrufalsn";
    for (int e = 0; e < edits; e++) {
      int at = b.length() == 0 ? 0 : r.nextInt(b.length());
      char c = r.nextInt(4) == 0 ? (char) r.nextInt(0x10000) : syntax.charAt(r.nextInt(syntax.length()));
      switch (r.nextInt(3)) {
        case 0 -> {
          if (b.length() > 0) {
            b.deleteCharAt(at);
          }
        }
        case 1 -> b.insert(at, c);
        default -> {
          if (b.length() > 0) {
            b.setCharAt(at, c);
          }
        }
      }
    }
    return b.toString();
  }

  /** Removes, retypes, nulls or adds one field or element somewhere in the tree. */
  private static JsonNode mutateTree(JsonNode root, Random r) {
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    JsonNode target = containers.get(r.nextInt(containers.size()));
    if (target instanceof ObjectNode o && o.size() > 0) {
      List<String> names = new ArrayList<>();
      for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      String name = names.get(r.nextInt(names.size()));
      switch (r.nextInt(4)) {
        case 0 -> o.remove(name);
        case 1 -> o.set(name, randomValue(r));
        case 2 -> o.putNull(name);
        default -> o.set(r.nextBoolean() ? "extra" : name + "x", randomValue(r));
      }
    } else if (target instanceof ArrayNode a) {
      if (a.size() > 0 && r.nextBoolean()) {
        a.set(r.nextInt(a.size()), randomValue(r));
      } else {
        a.add(randomValue(r));
      }
    }
    return root;
  }

  private static void collect(JsonNode node, List<JsonNode> into) {
    if (node.isContainerNode()) {
      into.add(node);
      node.elements().forEachRemaining(child -> collect(child, into));
    }
  }

  private static JsonNode randomValue(Random r) {
    return switch (r.nextInt(9)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(r.nextBoolean());
      case 2 -> NODES.numberNode(r.nextInt(5) - 2);
      case 3 -> NODES.numberNode(r.nextLong());
      case 4 -> NODES.numberNode(r.nextDouble());
      case 5 -> NODES.textNode(List.of("put", "del", "full", "degraded", "missing", "complete", "unavailable",
          "internal", "", "\ud800").get(r.nextInt(10)));
      case 6 -> NODES.objectNode();
      case 7 -> NODES.arrayNode();
      default -> NODES.objectNode().put("id", r.nextInt(10));
    };
  }

  private static Map<String, String> linked(String... kv) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
