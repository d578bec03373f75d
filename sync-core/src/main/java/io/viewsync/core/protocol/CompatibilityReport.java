package io.viewsync.core.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a client's declared schema fits the server's (DESIGN §6), made by {@link Compatibility#report}: a status and
 * a flat list of issues sorted by table, then column (a table's own issue first). It is what the {@code connected}
 * and {@code schemaChanged} messages carry ({@link #toJson()}), and what {@link ClientView} and
 * {@link QueryAvailability} read.
 *
 * <p>{@link Status#FULL} when every declared table and column is served as declared or coerced (issues may list
 * {@link Kind#COERCED} columns); {@link Status#DEGRADED} as soon as a table is unavailable or a column missing.
 *
 * <p>Immutable value; safe from any thread.
 */
public final class CompatibilityReport {

  /** Sent on the wire in lower case: values only grow, never rename one. */
  public enum Status {
    FULL, DEGRADED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Sent on the wire in lower case: values only grow, never rename one. */
  public enum Kind {
    /** The whole table: missing on the server, unsyncable, or keyed differently. Queries over it are unavailable. */
    UNAVAILABLE,
    /** The column is not served: rows sent to the client carry null for it; queries may not filter, sort or join on it. */
    MISSING,
    /** The column's type differs in a safe way ({@link Compatibility#coercible}): it is served and usable. */
    COERCED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One difference. Immutable value; safe from any thread.
   *
   * @param table the table's replica name
   * @param column the column, or null for an issue with the whole table
   * @param kind what the client gets
   * @param reason a sentence for a person
   * @param clientType the declared type, or null (a table issue)
   * @param serverType the server's type, or null (a table issue, or a column the server lacks)
   */
  public record Issue(String table, String column, Kind kind, String reason, String clientType, String serverType) {
    public Issue {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(reason, "reason");
      if ((column == null) != (kind == Kind.UNAVAILABLE)) {
        throw new IllegalArgumentException("an unavailable issue is about a table, the others about a column");
      }
    }
  }

  /** The order of {@link #issues()}: by table, then column, a table's own issue (column null) first. */
  public static final Comparator<Issue> ORDER = Comparator.comparing(Issue::table)
      .thenComparing(Issue::column, Comparator.nullsFirst(Comparator.naturalOrder()));

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final List<Issue> issues;
  private final Map<String, Issue> unavailable = new HashMap<>();
  private final Map<String, Map<String, Issue>> columns = new HashMap<>();

  /** A report of these issues, sorted; the status follows from them. */
  public CompatibilityReport(List<Issue> issues) {
    this.issues = issues.stream().sorted(ORDER).toList();
    for (Issue issue : this.issues) {
      if (issue.column() == null) {
        if (unavailable.put(issue.table(), issue) != null) {
          throw new IllegalArgumentException("two issues for table " + issue.table());
        }
      } else if (columns.computeIfAbsent(issue.table(), t -> new HashMap<>()).put(issue.column(), issue) != null) {
        throw new IllegalArgumentException("two issues for column " + issue.table() + "." + issue.column());
      }
    }
  }

  public Status status() {
    return issues.stream().allMatch(i -> i.kind() == Kind.COERCED) ? Status.FULL : Status.DEGRADED;
  }

  /** Every issue, in {@link #ORDER}. */
  public List<Issue> issues() {
    return issues;
  }

  /** The issue that makes {@code table} unavailable, if it is. */
  public Optional<Issue> tableIssue(String table) {
    return Optional.ofNullable(unavailable.get(table));
  }

  /** The issue with {@code table.column} (missing or coerced), if any. */
  public Optional<Issue> columnIssue(String table, String column) {
    return Optional.ofNullable(columns.getOrDefault(table, Map.of()).get(column));
  }

  /**
   * The JSON of the report: {@code {"status": "full"|"degraded", "issues": [{"table", "column", "kind", "reason",
   * "clientType", "serverType"}, …]}}, null fields left out, issues in {@link #ORDER}.
   */
  public ObjectNode toJson() {
    ObjectNode o = NODES.objectNode();
    o.put("status", status().wire());
    ArrayNode list = o.putArray("issues");
    for (Issue i : issues) {
      ObjectNode io = list.addObject();
      io.put("table", i.table());
      if (i.column() != null) {
        io.put("column", i.column());
      }
      io.put("kind", i.kind().wire());
      io.put("reason", i.reason());
      if (i.clientType() != null) {
        io.put("clientType", i.clientType());
      }
      if (i.serverType() != null) {
        io.put("serverType", i.serverType());
      }
    }
    return o;
  }

  /** {@link #toJson()} as text. */
  public String write() {
    try {
      return MAPPER.writeValueAsString(toJson());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CompatibilityReport r && r.issues.equals(issues);
  }

  @Override
  public int hashCode() {
    return issues.hashCode();
  }

  @Override
  public String toString() {
    return "CompatibilityReport[" + status() + ", " + issues + "]";
  }
}
