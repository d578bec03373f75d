package io.viewsync.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.ivm.Row;
import io.viewsync.core.view.RowPatch;
import org.junit.jupiter.api.Test;

/** Rows as a degraded client receives them: its declared columns only, in its order, by the server's types. */
class ClientViewTest {
  private static final String OLD_CLIENT = """
      {"tables": {
        "issues": {"columns": {"status": {"type": "text"}, "id": {"type": "int4"}, "due": {"type": "date"},
                               "created": {"type": "timestamptz"}}, "primaryKey": ["id"]},
        "labels": {"columns": {"issue_id": {"type": "int8"}, "name": {"type": "int4"}}, "primaryKey": ["issue_id", "name"]},
        "gone": {"columns": {"id": {"type": "int8"}}, "primaryKey": ["id"]}}}
      """;

  private final ClientSchema client = ServerSchema.client(OLD_CLIENT);
  private final ClientView view = ClientView.of(client, Compatibility.report(client, ServerSchema.SCHEMA));

  private static Row issue(long id) {
    return Row.of("id", id, "title", "t", "status", "open", "priority", null, "created", 1_700_000_000_000_000L,
        "owner_id", 9_007_199_254_740_993L, "tags", "[\"a\"]", "meta", "{}", "estimate", "1.50");
  }

  @Test
  void aPutCarriesExactlyTheDeclaredColumnsInTheClientsOrderWithMissingOnesNull() {
    ServerMessage.RowOp op = view.rowOp(new RowPatch("issues", Row.of("id", 7L), issue(7)), ServerSchema.ISSUES);
    assertThat(op.key().toString()).isEqualTo("{\"id\":7}");
    assertThat(op.value().toString()).as("status, id (coerced int8 → int4: sent as int8), due (missing), created")
        .isEqualTo("{\"status\":\"open\",\"id\":7,\"due\":null,\"created\":1700000000000000}");
  }

  @Test
  void aDeleteCarriesTheKeyOnly() {
    ServerMessage.RowOp op = view.rowOp(new RowPatch("issues", Row.of("id", 7L), null), ServerSchema.ISSUES);
    assertThat(op.op()).isEqualTo(ServerMessage.RowOp.Op.DEL);
    assertThat(op.key().toString()).isEqualTo("{\"id\":7}");
    assertThat(op.value()).isNull();
  }

  @Test
  void nothingIsSentOfATableTheClientCannotReceive() {
    // labels: the client's key column "name" is int4 where the server has text: the table is unavailable.
    assertThat(view.isAvailable("labels")).isFalse();
    assertThat(view.rowOp(new RowPatch("labels", Row.of("issue_id", 1L, "name", "bug"),
        Row.of("issue_id", 1L, "name", "bug", "color", "red")), ServerSchema.LABELS)).isNull();
    assertThat(view.rowOp(new RowPatch("users", Row.of("id", 1L), Row.of("id", 1L, "name", "n", "email", null)),
        ServerSchema.USERS)).as("a table the client did not declare").isNull();
  }

  @Test
  void aDeleteGoesToADeclaredTableEvenWhenItIsUnavailableNow() {
    // The client may hold rows of a table that became unavailable (renamed upstream): their deletes must reach it.
    ServerMessage.RowOp del = view.rowOp(new RowPatch("labels", Row.of("issue_id", 1L, "name", "bug"), null),
        ServerSchema.LABELS);
    assertThat(del).isNotNull();
    assertThat(del.op()).isEqualTo(ServerMessage.RowOp.Op.DEL);
    assertThat(view.rowOp(new RowPatch("users", Row.of("id", 1L), null), ServerSchema.USERS))
        .as("not a declared table").isNull();
  }
}
