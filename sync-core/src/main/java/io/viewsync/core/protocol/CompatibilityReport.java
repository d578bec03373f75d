package io.viewsync.core.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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

  /**
   * Reads a report back from its JSON ({@link #toJson()}'s shape), as a client does from {@code connected} and
   * {@code schemaChanged}. Strict: an unknown field, a missing {@code status}, {@code issues} or issue
   * {@code table}/{@code kind}/{@code reason}, a wrong JSON type, an unknown {@code status} or {@code kind}, an
   * issue whose {@code column} does not fit its kind, two issues for one table or column, and a {@code status}
   * that disagrees with the issues are refused. Optional fields ({@code column}, {@code clientType},
   * {@code serverType}) may be left out or {@code null}. Issues need not be sorted (they are sorted on reading).
   *
   * @throws IllegalArgumentException saying what is wrong, with the path of the offending node
   */
  public static CompatibilityReport fromJson(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("compatibility: must be an object");
    }
    onlyFields(node, Set.of("status", "issues"), "compatibility");
    String status = requiredText(node, "status", "compatibility");
    JsonNode list = node.get("issues");
    if (list == null || !list.isArray()) {
      throw new IllegalArgumentException("compatibility.issues: " + (list == null ? "missing" : "must be an array"));
    }
    List<Issue> issues = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      String path = "compatibility.issues[" + i + "]";
      JsonNode n = list.get(i);
      if (!n.isObject()) {
        throw new IllegalArgumentException(path + ": must be an object");
      }
      onlyFields(n, Set.of("table", "column", "kind", "reason", "clientType", "serverType"), path);
      String table = requiredText(n, "table", path);
      String column = optionalText(n, "column", path);
      Kind kind = wireEnum(Kind.values(), requiredText(n, "kind", path), path + ".kind");
      String reason = requiredText(n, "reason", path);
      if ((column == null) != (kind == Kind.UNAVAILABLE)) {
        throw new IllegalArgumentException(path + ": " + (column == null ? "a " + kind.wire()
            + " issue is about a column, and has none" : "an unavailable issue is about a table, not a column"));
      }
      issues.add(new Issue(table, column, kind, reason, optionalText(n, "clientType", path),
          optionalText(n, "serverType", path)));
    }
    CompatibilityReport report;
    try {
      report = new CompatibilityReport(issues);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("compatibility.issues: " + e.getMessage(), e);
    }
    if (wireEnum(Status.values(), status, "compatibility.status") != report.status()) {
      throw new IllegalArgumentException("compatibility.status: \"" + status + "\" but the issues make it "
          + report.status().wire());
    }
    return report;
  }

  private static void onlyFields(JsonNode node, Set<String> allowed, String path) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!allowed.contains(field)) {
        throw new IllegalArgumentException(path + ": unknown field \"" + MessageCodec.echo(field, 64) + "\"");
      }
    }
  }

  private static String requiredText(JsonNode node, String field, String path) {
    JsonNode n = node.get(field);
    if (n == null || !n.isTextual()) {
      throw new IllegalArgumentException(path + "." + field + ": " + (n == null ? "missing" : "must be a string"));
    }
    return n.textValue();
  }

  private static String optionalText(JsonNode node, String field, String path) {
    JsonNode n = node.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new IllegalArgumentException(path + "." + field + ": must be a string or null");
    }
    return n.textValue();
  }

  private static <E extends Enum<E>> E wireEnum(E[] values, String wire, String path) {
    for (E e : values) {
      if (e.name().toLowerCase(Locale.ROOT).equals(wire)) {
        return e;
      }
    }
    throw new IllegalArgumentException(path + ": unknown value \"" + MessageCodec.echo(wire, 64) + "\"");
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
