package io.viewsync.core.view;

import io.viewsync.core.ivm.Exists;
import io.viewsync.core.ivm.Filter;
import io.viewsync.core.ivm.Input;
import io.viewsync.core.ivm.Join;
import io.viewsync.core.ivm.Ordering;
import io.viewsync.core.ivm.Predicates;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.ivm.Skip;
import io.viewsync.core.ivm.Source;
import io.viewsync.core.ivm.Take;
import io.viewsync.core.query.Condition;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.Related;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds the operators of a normalized query (docs/ivm.md, "Pipelines"). Per (sub)query, in Zero's order: a source
 * connection in the query's order; the where as a {@link Filter} (conditions without exists) and an
 * {@link Exists} over hidden {@link Join}s (one per exists subquery, wherever it sits in the condition); the start
 * as a {@link Skip}; the limit as a {@link Take}, partitioned by the correlation columns under a join; then one
 * {@link Join} per related subquery, each built the same way. Related joins come after the limit, so only rows
 * in the window read their children.
 *
 * <p>Hidden exists relationships are named so that they collide with no related name of the query; the output
 * ({@link ViewRows}) walks only the related names of the query.
 *
 * <p>Stateless apart from the sources it is given; any thread, but a pipeline is then driven by one thread.
 */
public final class PipelineBuilder {
  private final Function<String, Source> sources;

  /** @param sources the source of each table by replica name; throws for a table it does not have */
  public PipelineBuilder(Function<String, Source> sources) {
    this.sources = sources;
  }

  /** The pipeline of {@code normalized}, which must be {@link io.viewsync.core.query.Normalizer normalized}. */
  public Pipeline build(Query normalized) {
    Build b = new Build(relatedNames(normalized, new HashSet<>()));
    try {
      Input top = b.query(normalized, List.of());
      return new Pipeline(normalized, top, b.connections, b.tables, b.failure);
    } catch (RuntimeException e) {
      b.connections.forEach(Source.SourceInput::close);
      throw e;
    }
  }

  /** The source connections a query needs: table, order, and the columns its fetches constrain (for indexes). */
  public record Access(String table, Ordering ordering, List<String> constrained) {}

  /** The accesses of {@code normalized}: what {@link #build} connects and how it will fetch (see {@link Access}). */
  public static List<Access> accesses(Query normalized) {
    List<Access> out = new ArrayList<>();
    accesses(normalized, List.of(), out);
    return out;
  }

  private static void accesses(Query q, List<String> constrained, List<Access> out) {
    List<String> fixed = q.where() == null ? List.of() : List.copyOf(fixed(q.where()).columns());
    out.add(new Access(q.table(), ordering(q), union(fixed, constrained)));
    for (Related r : q.related()) {
      // A child change looks up its parents by the parent's correlation columns.
      out.add(new Access(q.table(), ordering(q), union(fixed, r.correlation().parent())));
      accesses(r.query(), r.correlation().child(), out);
    }
    for (Condition.Exists e : existsOf(q.where())) {
      out.add(new Access(q.table(), ordering(q), union(fixed, e.correlation().parent())));
      accesses(e.query(), e.correlation().child(), out);
    }
  }

  private static List<String> union(List<String> a, List<String> b) {
    Set<String> out = new LinkedHashSet<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }

  /**
   * The column values a where fixes: its top-level conjuncts {@code column = value} and {@code column IS value}
   * with a non-null value (the first, if a column has several). A row passing the where has them (as {@code IS}
   * compares: NULL never equals a value), so fetches can ask the source for them (an index seek).
   */
  static Row fixed(Condition where) {
    List<Condition> conjuncts = where instanceof Condition.And a ? a.conditions() : List.of(where);
    Map<String, Object> out = new LinkedHashMap<>();
    for (Condition c : conjuncts) {
      if (c instanceof Condition.Compare cmp && (cmp.op() == io.viewsync.core.query.Op.EQ
          || cmp.op() == io.viewsync.core.query.Op.IS) && !(cmp.value() instanceof io.viewsync.core.query.Literal.Null)
          && !(cmp.value() instanceof io.viewsync.core.query.Literal.ListOf)) {
        out.putIfAbsent(cmp.column(), Predicates.storageValue(cmp.value()));
      }
    }
    return Row.of(out);
  }

  static Ordering ordering(Query q) {
    List<Ordering.Part> parts = new ArrayList<>();
    for (io.viewsync.core.query.Ordering o : q.orderBy()) {
      parts.add(o.direction() == io.viewsync.core.query.Ordering.Direction.ASC ? Ordering.asc(o.column())
          : Ordering.desc(o.column()));
    }
    return new Ordering(parts); // normalized: the order already ends with the key
  }

  /** The exists subqueries of a condition, in order, not looking into the subqueries themselves. */
  static List<Condition.Exists> existsOf(Condition c) {
    List<Condition.Exists> out = new ArrayList<>();
    collectExists(c, out);
    return out;
  }

  private static void collectExists(Condition c, List<Condition.Exists> out) {
    if (c instanceof Condition.Exists e) {
      out.add(e);
    } else if (c instanceof Condition.And a) {
      a.conditions().forEach(x -> collectExists(x, out));
    } else if (c instanceof Condition.Or o) {
      o.conditions().forEach(x -> collectExists(x, out));
    } else if (c instanceof Condition.Not n) {
      collectExists(n.condition(), out);
    }
  }

  private static Set<String> relatedNames(Query q, Set<String> out) {
    for (Related r : q.related()) {
      out.add(r.name());
      relatedNames(r.query(), out);
    }
    for (Condition.Exists e : existsOf(q.where())) {
      relatedNames(e.query(), out);
    }
    return out;
  }

  private final class Build {
    final List<Source.SourceInput> connections = new ArrayList<>();
    final Set<String> tables = new LinkedHashSet<>();
    final Pipeline.Failure failure = new Pipeline.Failure();
    final Set<String> taken;
    int hidden;

    Build(Set<String> taken) {
      this.taken = taken;
    }

    Input query(Query q, List<String> partition) {
      Source source = sources.apply(q.table());
      Source.SourceInput connection = source.connect(ordering(q));
      connections.add(connection);
      tables.add(q.table());
      Input in = new Guarded(connection, failure);
      if (q.where() != null) {
        in = where(in, q.where());
      }
      if (q.start() != null) {
        Map<String, Object> bound = new LinkedHashMap<>();
        q.start().row().forEach((c, v) -> bound.put(c, Predicates.storageValue(v)));
        in = new Skip(in, Row.of(bound), q.start().exclusive());
      }
      if (q.limit() != null) {
        in = new Take(in, Math.toIntExact(q.limit()), partition);
      }
      for (Related r : q.related()) {
        Input child = query(r.query(), r.correlation().child());
        in = new Join(in, child, r.correlation().parent(), r.correlation().child(), r.name());
      }
      return in;
    }

    private Input where(Input in, Condition where) {
      List<Condition> conjuncts = where instanceof Condition.And a ? a.conditions() : List.of(where);
      List<Condition> plain = new ArrayList<>();
      List<Condition> withExists = new ArrayList<>();
      for (Condition c : conjuncts) {
        (existsOf(c).isEmpty() ? plain : withExists).add(c);
      }
      if (!plain.isEmpty()) {
        in = new Filter(in, Predicates.compile(plain.size() == 1 ? plain.get(0) : new Condition.And(plain)),
            fixed(where));
      }
      if (withExists.isEmpty()) {
        return in;
      }
      Condition c = withExists.size() == 1 ? withExists.get(0) : new Condition.And(withExists);
      Map<Condition.Exists, String> names = new IdentityHashMap<>();
      for (Condition.Exists e : existsOf(c)) {
        String name = hiddenName();
        names.put(e, name);
        Input child = query(e.query(), e.correlation().child());
        in = new Join(in, child, e.correlation().parent(), e.correlation().child(), name);
      }
      Predicates.Compiled test = Predicates.compile(c, names::get);
      return Exists.where(in, List.copyOf(names.values()), test::test);
    }

    private String hiddenName() {
      String name = "exists#" + hidden++;
      while (taken.contains(name)) {
        name = "#" + name;
      }
      taken.add(name);
      return name;
    }
  }

  /**
   * A source connection whose pushes stop at the first exception the pipeline throws (recorded in the
   * {@link Pipeline.Failure}), so that it does not escape into the source's loop over its other connections.
   */
  private record Guarded(Source.SourceInput connection, Pipeline.Failure failure) implements Input {
    @Override
    public io.viewsync.core.ivm.Schema schema() {
      return connection.schema();
    }

    @Override
    public java.util.stream.Stream<io.viewsync.core.ivm.Node> fetch(io.viewsync.core.ivm.FetchRequest request) {
      return connection.fetch(request);
    }

    @Override
    public void setOutput(io.viewsync.core.ivm.Output output) {
      connection.setOutput(change -> {
        if (failure.first != null) {
          return;
        }
        try {
          output.push(change);
        } catch (RuntimeException e) {
          failure.first = e;
        }
      });
    }
  }
}
