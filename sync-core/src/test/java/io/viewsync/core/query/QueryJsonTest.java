package io.viewsync.core.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.query.Condition.And;
import io.viewsync.core.query.Condition.Compare;
import io.viewsync.core.query.Condition.Exists;
import io.viewsync.core.query.Condition.Not;
import io.viewsync.core.query.Condition.Or;
import io.viewsync.core.query.QueryError.Kind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryJsonTest {

  static final String FULL = """
      {"table":"issues",
       "where":{"type":"and","conditions":[
         {"type":"cmp","column":"status","op":"=","value":"open"},
         {"type":"or","conditions":[
           {"type":"cmp","column":"priority","op":"IN","value":[1,2]},
           {"type":"not","condition":{"type":"cmp","column":"title","op":"ILIKE","value":"%crash%"}}]},
         {"type":"exists","correlation":{"parent":["id"],"child":["issue_id"]},
          "query":{"table":"labels","where":{"type":"cmp","column":"name","op":"=","value":"bug"}},"negated":true}]},
       "orderBy":[["created","desc"],["id","asc"]],
       "limit":50,
       "start":{"row":{"created":1700000000000000,"id":7},"exclusive":true},
       "related":[{"name":"comments","correlation":{"parent":["id"],"child":["issue_id"]},
                   "query":{"table":"comments","orderBy":[["created","asc"]],"limit":10}}]}
      """;

  @Test
  void aFullQueryReadsIntoTheAst() {
    Query q = QueryJson.parse(FULL).orElseThrow();

    assertThat(q.table()).isEqualTo("issues");
    And where = (And) q.where();
    assertThat(where.conditions().get(0)).isEqualTo(new Compare("status", Op.EQ, new Literal.Text("open")));
    Or or = (Or) where.conditions().get(1);
    assertThat(or.conditions().get(0)).isEqualTo(new Compare("priority", Op.IN,
        new Literal.ListOf(List.of(new Literal.Int(1), new Literal.Int(2)))));
    assertThat(or.conditions().get(1)).isEqualTo(new Not(new Compare("title", Op.ILIKE, new Literal.Text("%crash%"))));
    Exists exists = (Exists) where.conditions().get(2);
    assertThat(exists.negated()).isTrue();
    assertThat(exists.correlation()).isEqualTo(new Correlation(List.of("id"), List.of("issue_id")));
    assertThat(exists.query().table()).isEqualTo("labels");
    assertThat(q.orderBy()).containsExactly(Ordering.desc("created"), Ordering.asc("id"));
    assertThat(q.limit()).isEqualTo(50L);
    assertThat(q.start().exclusive()).isTrue();
    assertThat(q.start().row()).containsEntry("created", new Literal.Int(1_700_000_000_000_000L))
        .containsEntry("id", new Literal.Int(7));
    assertThat(q.related()).singleElement().satisfies(r -> {
      assertThat(r.name()).isEqualTo("comments");
      assertThat(r.query().limit()).isEqualTo(10L);
      assertThat(r.query().orderBy()).containsExactly(Ordering.asc("created"));
    });
  }

  @Test
  void writingAndReadingBackGivesTheSameQuery() {
    Query q = QueryJson.parse(FULL).orElseThrow();

    assertThat(QueryJson.parse(QueryJson.write(q)).orElseThrow()).isEqualTo(q);
  }

  @Test
  void literalsKeepTheirKindThroughJson() {
    var values = List.<Literal>of(Literal.Null.INSTANCE, new Literal.Bool(true), new Literal.Int(1),
        new Literal.Real(1.0), new Literal.Real(2.5e-7), new Literal.Text("1"), new Literal.Int(Long.MIN_VALUE));
    Map<String, Literal> row = new LinkedHashMap<>();
    for (int i = 0; i < values.size(); i++) {
      row.put("c" + i, values.get(i));
    }
    Query q = Query.of("t").withStart(new Start(row, false));

    assertThat(QueryJson.parse(QueryJson.write(q)).orElseThrow().start().row()).isEqualTo(row);
  }

  @Test
  void writingLeavesOutAbsentPartsAndSortsTheStartRow() {
    Query q = Query.of("issues").withStart(new Start(Map.of("z", new Literal.Int(1), "a", new Literal.Int(2)), false));

    assertThat(QueryJson.write(q)).isEqualTo("{\"table\":\"issues\",\"start\":{\"row\":{\"a\":2,\"z\":1},"
        + "\"exclusive\":false}}");
  }

  @Test
  void existsWithoutNegatedIsAPositiveExists() {
    Query q = QueryJson.parse("""
        {"table":"issues","where":{"type":"exists","correlation":{"parent":["id"],"child":["issue_id"]},
         "query":{"table":"comments"}}}""").orElseThrow();

    assertThat(((Exists) q.where()).negated()).isFalse();
  }

  @Test
  void textThatIsNotJsonIsAMalformedError() {
    var result = QueryJson.parse("{\"table\":");

    assertThat(result.errors()).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(Kind.MALFORMED);
      assertThat(e.path()).isEmpty();
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "[]", "42", "{\"table\":\"a\"} {}", "{\"table\":\"a\",\"table\":\"b\"}"})
  void inputThatIsNoSingleQueryObjectIsMalformed(String json) {
    assertThat(QueryJson.parse(json).errors()).extracting(QueryError::kind).containsOnly(Kind.MALFORMED)
        .isNotEmpty();
  }

  @Test
  void aBadNodeIsReportedAtItsPath() {
    var result = QueryJson.parse("""
        {"table":"issues","where":{"type":"and","conditions":[
          {"type":"cmp","column":"a","op":"=","value":1},
          {"type":"cmp","column":"a","op":"==","value":1}]}}""");

    assertThat(result.errors()).containsExactly(new QueryError(Kind.MALFORMED, "where.conditions[1].op",
        "unknown operator \"==\""));
  }

  @Test
  void errorsInsideRelatedQueriesCarryTheFullPath() {
    var result = QueryJson.parse("""
        {"table":"issues","related":[{"name":"c","correlation":{"parent":["id"],"child":["issue_id"]},
          "query":{"table":"comments","orderBy":[["created","sideways"]]}}]}""");

    assertThat(result.errors()).extracting(QueryError::path).containsExactly("related[0].query.orderBy[0][1]");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"table\":\"t\",\"limt\":5}",
      "{\"table\":1}",
      "{\"where\":null}",
      "{\"table\":\"t\",\"limit\":2.5}",
      "{\"table\":\"t\",\"where\":{\"type\":\"xor\"}}",
      "{\"table\":\"t\",\"where\":{\"type\":\"cmp\",\"column\":\"a\",\"op\":\"=\"}}",
      "{\"table\":\"t\",\"where\":{\"type\":\"cmp\",\"column\":\"a\",\"op\":\"=\",\"value\":{}}}",
      "{\"table\":\"t\",\"where\":{\"type\":\"cmp\",\"column\":\"a\",\"op\":\"IN\",\"value\":[[1]]}}",
      "{\"table\":\"t\",\"where\":{\"type\":\"cmp\",\"column\":\"a\",\"op\":\"=\",\"value\":1e999}}",
      "{\"table\":\"t\",\"where\":{\"type\":\"cmp\",\"column\":\"a\",\"op\":\"=\",\"value\":99999999999999999999}}",
      "{\"table\":\"t\",\"where\":{\"type\":\"and\",\"conditions\":{}}}",
      "{\"table\":\"t\",\"where\":{\"type\":\"not\"}}",
      "{\"table\":\"t\",\"orderBy\":[\"a\"]}",
      "{\"table\":\"t\",\"start\":{\"row\":{\"a\":1}}}",
      "{\"table\":\"t\",\"start\":{\"row\":{\"a\":[1]},\"exclusive\":true}}",
      "{\"table\":\"t\",\"related\":[{\"name\":\"x\",\"query\":{\"table\":\"u\"}}]}",
      "{\"table\":\"t\",\"related\":[{\"name\":\"x\",\"correlation\":{\"parent\":[1],\"child\":[\"a\"]},"
          + "\"query\":{\"table\":\"u\"}}]}",
  })
  void queriesOfTheWrongShapeAreMalformedWithoutThrowing(String json) {
    assertThat(QueryJson.parse(json).errors()).isNotEmpty().extracting(QueryError::kind)
        .containsOnly(Kind.MALFORMED);
  }

  @Test
  void jsonNestedTooDeeplyForTheParserIsMalformedRatherThanAStackOverflow() {
    String json = "{\"table\":\"t\",\"where\":" + "{\"type\":\"not\",\"condition\":".repeat(5_000)
        + "{\"type\":\"cmp\",\"column\":\"a\",\"op\":\"=\",\"value\":1}" + "}".repeat(5_000) + "}";

    assertThat(QueryJson.parse(json).errors()).extracting(QueryError::kind).containsExactly(Kind.MALFORMED);
  }
}
