package io.viewsync.client;

import static io.viewsync.client.Wire.comment;
import static io.viewsync.client.Wire.del;
import static io.viewsync.client.Wire.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewsync.core.ivm.Row;
import io.viewsync.core.protocol.ClientMessageWriter;
import io.viewsync.core.protocol.ClientSchema;
import io.viewsync.core.protocol.CompatibilityReport;
import io.viewsync.core.protocol.ServerMessage;
import io.viewsync.core.protocol.ServerMessage.QueryStatus;
import io.viewsync.core.protocol.ServerMessage.RowOp;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.QueryJson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The poke-applying core without a socket: server messages written by sync-core's {@link ServerMessage} go in, the
 * rows held, the cookie and the queries' results come out. A poke is applied whole at its end or not at all.
 */
class SyncStateTest {
  private final DeclaredSchema schema = new DeclaredSchema(Wire.SCHEMA);
  private SyncState state;

  @BeforeEach
  void connect() {
    state = new SyncState(schema, null);
    state.connected((io.viewsync.core.protocol.ServerEvent.Connected) Wire.event(Wire.connected()));
  }

  private boolean feed(List<String> messages) {
    boolean applied = false;
    for (String m : messages) {
      applied = state.poke(Wire.event(m));
    }
    return applied;
  }

  private LiveQuery subscribe(String id, String json) {
    Query q = QueryJson.parse(json).orElseThrow();
    LiveQuery handle = new LiveQuery(id, q, ClientMessageWriter.subscribe(id, q), Runnable::run, h -> { });
    state.add(new QueryView(handle, schema.normalize(schema.check(q))));
    return handle;
  }

  private static List<Long> ids(List<QueryRow> rows) {
    return rows.stream().map(r -> (Long) r.get("id")).toList();
  }

  @Test
  void aPokeChangesNothingUntilItsEndThenEverythingAtOnce() {
    LiveQuery all = subscribe("all", "{\"table\": \"items\"}");
    List<String> poke = Wire.poke("p1", null, true, "c1", List.of(item(1, "one", 1), item(2, "two", 2)), List.of());
    state.poke(Wire.event(poke.get(0)));
    state.poke(Wire.event(poke.get(1)));
    assertThat(state.rows("items")).as("after the part, before the end").isEmpty();
    assertThat(all.rows()).isEmpty();
    assertThat(state.cookie()).isNull();

    assertThat(state.poke(Wire.event(poke.get(2)))).isTrue();
    assertThat(state.rows("items")).containsExactlyInAnyOrder(Row.of("id", 1L, "name", "one", "rank", 1L),
        Row.of("id", 2L, "name", "two", "rank", 2L));
    assertThat(ids(all.rows())).containsExactly(1L, 2L);
    assertThat(state.cookie()).isEqualTo("c1");
    assertThat(state.stats()).isEqualTo(new SyncStats(1, 1, 1, 2, 2, 2));
  }

  @Test
  void partsOfOnePokeAreAppliedTogetherInOrder() {
    List<String> messages = List.of(ServerMessage.pokeStart("p1", null, 7, true),
        ServerMessage.pokePart("p1", List.of(item(1, "one", 1)), List.of()),
        ServerMessage.pokePart("p1", List.of(item(1, "uno", 1), item(2, "two", 2)), List.of()),
        ServerMessage.pokePart("p1", List.of(del("items", 2)), List.of()),
        ServerMessage.pokeEnd("p1", "c1"));
    assertThat(feed(messages)).isTrue();
    assertThat(state.rows("items")).containsExactly(Row.of("id", 1L, "name", "uno", "rank", 1L));
  }

  @Test
  void aResetClearsEveryRowBeforeItsOwn() {
    feed(Wire.poke("p1", null, true, "c1", List.of(item(1, "one", 1), comment(10, 1, "hi")), List.of()));
    LiveQuery all = subscribe("all", "{\"table\": \"items\"}");
    feed(Wire.poke("p2", null, true, "c2", List.of(item(2, "two", 2)), List.of()));
    assertThat(state.rows("items")).containsExactly(Row.of("id", 2L, "name", "two", "rank", 2L));
    assertThat(state.rows("comments")).isEmpty();
    assertThat(ids(all.rows())).as("the views read the new rows").containsExactly(2L);
    assertThat(state.cookie()).isEqualTo("c2");
    assertThat(state.stats().resets()).isEqualTo(2);
  }

  @Test
  void aDelOfARowNotHeldIsIgnored() {
    feed(Wire.poke("p1", null, true, "c1", List.of(item(1, "one", 1)), List.of()));
    assertThat(feed(Wire.poke("p2", "c1", false, "c2", List.of(del("items", 99), del("comments", 1)), List.of())))
        .isTrue();
    assertThat(state.rows("items")).containsExactly(Row.of("id", 1L, "name", "one", "rank", 1L));
    assertThat(state.cookie()).isEqualTo("c2");
    assertThat(state.stats().rowsReceived()).as("received, if not held").isEqualTo(3);
  }

  @Test
  void aPokeForAnotherCookieIsOutOfStepAndChangesNothing() {
    LiveQuery all = subscribe("all", "{\"table\": \"items\"}");
    feed(Wire.poke("p1", null, true, "c1", List.of(item(1, "one", 1)), List.of()));
    QueryResult before = all.result();
    assertThatThrownBy(() -> feed(Wire.poke("p2", "c0", false, "c2", List.of(del("items", 1)), List.of())))
        .isInstanceOfSatisfying(ProtocolViolation.class, v -> {
          assertThat(v.kind()).isEqualTo(ProtocolViolation.OUT_OF_STEP);
          assertThat(v.getMessage()).contains("c0").contains("c1");
        });
    assertThat(state.cookie()).isEqualTo("c1");
    assertThat(state.rows("items")).hasSize(1);
    assertThat(all.result()).isSameAs(before);
  }

  @Test
  void aResetAppliesWhateverTheBaseCookie() {
    feed(Wire.poke("p1", null, true, "c1", List.of(item(1, "one", 1)), List.of()));
    assertThat(feed(Wire.poke("p2", "elsewhere", true, "c9", List.of(item(3, "three", 3)), List.of()))).isTrue();
    assertThat(state.cookie()).isEqualTo("c9");
  }

  @Test
  void aRowTheClientCannotHoldRejectsTheWholePoke() {
    feed(Wire.poke("p1", null, true, "c1", List.of(item(1, "one", 1)), List.of()));
    RowOp undeclared = RowOp.put("labels", Wire.json("{\"id\": 1}"), Wire.json("{\"id\": 1}"));
    RowOp missingColumn = RowOp.put("items", Wire.json("{\"id\": 5}"), Wire.json("{\"id\": 5, \"name\": \"x\"}"));
    RowOp badValue = RowOp.put("items", Wire.json("{\"id\": 6}"),
        Wire.json("{\"id\": 6, \"name\": 6, \"rank\": 1}"));
    RowOp keyNotValue = RowOp.put("items", Wire.json("{\"id\": 7}"),
        Wire.json("{\"id\": 8, \"name\": \"x\", \"rank\": 1}"));
    for (RowOp bad : List.of(undeclared, missingColumn, badValue, keyNotValue)) {
      assertThatThrownBy(() -> feed(Wire.poke("p2", "c1", false, "c2", List.of(del("items", 1), bad), List.of())))
          .as("%s", bad).isInstanceOfSatisfying(ProtocolViolation.class,
              v -> assertThat(v.kind()).isEqualTo(ProtocolViolation.PROTOCOL));
      assertThat(state.rows("items")).as("the del before it was not applied either").hasSize(1);
      assertThat(state.cookie()).isEqualTo("c1");
    }
  }

  @Test
  void pokeMessagesOutOfOrderAreViolations() {
    assertThatThrownBy(() -> state.poke(Wire.event(ServerMessage.pokeEnd("p1", "c1"))))
        .isInstanceOf(ProtocolViolation.class).hasMessageContaining("without a pokeStart");
    state.poke(Wire.event(ServerMessage.pokeStart("p1", null, 7, true)));
    assertThatThrownBy(() -> state.poke(Wire.event(ServerMessage.pokePart("p2", List.of(), List.of()))))
        .isInstanceOf(ProtocolViolation.class).hasMessageContaining("inside poke p1");
    assertThatThrownBy(() -> state.poke(Wire.event(ServerMessage.pokeStart("p3", null, 7, true))))
        .isInstanceOf(ProtocolViolation.class).hasMessageContaining("while poke p1 is open");
    state.disconnected();
    assertThat(feed(Wire.poke("p4", null, true, "c4", List.of(), List.of())))
        .as("a new connection starts with no poke open").isTrue();
  }

  @Test
  void aQueryIsOrderedFilteredAndLimitedAsTheServerDoes() {
    LiveQuery top = subscribe("top", """
        {"table": "items", "where": {"type": "cmp", "column": "rank", "op": ">", "value": 0},
         "orderBy": [["rank", "desc"]], "limit": 2}""");
    feed(Wire.poke("p1", null, true, "c1",
        List.of(item(1, "a", 5), item(2, "b", 9), item(3, "c", 7), item(4, "d", -1), item(5, "e", 7)),
        List.of(QueryStatus.complete("top"))));
    assertThat(top.status()).isEqualTo(QueryResult.Status.COMPLETE);
    assertThat(ids(top.rows())).as("rank desc, ties by the key ascending").containsExactly(2L, 3L);

    feed(Wire.poke("p2", "c1", false, "c2", List.of(del("items", 2), item(4, "d", 8)), List.of()));
    assertThat(ids(top.rows())).containsExactly(4L, 3L);
  }

  @Test
  void relatedRowsHangUnderTheirParentInTheirOwnOrderAndLimit() {
    LiveQuery withComments = subscribe("with", """
        {"table": "items", "orderBy": [["id", "asc"]],
         "related": [{"name": "comments", "correlation": {"parent": ["id"], "child": ["item_id"]},
                      "query": {"table": "comments", "orderBy": [["id", "desc"]], "limit": 2}}]}""");
    feed(Wire.poke("p1", null, true, "c1", List.of(item(1, "a", 1), item(2, "b", 2), comment(10, 1, "x"),
        comment(11, 1, "y"), comment(12, 1, "z"), comment(13, 3, "orphan")), List.of()));
    List<QueryRow> rows = withComments.rows();
    assertThat(ids(rows)).containsExactly(1L, 2L);
    assertThat(ids(rows.get(0).related("comments"))).containsExactly(12L, 11L);
    assertThat(rows.get(1).related("comments")).isEmpty();
    assertThat(withComments.result().allRows()).hasSize(4);
  }

  @Test
  void listenersHearOnlyOfChangesToTheirQuery() {
    LiveQuery top = subscribe("top", "{\"table\": \"items\", \"orderBy\": [[\"rank\", \"desc\"]], \"limit\": 1}");
    List<QueryResult> heard = new ArrayList<>();
    top.onChange(heard::add);
    assertThat(heard).as("the current result at once").containsExactly(QueryResult.LOADING_EMPTY);
    feed(Wire.poke("p1", null, true, "c1", List.of(item(1, "a", 5), item(2, "b", 1)), List.of()));
    assertThat(heard).hasSize(2);
    feed(Wire.poke("p2", "c1", false, "c2", List.of(item(2, "b", 2), comment(10, 1, "x")), List.of()));
    assertThat(heard).as("a row outside the window, a table the query does not read").hasSize(2);
    feed(Wire.poke("p3", "c2", false, "c3", List.of(), List.of(QueryStatus.complete("top"))));
    assertThat(heard).as("a status change is a change").hasSize(3);
    assertThat(heard.get(2).status()).isEqualTo(QueryResult.Status.COMPLETE);
    feed(Wire.poke("p4", "c3", false, "c4", List.of(item(2, "b", 6)), List.of()));
    assertThat(heard).hasSize(4);
    assertThat(ids(heard.get(3).rows())).containsExactly(2L);
  }

  @Test
  void anUnavailableQueryHasNoRowsAndSaysWhy() {
    LiveQuery all = subscribe("all", "{\"table\": \"items\"}");
    feed(Wire.poke("p1", null, true, "c1", List.of(item(1, "a", 1)),
        List.of(QueryStatus.unavailable("all", "it sorts on rank, which the server lacks", List.of()),
            QueryStatus.complete("someone-elses"))));
    assertThat(all.result()).isEqualTo(new QueryResult(QueryResult.Status.UNAVAILABLE,
        "it sorts on rank, which the server lacks", List.of(), List.of()));
  }

  @Test
  void aCoercedColumnIsReadInTheServerTypesEncoding() {
    ClientSchema older = ClientSchema.parse("""
        {"tables": {"items": {"columns": {"id": {"type": "int4"}, "at": {"type": "timestamp"}},
                              "primaryKey": ["id"]}}}""").orElseThrow();
    DeclaredSchema declared = new DeclaredSchema(older);
    CompatibilityReport report = new CompatibilityReport(List.of(
        new CompatibilityReport.Issue("items", "id", CompatibilityReport.Kind.COERCED, "int8 on the server", "int4",
            "int8"),
        new CompatibilityReport.Issue("items", "at", CompatibilityReport.Kind.COERCED, "timestamptz on the server",
            "timestamp", "timestamptz")));
    SyncState s = new SyncState(declared, null);
    s.connected((io.viewsync.core.protocol.ServerEvent.Connected) Wire.event(Wire.connected(report)));
    // Beyond 2^53 an int8 travels as a string, which an int4 column would refuse.
    RowOp big = RowOp.put("items", Wire.json("{\"id\": \"9007199254740993\"}"),
        Wire.json("{\"id\": \"9007199254740993\", \"at\": 1700000000000000}"));
    for (String m : Wire.poke("p1", null, true, "c1", List.of(big), List.of())) {
      s.poke(Wire.event(m));
    }
    assertThat(s.rows("items")).containsExactly(Row.of("id", 9007199254740993L, "at", 1700000000000000L));
  }

  @Test
  void aMissingColumnArrivesAsNull() {
    CompatibilityReport report = new CompatibilityReport(List.of(new CompatibilityReport.Issue("items", "rank",
        CompatibilityReport.Kind.MISSING, "no column rank on the server", "int4", null)));
    SyncState s = new SyncState(schema, null);
    s.connected((io.viewsync.core.protocol.ServerEvent.Connected) Wire.event(Wire.connected(report)));
    RowOp row = RowOp.put("items", Wire.json("{\"id\": 1}"), Wire.json("{\"id\": 1, \"name\": \"a\", \"rank\": null}"));
    for (String m : Wire.poke("p1", null, true, "c1", List.of(row), List.of())) {
      s.poke(Wire.event(m));
    }
    assertThat(s.rows("items")).containsExactly(Row.of("id", 1L, "name", "a", "rank", null));
  }

  @Test
  void aPokeBeforeConnectedIsAViolation() {
    SyncState fresh = new SyncState(schema, "c0");
    assertThatThrownBy(() -> {
      for (String m : Wire.poke("p1", "c0", false, "c1", List.of(), List.of())) {
        fresh.poke(Wire.event(m));
      }
    }).isInstanceOf(ProtocolViolation.class).hasMessageContaining("before connected");
  }

  @Test
  void rowsSinceConnectCountsFromTheLastConnected() {
    feed(Wire.poke("p1", null, true, "c1", List.of(item(1, "a", 1), item(2, "b", 2)), List.of()));
    state.connected((io.viewsync.core.protocol.ServerEvent.Connected) Wire.event(Wire.connected()));
    feed(Wire.poke("p2", "c1", false, "c2", List.of(item(1, "a", 3)), List.of()));
    assertThat(state.stats()).isEqualTo(new SyncStats(2, 2, 1, 3, 1, 2));
  }
}
