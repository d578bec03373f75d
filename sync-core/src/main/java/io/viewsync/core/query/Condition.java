package io.viewsync.core.query;

import java.util.List;
import java.util.Objects;

/**
 * A row predicate: the {@code where} of a {@link Query}. Three-valued as in SQL: a comparison with NULL is
 * unknown, {@code not} of unknown is unknown, and a row matches only when the whole predicate is true.
 *
 * <p>Records hold structure only; meaning (columns exist, types agree) is checked by {@link QueryValidator}.
 * Immutable values; safe from any thread.
 */
public sealed interface Condition {

  /** {@code column op value}; {@code value} is a {@link Literal.ListOf} for {@code IN} / {@code NOT IN}. */
  record Compare(String column, Op op, Literal value) implements Condition {
    public Compare {
      Objects.requireNonNull(column, "column");
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(value, "value");
    }
  }

  /** True when every condition is; an empty {@code and} is true. */
  record And(List<Condition> conditions) implements Condition {
    public And {
      conditions = List.copyOf(conditions);
    }
  }

  /** True when any condition is; an empty {@code or} is false. */
  record Or(List<Condition> conditions) implements Condition {
    public Or {
      conditions = List.copyOf(conditions);
    }
  }

  record Not(Condition condition) implements Condition {
    public Not {
      Objects.requireNonNull(condition, "condition");
    }
  }

  /**
   * True when {@code query} has at least one row correlated with this row ({@code negated}: when it has none).
   * Never unknown. The subquery's own where, orderBy, limit and start apply before the test.
   */
  record Exists(Correlation correlation, Query query, boolean negated) implements Condition {
    public Exists {
      Objects.requireNonNull(correlation, "correlation");
      Objects.requireNonNull(query, "query");
    }
  }
}
