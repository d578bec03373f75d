package io.viewsync.core.protocol;

import static io.viewsync.core.protocol.ServerSchema.SCHEMA;
import static io.viewsync.core.protocol.ServerSchema.client;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.viewsync.core.protocol.CompatibilityReport.Issue;
import io.viewsync.core.protocol.CompatibilityReport.Kind;
import io.viewsync.core.protocol.CompatibilityReport.Status;
import io.viewsync.core.schema.TableSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompatibilityTest {

  private static CompatibilityReport report(String clientJson) {
    return Compatibility.report(client(clientJson), SCHEMA);
  }

  /** The identical declaration with {@code from} replaced by {@code to} (must occur exactly once). */
  private static String edit(String from, String to) {
    String json = ServerSchema.IDENTICAL;
    assertThat(json.indexOf(from)).as(from).isNotNegative().isEqualTo(json.lastIndexOf(from));
    return json.replace(from, to);
  }

  @Test
  void anIdenticalClientIsFullWithoutIssuesAndServerOnlyTablesAreNotReported() {
    CompatibilityReport report = report(ServerSchema.IDENTICAL);

    assertThat(report.status()).isEqualTo(Status.FULL);
    assertThat(report.issues()).isEmpty();
    assertThat(report.write()).isEqualTo("{\"status\":\"full\",\"issues\":[]}");
  }

  @Test
  void anOlderClientMissingServerColumnsAndTablesIsFull() {
    CompatibilityReport report = report("""
        {"tables": {"users": {"columns": {"id": {"type": "int8"}, "name": {"type": "text"}}, "primaryKey": ["id"]}}}
        """);

    assertThat(report.status()).isEqualTo(Status.FULL);
    assertThat(report.issues()).isEmpty();
  }

  @Test
  void aColumnDroppedOnTheServerIsMissing() {
    Map<String, TableSpec> server = new HashMap<>(SCHEMA);
    TableSpec users = SCHEMA.get("users");
    server.put("users", new TableSpec(users.name(), users.oid(), users.columns().subList(0, 2), users.keyColumns(),
        users.keySource(), null));
    CompatibilityReport report = Compatibility.report(client(ServerSchema.IDENTICAL), server);

    assertThat(report.status()).isEqualTo(Status.DEGRADED);
    assertThat(report.issues()).containsExactly(new Issue("users", "email", Kind.MISSING,
        "Column users.email is not on the server; rows carry null for it.", "text", null));
  }

  @Test
  void aRenamedTableIsUnavailable() {
    CompatibilityReport report = report(edit("\"users\": {", "\"people\": {"));

    assertThat(report.issues()).containsExactly(new Issue("people", null, Kind.UNAVAILABLE,
        "Table people is not on the server.", null, null));
    assertThat(report.status()).isEqualTo(Status.DEGRADED);
  }

  @Test
  void aWidenedIntegerIsCoercedAndTheClientStaysFull() {
    CompatibilityReport report = report(edit("\"priority\": {\"type\": \"int8\"}", "\"priority\": {\"type\": \"int4\"}"));

    assertThat(report.issues()).containsExactly(new Issue("issues", "priority", Kind.COERCED,
        "Column issues.priority is int8 on the server, int4 declared; values are sent as the server has them.",
        "int4", "int8"));
    assertThat(report.status()).isEqualTo(Status.FULL);
  }

  @Test
  void anIncompatibleTypeIsMissingWithBothTypes() {
    CompatibilityReport report = report(edit("\"title\": {\"type\": \"text\"}", "\"title\": {\"type\": \"int4\"}"));

    assertThat(report.issues()).containsExactly(new Issue("issues", "title", Kind.MISSING,
        "Column issues.title has type text on the server, int4 declared; rows carry null for it.", "int4", "text"));
    assertThat(report.status()).isEqualTo(Status.DEGRADED);
  }

  @Test
  void aDifferentKeyMakesTheTableUnavailable() {
    CompatibilityReport report = report(edit("\"primaryKey\": [\"issue_id\", \"name\"]", "\"primaryKey\": [\"name\"]"));

    assertThat(report.issues()).containsExactly(new Issue("labels", null, Kind.UNAVAILABLE,
        "The declared primary key (name) of table labels is not its key on the server (issue_id, name).", null,
        null));
  }

  @Test
  void theSameKeyInAnotherOrderIsFine() {
    assertThat(report(edit("\"primaryKey\": [\"issue_id\", \"name\"]", "\"primaryKey\": [\"name\", \"issue_id\"]"))
        .issues()).isEmpty();
  }

  @Test
  void aKeyColumnOfAnIncompatibleTypeMakesTheTableUnavailableAndACoercibleOneIsCoerced() {
    CompatibilityReport incompatible = report(edit("\"users\": {\"columns\": {\"id\": {\"type\": \"int8\"}",
        "\"users\": {\"columns\": {\"id\": {\"type\": \"uuid\"}"));
    CompatibilityReport coerced = report(edit("\"users\": {\"columns\": {\"id\": {\"type\": \"int8\"}",
        "\"users\": {\"columns\": {\"id\": {\"type\": \"int4\"}"));

    assertThat(incompatible.issues()).containsExactly(new Issue("users", null, Kind.UNAVAILABLE,
        "Key column users.id has type int8 on the server, uuid declared.", null, null));
    assertThat(coerced.issues()).extracting(Issue::table, Issue::column, Issue::kind)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("users", "id", Kind.COERCED));
  }

  @Test
  void anUnsyncableTableIsUnavailableWithTheServersReason() {
    CompatibilityReport report = report("""
        {"tables": {"audit": {"columns": {"at": {"type": "timestamptz"}, "msg": {"type": "text"}},
                              "primaryKey": ["at"]}}}
        """);

    assertThat(report.issues()).containsExactly(new Issue("audit", null, Kind.UNAVAILABLE,
        "Table audit cannot be synced: no primary key or usable unique index.", null, null));
  }

  @Test
  void anUnavailableTableHasNoColumnIssues() {
    Map<String, TableSpec> server = new HashMap<>(SCHEMA);
    server.put("users", SCHEMA.get("users").unsyncable("its key was dropped"));
    CompatibilityReport report = Compatibility.report(client(edit("\"email\": {\"type\": \"text\"}",
        "\"email\": {\"type\": \"int4\"}, \"avatar\": {\"type\": \"text\"}")), server);

    assertThat(report.issues()).extracting(Issue::table, Issue::column, Issue::kind)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("users", null, Kind.UNAVAILABLE));
  }

  @Test
  void issuesAreSortedByTableThenColumnWithTheTableIssueFirstAndTheJsonLeavesNullsOut() throws Exception {
    // Declared in another order than the issues come out.
    CompatibilityReport report = report("""
        {"tables": {
          "users": {"columns": {"id": {"type": "int8"}, "name": {"type": "text"}}, "primaryKey": ["name"]},
          "issues": {"columns": {"title": {"type": "varchar"}, "id": {"type": "int8"}, "body": {"type": "text"},
                                 "estimate": {"type": "float8"}, "created": {"type": "timestamp"}},
                     "primaryKey": ["id"]},
          "archive": {"columns": {"id": {"type": "int8"}}, "primaryKey": ["id"]}}}
        """);

    assertThat(report.issues()).extracting(Issue::table, Issue::column, Issue::kind).containsExactly(
        org.assertj.core.groups.Tuple.tuple("archive", null, Kind.UNAVAILABLE),
        org.assertj.core.groups.Tuple.tuple("issues", "body", Kind.MISSING),
        org.assertj.core.groups.Tuple.tuple("issues", "created", Kind.COERCED),
        org.assertj.core.groups.Tuple.tuple("issues", "estimate", Kind.MISSING),
        org.assertj.core.groups.Tuple.tuple("issues", "title", Kind.COERCED),
        org.assertj.core.groups.Tuple.tuple("users", null, Kind.UNAVAILABLE));
    assertThat(new ObjectMapper().readTree(report.write())).isEqualTo(new ObjectMapper().readTree("""
        {"status": "degraded", "issues": [
          {"table": "archive", "kind": "unavailable", "reason": "Table archive is not on the server."},
          {"table": "issues", "column": "body", "kind": "missing",
           "reason": "Column issues.body is not on the server; rows carry null for it.", "clientType": "text"},
          {"table": "issues", "column": "created", "kind": "coerced",
           "reason": "Column issues.created is timestamptz on the server, timestamp declared; values are sent as the server has them.",
           "clientType": "timestamp", "serverType": "timestamptz"},
          {"table": "issues", "column": "estimate", "kind": "missing",
           "reason": "Column issues.estimate has type numeric on the server, float8 declared; rows carry null for it.",
           "clientType": "float8", "serverType": "numeric"},
          {"table": "issues", "column": "title", "kind": "coerced",
           "reason": "Column issues.title is text on the server, varchar declared; values are sent as the server has them.",
           "clientType": "varchar", "serverType": "text"},
          {"table": "users", "kind": "unavailable",
           "reason": "The declared primary key (name) of table users is not its key on the server (id)."}]}
        """));
  }

  @ParameterizedTest(name = "{0} declared, {1} on the server: coercible {2}")
  @CsvSource({
      "int2, int4, true", "int4, int8, true", "int8, int2, true", "float4, float8, true", "varchar, text, true",
      "text, varchar, true", "timestamp, timestamptz, true", "json, jsonb, true", "_int4, _int8, true",
      "_varchar, _text, true", "_timestamptz, _timestamp, true",
      "text, bpchar, false", "bpchar, varchar, false", "name, text, false", "int4, numeric, false",
      "int8, float8, false", "date, timestamp, false", "uuid, text, false", "time, timetz, false",
      "bool, int2, false", "int4, _int4, false", "_int4, int4, false", "_int4, _text, false", "int8, int8, false",
      "my_enum, text, false"})
  void theCoercionTable(String client, String server, boolean coercible) {
    assertThat(Compatibility.coercible(client, server)).isEqualTo(coercible);
  }

  @Test
  void bpcharAgainstTextIsMissingNotCoerced() {
    CompatibilityReport report = report(edit("\"color\": {\"type\": \"bpchar\"}", "\"color\": {\"type\": \"text\"}"));

    assertThat(report.issues()).extracting(Issue::kind, Issue::serverType).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Kind.MISSING, "bpchar"));
  }

  @Test
  void theClientViewKeepsTheDeclaredOrderWithMissingColumnsAndWithoutServerOnlyOnes() {
    ClientSchema client = client("""
        {"tables": {
          "users": {"columns": {"name": {"type": "text"}, "avatar": {"type": "text"}, "id": {"type": "int4"}},
                    "primaryKey": ["id"]},
          "people": {"columns": {"id": {"type": "int8"}}, "primaryKey": ["id"]}}}
        """);
    ClientView view = ClientView.of(client, Compatibility.report(client, SCHEMA));

    assertThat(view.isAvailable("users")).isTrue();
    assertThat(view.isAvailable("people")).isFalse();
    assertThat(view.isAvailable("milestones")).as("not declared").isFalse();
    assertThat(view.columnsFor("users")).containsExactly(new ClientView.Column("name", "text", false),
        new ClientView.Column("avatar", "text", true), new ClientView.Column("id", "int4", false));
    assertThat(view.columnsFor("people")).isEmpty();
    assertThat(view.columnsFor("milestones")).isEmpty();
  }

  @Test
  void theReportIsAValueWhateverTheOrderOfItsIssues() {
    Issue a = new Issue("a", null, Kind.UNAVAILABLE, "x", null, null);
    Issue b = new Issue("b", "c", Kind.MISSING, "y", "text", null);

    assertThat(new CompatibilityReport(List.of(b, a))).isEqualTo(new CompatibilityReport(List.of(a, b)));
    assertThat(new CompatibilityReport(List.of(b, a)).issues()).containsExactly(a, b);
  }
}
