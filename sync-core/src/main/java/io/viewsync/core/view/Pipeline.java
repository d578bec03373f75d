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

  Pipeline(Query query, Input input, List<Source.SourceInput> connections, Set<String> tables) {
    this.query = query;
    this.input = input;
    this.connections = List.copyOf(connections);
    this.tables = Set.copyOf(tables);
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
