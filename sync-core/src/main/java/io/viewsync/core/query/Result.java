package io.viewsync.core.query;

import java.util.List;
import java.util.Objects;

/**
 * Either a value or a non-empty list of errors: what parsing and validating a query return instead of throwing.
 * Immutable value; safe from any thread.
 */
public sealed interface Result<T> {

  record Ok<T>(T value) implements Result<T> {
    public Ok {
      Objects.requireNonNull(value, "value");
    }
  }

  record Failed<T>(List<QueryError> errors) implements Result<T> {
    public Failed {
      errors = List.copyOf(errors);
      if (errors.isEmpty()) {
        throw new IllegalArgumentException("a failed result needs at least one error");
      }
    }
  }

  static <T> Result<T> of(T value, List<QueryError> errors) {
    return errors.isEmpty() ? new Ok<>(value) : new Failed<>(errors);
  }

  default boolean isOk() {
    return this instanceof Ok;
  }

  /** The value; throws {@link IllegalStateException} with the errors when there is none. */
  default T orElseThrow() {
    if (this instanceof Ok<T> ok) {
      return ok.value();
    }
    throw new IllegalStateException("query has errors: " + errors());
  }

  /** The errors; empty when this is {@link Ok}. */
  default List<QueryError> errors() {
    if (this instanceof Failed<T> failed) {
      return failed.errors();
    }
    return List.of();
  }
}
