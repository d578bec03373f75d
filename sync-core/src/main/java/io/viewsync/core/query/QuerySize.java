package io.viewsync.core.query;

import java.util.List;
import java.util.Optional;

/**
 * Measures a query against {@link QueryLimits}: its node count and its subquery depth. Stateless; safe from any
 * thread.
 */
final class QuerySize {
  private QuerySize() {}

  /** Queries, conditions, orderBy terms and IN-list elements, each counted once. */
  static int nodes(Query query) {
    int n = 1 + query.orderBy().size() + (query.where() == null ? 0 : nodes(query.where()));
    for (Related r : query.related()) {
      n += nodes(r.query());
    }
    return n;
  }

  private static int nodes(Condition condition) {
    if (condition instanceof Condition.Compare c) {
      return 1 + (c.value() instanceof Literal.ListOf l ? l.values().size() : 0);
    } else if (condition instanceof Condition.And a) {
      return 1 + nodes(a.conditions());
    } else if (condition instanceof Condition.Or o) {
      return 1 + nodes(o.conditions());
    } else if (condition instanceof Condition.Not n) {
      return 1 + nodes(n.condition());
    } else if (condition instanceof Condition.Exists e) {
      return 1 + nodes(e.query());
    }
    throw new IllegalStateException("unknown condition " + condition);
  }

  private static int nodes(List<Condition> conditions) {
    int n = 0;
    for (Condition c : conditions) {
      n += nodes(c);
    }
    return n;
  }

  /** The path of the first subquery nested deeper than {@code maxDepth} (the top query is depth 0), if any. */
  static Optional<String> firstDeeperThan(Query query, int maxDepth) {
    return deeper(query, "", 0, maxDepth);
  }

  private static Optional<String> deeper(Query query, String path, int depth, int maxDepth) {
    if (depth > maxDepth) {
      return Optional.of(path);
    }
    if (query.where() != null) {
      Optional<String> found = deeper(query.where(), QueryJson.join(path, "where"), depth, maxDepth);
      if (found.isPresent()) {
        return found;
      }
    }
    for (int i = 0; i < query.related().size(); i++) {
      Optional<String> found = deeper(query.related().get(i).query(),
          QueryJson.join(path, "related[" + i + "].query"), depth + 1, maxDepth);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> deeper(Condition condition, String path, int depth, int maxDepth) {
    if (condition instanceof Condition.Compare) {
      return Optional.empty();
    } else if (condition instanceof Condition.And a) {
      return deeper(a.conditions(), path, depth, maxDepth);
    } else if (condition instanceof Condition.Or o) {
      return deeper(o.conditions(), path, depth, maxDepth);
    } else if (condition instanceof Condition.Not n) {
      return deeper(n.condition(), path + ".condition", depth, maxDepth);
    } else if (condition instanceof Condition.Exists e) {
      return deeper(e.query(), path + ".query", depth + 1, maxDepth);
    }
    throw new IllegalStateException("unknown condition " + condition);
  }

  private static Optional<String> deeper(List<Condition> conditions, String path, int depth, int maxDepth) {
    for (int i = 0; i < conditions.size(); i++) {
      Optional<String> found = deeper(conditions.get(i), path + ".conditions[" + i + "]", depth, maxDepth);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }
}
