package io.viewsync.core.protocol;

import static io.viewsync.core.protocol.ServerSchema.SCHEMA;
import static io.viewsync.core.protocol.ServerSchema.client;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.query.QueryJson;
import org.junit.jupiter.api.Test;

/**
 * The client: built against an older server. issues.body (dropped since: missing), issues.priority declared int4
 * (coerced from int8), issues.title declared int4 (incompatible: missing), labels keyed by name alone (unavailable),
 * comments and users as on the server but without users.email (not declared).
 */
class QueryAvailabilityTest {

  private static final ClientSchema CLIENT = client("""
      {"tables": {
        "issues": {"columns": {"id": {"type": "int8"}, "title": {"type": "int4"}, "body": {"type": "text"},
                               "status": {"type": "varchar"}, "priority": {"type": "int4"},
                               "created": {"type": "timestamptz"}, "owner_id": {"type": "int8"}},
                   "primaryKey": ["id"]},
        "comments": {"columns": {"id": {"type": "int8"}, "issue_id": {"type": "int8"}, "author_id": {"type": "int8"},
                                 "body": {"type": "text"}, "created": {"type": "timestamptz"}},
                     "primaryKey": ["id"]},
        "users": {"columns": {"id": {"type": "int8"}, "name": {"type": "text"}}, "primaryKey": ["id"]},
        "labels": {"columns": {"issue_id": {"type": "int8"}, "name": {"type": "text"}}, "primaryKey": ["name"]}}}
      """);
  private static final CompatibilityReport REPORT = Compatibility.report(CLIENT, SCHEMA);

  private static Availability check(String queryJson) {
    return QueryAvailability.check(QueryJson.parse(queryJson).orElseThrow(), REPORT, CLIENT);
  }

  private static void assertUnavailable(String queryJson, String path, String reason) {
    assertThat(check(queryJson)).isEqualTo(new Availability.Unavailable(path, reason));
  }

  private static void assertAvailable(String queryJson) {
    assertThat(check(queryJson)).isEqualTo(Availability.Available.INSTANCE);
    assertThat(check(queryJson).isAvailable()).isTrue();
  }

  @Test
  void theFixtureIsWhatTheClassCommentSays() {
    assertThat(REPORT.issues()).extracting(i -> i.table() + "." + i.column() + " " + i.kind()).containsExactly(
        "issues.body MISSING", "issues.priority COERCED", "issues.title MISSING", "labels.null UNAVAILABLE");
  }

  @Test
  void selectingMissingColumnsIsAvailable() {
    // Every row of issues carries null for body and title: receiving them is fine.
    assertAvailable("""
        {"table": "issues", "where": {"type": "cmp", "column": "status", "op": "=", "value": "open"},
         "orderBy": [["created", "desc"]], "limit": 10}
        """);
  }

  @Test
  void coercedColumnsAreUsableEverywhere() {
    assertAvailable("""
        {"table": "issues", "where": {"type": "cmp", "column": "priority", "op": "IN", "value": [1, 2]},
         "orderBy": [["priority", "asc"]], "start": {"row": {"priority": 1, "id": 3}, "exclusive": true}}
        """);
  }

  @Test
  void readingAnUnavailableTableIsUnavailable() {
    assertUnavailable("{\"table\": \"labels\"}", "table", "The query reads table labels, which is unavailable. "
        + "The declared primary key (name) of table labels is not its key on the server (issue_id, name).");
  }

  @Test
  void readingAnUndeclaredTableIsUnavailableEvenIfTheServerHasIt() {
    assertUnavailable("{\"table\": \"milestones\"}", "table",
        "The query reads table milestones, which the client did not declare.");
  }

  @Test
  void filteringOnAMissingColumnIsUnavailableAtAnyDepthOfTheWhere() {
    assertUnavailable("""
        {"table": "issues", "where": {"type": "or", "conditions": [
          {"type": "cmp", "column": "status", "op": "=", "value": "open"},
          {"type": "not", "condition": {"type": "cmp", "column": "body", "op": "LIKE", "value": "%x%"}}]}}
        """, "where.conditions[1].condition.column",
        "The query filters on column issues.body, which is missing: it is not on the server.");
  }

  @Test
  void filteringOnAColumnOfAnIncompatibleTypeGivesBothTypes() {
    assertUnavailable("""
        {"table": "issues", "where": {"type": "cmp", "column": "title", "op": "IS", "value": null}}
        """, "where.column",
        "The query filters on column issues.title, which is missing: it has type text on the server, int4 declared.");
  }

  @Test
  void filteringOnAnUndeclaredColumnIsUnavailableEvenIfTheServerHasIt() {
    assertUnavailable("""
        {"table": "issues", "where": {"type": "cmp", "column": "meta", "op": "IS NOT", "value": null}}
        """, "where.column", "The query filters on column issues.meta, which the client did not declare.");
  }

  @Test
  void sortingOnAMissingColumnIsUnavailable() {
    assertUnavailable("{\"table\": \"issues\", \"orderBy\": [[\"created\", \"asc\"], [\"title\", \"asc\"]]}",
        "orderBy[1]", "The query sorts column issues.title, which is missing: "
            + "it has type text on the server, int4 declared.");
  }

  @Test
  void aStartRowWithAMissingColumnIsUnavailable() {
    assertUnavailable("""
        {"table": "issues", "start": {"row": {"id": 4, "body": "x"}, "exclusive": false}}
        """, "start.row.body",
        "The query starts at a row of column issues.body, which is missing: it is not on the server.");
  }

  @Test
  void aRelatedSubqueryOverAnUnavailableTableIsUnavailable() {
    assertUnavailable("""
        {"table": "issues", "related": [
          {"name": "comments", "correlation": {"parent": ["id"], "child": ["issue_id"]}, "query": {"table": "comments"}},
          {"name": "labels", "correlation": {"parent": ["id"], "child": ["issue_id"]}, "query": {"table": "labels"}}]}
        """, "related[1].query.table", "The query reads table labels, which is unavailable. "
        + "The declared primary key (name) of table labels is not its key on the server (issue_id, name).");
  }

  @Test
  void aNestedRelatedOverUnavailableTablesIsUnavailableAndOverAvailableOnesIsAvailable() {
    String nested = """
        {"table": "users", "related": [{"name": "comments",
          "correlation": {"parent": ["id"], "child": ["author_id"]},
          "query": {"table": "comments", "orderBy": [["created", "desc"]], "limit": 3,
                    "related": [{"name": "issue", "correlation": {"parent": ["issue_id"], "child": ["id"]},
                                 "query": {"table": "issues", "related": [{"name": "labels",
                                   "correlation": {"parent": ["id"], "child": ["issue_id"]},
                                   "query": {"table": "labels"}}]}}]}}]}
        """;
    assertUnavailable(nested, "related[0].query.related[0].query.related[0].query.table",
        "The query reads table labels, which is unavailable. "
            + "The declared primary key (name) of table labels is not its key on the server (issue_id, name).");

    assertAvailable(nested.replace("""
        , "related": [{"name": "labels",
                                   "correlation": {"parent": ["id"], "child": ["issue_id"]},
                                   "query": {"table": "labels"}}]""", ""));
  }

  @Test
  void aRelatedSubquerySortingOnAMissingColumnIsUnavailable() {
    assertUnavailable("""
        {"table": "comments", "related": [{"name": "issue", "correlation": {"parent": ["issue_id"], "child": ["id"]},
          "query": {"table": "issues", "orderBy": [["body", "asc"]]}}]}
        """, "related[0].query.orderBy[0]",
        "The query sorts column issues.body, which is missing: it is not on the server.");
  }

  @Test
  void joiningOnAMissingColumnIsUnavailableOnEitherSide() {
    // issues.title is missing on the parent side, issues.body on the child side.
    assertUnavailable("""
        {"table": "issues", "related": [{"name": "x", "correlation": {"parent": ["title"], "child": ["body"]},
          "query": {"table": "comments"}}]}
        """, "related[0].correlation.parent[0]",
        "The query joins on column issues.title, which is missing: it has type text on the server, int4 declared.");
    assertUnavailable("""
        {"table": "comments", "related": [{"name": "x", "correlation": {"parent": ["body"], "child": ["body"]},
          "query": {"table": "issues"}}]}
        """, "related[0].correlation.child[0]",
        "The query joins on column issues.body, which is missing: it is not on the server.");
  }

  @Test
  void anExistsOverAnUnavailableTableIsUnavailableEvenNegated() {
    assertUnavailable("""
        {"table": "issues", "where": {"type": "and", "conditions": [
          {"type": "cmp", "column": "status", "op": "=", "value": "open"},
          {"type": "exists", "negated": true, "correlation": {"parent": ["id"], "child": ["issue_id"]},
           "query": {"table": "labels"}}]}}
        """, "where.conditions[1].query.table", "The query reads table labels, which is unavailable. "
        + "The declared primary key (name) of table labels is not its key on the server (issue_id, name).");
  }

  @Test
  void anExistsFilteringOrJoiningOnAMissingColumnIsUnavailable() {
    assertUnavailable("""
        {"table": "users", "where": {"type": "exists", "correlation": {"parent": ["id"], "child": ["author_id"]},
          "query": {"table": "comments", "where": {"type": "exists",
            "correlation": {"parent": ["issue_id"], "child": ["id"]},
            "query": {"table": "issues", "where": {"type": "cmp", "column": "body", "op": "=", "value": "x"}}}}}}
        """, "where.query.where.query.where.column",
        "The query filters on column issues.body, which is missing: it is not on the server.");
    assertUnavailable("""
        {"table": "users", "where": {"type": "exists", "correlation": {"parent": ["name"], "child": ["body"]},
          "query": {"table": "issues"}}}
        """, "where.correlation.child[0]",
        "The query joins on column issues.body, which is missing: it is not on the server.");
  }

  @Test
  void anExistsOverUsableColumnsIsAvailable() {
    assertAvailable("""
        {"table": "users", "where": {"type": "exists", "correlation": {"parent": ["id"], "child": ["owner_id"]},
          "query": {"table": "issues", "where": {"type": "cmp", "column": "priority", "op": "<", "value": 2}}}}
        """);
  }

  @Test
  void theFirstProblemInTheQuerysOrderIsReported() {
    // The top table's where comes before its orderBy, which comes before related.
    assertThat(check("""
        {"table": "issues", "where": {"type": "cmp", "column": "body", "op": "IS", "value": null},
         "orderBy": [["title", "asc"]],
         "related": [{"name": "l", "correlation": {"parent": ["id"], "child": ["issue_id"]},
                      "query": {"table": "labels"}}]}
        """)).isInstanceOfSatisfying(Availability.Unavailable.class,
        u -> assertThat(u.path()).isEqualTo("where.column"));
  }
}
