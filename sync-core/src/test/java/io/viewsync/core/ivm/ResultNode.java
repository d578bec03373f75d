package io.viewsync.core.ivm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One row of a query's result with its related subqueries' rows, as the reference evaluators
 * ({@link NaiveEvaluator}, {@link PgOracleSql}) produce it and as an incremental view can be turned into
 * ({@link #of(Node, Schema)}), so that the three can be compared as text ({@link #render(List)}) or as the set of
 * rows a client must hold ({@link #membership(List)}).
 *
 * <p>Immutable value (relationship lists and map are unmodifiable copies, names sorted); safe from any thread.
 *
 * @param table the row's table (replica name)
 * @param key the row's key columns, {@code row.select(keyColumns)}
 * @param row the whole row, storage values
 * @param related the related subqueries' rows for this row, by relationship name, each in its query's order
 */
public record ResultNode(String table, Row key, Row row, Map<String, List<ResultNode>> related) {

  public ResultNode {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(row, "row");
    Map<String, List<ResultNode>> sorted = new TreeMap<>();
    related.forEach((name, nodes) -> sorted.put(name, List.copyOf(nodes)));
    related = Collections.unmodifiableMap(sorted);
  }

  /** A row (and what it holds) that a client must have: its table and key. */
  public record Member(String table, Row key) {}

  /**
   * An incremental view's node as a result node, its relationships read eagerly and recursively ({@code schema}
   * gives each level's table and key). Every relationship is kept: a pipeline that implements exists with a
   * hidden relationship must drop it before comparing.
   */
  public static ResultNode of(Node node, Schema schema) {
    Map<String, List<ResultNode>> related = new LinkedHashMap<>();
    node.relationships().forEach((name, children) -> {
      Schema childSchema = schema.relationships().get(name);
      related.put(name, children.get().map(n -> of(n, childSchema)).toList());
    });
    return new ResultNode(schema.table(), node.row().select(schema.key()), node.row(), related);
  }

  /** {@link #of(Node, Schema)} for each node of a fetch. */
  public static List<ResultNode> of(Stream<Node> nodes, Schema schema) {
    return nodes.map(n -> of(n, schema)).toList();
  }

  /**
   * This node as text: its row on the first line, then each related row on its own line, indented two spaces
   * per level and prefixed with its relationship's name; relationships by name, rows in order. Columns are
   * written sorted by name, values typed ({@code 1} a Long, {@code 1.0} a Double, {@code 'a'} a String,
   * {@code x'0a'} a blob, {@code null}), so equal renders mean equal results.
   */
  public String render() {
    StringBuilder sb = new StringBuilder();
    render(sb, "", "");
    return sb.toString();
  }

  /** {@link #render()} of each node, one after the other; empty for no rows. */
  public static String render(List<ResultNode> nodes) {
    StringBuilder sb = new StringBuilder();
    nodes.forEach(n -> n.render(sb, "", ""));
    return sb.toString();
  }

  private void render(StringBuilder sb, String indent, String prefix) {
    sb.append(indent).append(prefix).append(renderRow(row)).append('\n');
    related.forEach((name, nodes) -> nodes.forEach(n -> n.render(sb, indent + "  ", name + ": ")));
  }

  /** A row with columns sorted by name and typed values: {@code {a=1, b=1.0, c='x', d=null}}. */
  public static String renderRow(Row row) {
    StringBuilder sb = new StringBuilder("{");
    List<String> columns = new ArrayList<>(row.columns());
    Collections.sort(columns);
    for (String c : columns) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(c).append('=').append(renderValue(row.get(c)));
    }
    return sb.append('}').toString();
  }

  /** A storage value typed: {@code null}, {@code 1}, {@code 1.0}, {@code 'it''s'}, {@code x'00ff'}. */
  public static String renderValue(Object v) {
    if (v == null) {
      return "null";
    } else if (v instanceof Long l) {
      return Long.toString(l);
    } else if (v instanceof Double d) {
      return Double.toString(d); // always has a '.' or an 'E': never mistaken for a Long
    } else if (v instanceof String s) {
      return "'" + s.replace("'", "''") + "'";
    } else if (v instanceof byte[] b) {
      return "x'" + HexFormat.of().formatHex(b) + "'";
    }
    throw new IllegalArgumentException("not a storage value: " + v);
  }

  /** The rows of this subtree: this node's and every related node's, recursively. */
  public Set<Member> membership() {
    Set<Member> members = new LinkedHashSet<>();
    addMembers(members);
    return members;
  }

  /** The rows of all these subtrees. */
  public static Set<Member> membership(List<ResultNode> nodes) {
    Set<Member> members = new LinkedHashSet<>();
    nodes.forEach(n -> n.addMembers(members));
    return members;
  }

  private void addMembers(Set<Member> members) {
    members.add(new Member(table, key));
    related.values().forEach(nodes -> nodes.forEach(n -> n.addMembers(members)));
  }

  @Override
  public String toString() {
    return render();
  }
}
