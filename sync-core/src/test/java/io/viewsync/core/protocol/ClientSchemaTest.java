package io.viewsync.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.query.QueryError;
import io.viewsync.core.query.QueryError.Kind;
import io.viewsync.core.query.Result;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ClientSchemaTest {

  private static List<QueryError> errors(String json) {
    Result<ClientSchema> result = ClientSchema.parse(json);
    assertThat(result.isOk()).as("parsed %s", json).isFalse();
    assertThat(result.errors()).allSatisfy(e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED));
    return result.errors();
  }

  @Test
  void parsesTablesColumnsAndKeysInTheDeclaredOrder() {
    ClientSchema schema = ClientSchema.parse("""
        {"tables": {
          "users": {"columns": {"name": {"type": "text"}, "id": {"type": "int8"}}, "primaryKey": ["id"]},
          "s.labels": {"columns": {"name": {"type": "text"}, "issue_id": {"type": "int8"}, "tags": {"type": "_text"}},
                       "primaryKey": ["issue_id", "name"]}}}
        """).orElseThrow();

    assertThat(schema.tables().keySet()).containsExactly("users", "s.labels");
    ClientSchema.Table labels = schema.table("s.labels");
    assertThat(labels.columns().keySet()).containsExactly("name", "issue_id", "tags");
    assertThat(labels.columns()).containsEntry("tags", "_text");
    assertThat(labels.primaryKey()).containsExactly("issue_id", "name");
    assertThat(labels.type("nope")).isNull();
    assertThat(schema).isEqualTo(ClientSchema.of(
        new ClientSchema.Table("users", Map.of("id", "int8", "name", "text"), List.of("id")),
        new ClientSchema.Table("s.labels", Map.of("name", "text", "issue_id", "int8", "tags", "_text"),
            List.of("issue_id", "name"))));
  }

  @Test
  void noTablesIsAValidDeclaration() {
    assertThat(ClientSchema.parse("{\"tables\": {}}").orElseThrow().tables()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "'' | '' | empty input",
      "{\"tables\": | '' | not JSON",
      "{\"tables\": {}} x | '' | not JSON",
      "[] | '' | must be an object",
      "{} | tables | missing",
      "{\"tables\": {}, \"version\": 1} | version | unknown field",
      "{\"tables\": []} | tables | must be an object",
      "{\"tables\": {}, \"tables\": {}} | '' | not JSON",
      "{\"tables\": {\"t\": 1}} | tables.t | must be an object",
      "{\"tables\": {\"\": {\"columns\": {\"a\": {\"type\": \"int8\"}}, \"primaryKey\": [\"a\"]}}} | tables. | name must not be empty",
      "{\"tables\": {\"t\": {\"primaryKey\": [\"a\"]}}} | tables.t.columns | missing",
      "{\"tables\": {\"t\": {\"columns\": {\"a\": {\"type\": \"int8\"}}}}} | tables.t.primaryKey | missing",
      "{\"tables\": {\"t\": {\"columns\": {\"a\": {\"type\": \"int8\"}}, \"primaryKey\": [\"a\"], \"x\": 1}}} | tables.t.x | unknown field",
      "{\"tables\": {\"t\": {\"columns\": [\"a\"], \"primaryKey\": [\"a\"]}}} | tables.t.columns | must be an object",
      "{\"tables\": {\"t\": {\"columns\": {\"a\": \"int8\"}, \"primaryKey\": [\"a\"]}}} | tables.t.columns.a | must be an object",
      "{\"tables\": {\"t\": {\"columns\": {\"a\": {}}, \"primaryKey\": [\"a\"]}}} | tables.t.columns.a.type | missing",
      "{\"tables\": {\"t\": {\"columns\": {\"a\": {\"type\": \"int8\", \"notNull\": true}}, \"primaryKey\": [\"a\"]}}} | tables.t.columns.a.notNull | unknown field",
      "{\"tables\": {\"t\": {\"columns\": {\"a\": {\"type\": 20}}, \"primaryKey\": [\"a\"]}}} | tables.t.columns.a.type | must be a string",
      "{\"tables\": {\"t\": {\"columns\": {\"a\": {\"type\": \"\"}}, \"primaryKey\": [\"a\"]}}} | tables.t.columns.a.type | type name must not be empty",
      "{\"tables\": {\"t\": {\"columns\": {\"a\": {\"type\": \"int4[]\"}}, \"primaryKey\": [\"a\"]}}} | tables.t.columns.a.type | \"_int4\", not \"int4[]\"",
      "{\"tables\": {\"t\": {\"columns\": {\"a\": {\"type\": \"int8\"}}, \"primaryKey\": []}}} | tables.t.primaryKey | at least one column",
      "{\"tables\": {\"t\": {\"columns\": {\"a\": {\"type\": \"int8\"}}, \"primaryKey\": \"a\"}}} | tables.t.primaryKey | must be an array",
      "{\"tables\": {\"t\": {\"columns\": {\"a\": {\"type\": \"int8\"}}, \"primaryKey\": [1]}}} | tables.t.primaryKey[0] | must be a column name",
      "{\"tables\": {\"t\": {\"columns\": {\"a\": {\"type\": \"int8\"}}, \"primaryKey\": [\"a\", \"a\"]}}} | tables.t.primaryKey[1] | repeated",
      "{\"tables\": {\"t\": {\"columns\": {\"a\": {\"type\": \"int8\"}}, \"primaryKey\": [\"a\", \"b\"]}}} | tables.t.primaryKey[1] | not among the declared columns",
  })
  void everyMalformedShapeIsMalformedWithItsPath(String json, String path, String message) {
    assertThat(errors(json)).anySatisfy(e -> {
      assertThat(e.path()).isEqualTo(path);
      assertThat(e.message()).contains(message);
    });
  }

  @Test
  void everyBadTableIsReportedNotOnlyTheFirst() {
    assertThat(errors("""
        {"tables": {"a": {"columns": {"x": {"type": 1}}, "primaryKey": ["x"]},
                    "b": {"columns": {"y": {"type": "int8"}}, "primaryKey": ["z"]}}}
        """)).extracting(QueryError::path).containsExactly("tables.a.columns.x.type", "tables.b.primaryKey[0]");
  }

  @Test
  void theNumberOfTablesIsLimited() {
    String table = "{\"columns\": {\"id\": {\"type\": \"int8\"}}, \"primaryKey\": [\"id\"]}";
    String atLimit = IntStream.range(0, ClientSchema.MAX_TABLES)
        .mapToObj(i -> "\"t" + i + "\": " + table).collect(Collectors.joining(", ", "{\"tables\": {", "}}"));
    String overLimit = atLimit.replace("{\"tables\": {", "{\"tables\": {\"extra\": " + table + ", ");

    assertThat(ClientSchema.parse(atLimit).orElseThrow().tables()).hasSize(ClientSchema.MAX_TABLES);
    assertThat(errors(overLimit)).containsExactly(new QueryError(Kind.MALFORMED, "tables",
        "1001 tables, more than the 1000 allowed"));
  }

  @Test
  void theNumberOfColumnsIsLimited() {
    String atLimit = IntStream.range(0, ClientSchema.MAX_COLUMNS)
        .mapToObj(i -> "\"c" + i + "\": {\"type\": \"text\"}")
        .collect(Collectors.joining(", ", "{\"tables\": {\"t\": {\"columns\": {", "}, \"primaryKey\": [\"c0\"]}}}"));
    String overLimit = atLimit.replace("\"columns\": {", "\"columns\": {\"extra\": {\"type\": \"text\"}, ");

    assertThat(ClientSchema.parse(atLimit).orElseThrow().table("t").columns()).hasSize(ClientSchema.MAX_COLUMNS);
    assertThat(errors(overLimit)).containsExactly(new QueryError(Kind.MALFORMED, "tables.t.columns",
        "1001 columns, more than the 1000 allowed in a table"));
  }

  @Test
  void overlongNamesAreRefused() {
    String longName = "x".repeat(ClientSchema.MAX_NAME_LENGTH + 1);
    assertThat(errors("{\"tables\": {\"t\": {\"columns\": {\"" + longName + "\": {\"type\": \"int8\"}}, "
        + "\"primaryKey\": [\"" + longName + "\"]}}}")).extracting(QueryError::path)
        .containsExactly("tables.t.columns." + longName);
  }
}
