package io.viewsync.core.view;

import io.viewsync.core.ivm.Input;
import io.viewsync.core.ivm.Source;
import io.viewsync.core.query.Query;
import java.util.List;
import java.util.Set;

/**
 * The operators of one normalized query over its sources: {@link #input()} is the last stage, whose fetch is the
 * query's result and whose pushes are its changes. {@link #close} disconnects it from its sources so that it gets
 * no more changes. Built by {@link PipelineBuilder}.
 *
 * <p>Single-threaded: one pipeline is driven by one thread at a time.
 */
public final class Pipeline implements AutoCloseable {
  private final Query query;
  private final Input input;
  private final List<Source.SourceInput> connections;
  private final Set<String> tables;
  private final Failure failure;

  /** The first exception a push through the pipeline threw; once set, the pipeline takes no more pushes. */
  static final class Failure {
    RuntimeException first;
  }

  Pipeline(Query query, Input input, List<Source.SourceInput> connections, Set<String> tables, Failure failure) {
    this.query = query;
    this.input = input;
    this.connections = List.copyOf(connections);
    this.tables = Set.copyOf(tables);
    this.failure = failure;
  }

  /**
   * The exception a push threw inside this pipeline (a bug), or null. A failed pipeline ignores later pushes, so
   * one broken query cannot stop the others that share its sources; its owner tears it down and builds it again.
   */
  public RuntimeException failure() {
    return failure.first;
  }

  /** The normalized query the pipeline computes. */
  public Query query() {
    return query;
  }

  public Input input() {
    return input;
  }

  /** Every table the query reads (its own, its related and exists subqueries'). */
  public Set<String> tables() {
    return tables;
  }

  @Override
  public void close() {
    connections.forEach(Source.SourceInput::close);
  }
}
