package io.viewsync.core.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.ivm.MemorySource;
import io.viewsync.core.ivm.NaiveEvaluator;
import io.viewsync.core.ivm.ResultNode;
import io.viewsync.core.ivm.TakeModes;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.query.Normalizer;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.QueryJson;
import io.viewsync.core.query.QueryLimits;
import io.viewsync.core.query.QueryValidator;
import io.viewsync.core.query.Result;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The oracle property over in-memory sources: random schemas of 2–4 related tables, random queries from the whole
 * AST, random changes; after every change each pipeline's pushed-and-applied tree, its fresh fetch and its
 * membership ({@link ViewRows}) equal the query evaluated from scratch ({@link NaiveEvaluator}). Seeded:
 * {@code -Dviewsync.seed=N} replays a run, {@code -Dviewsync.stress=true} runs 10× more cases. The replica-backed
 * version of this property (with Postgres as a second oracle) is replica-store's {@code ViewOracleIT}.
 */
class PipelinePropertyTest {
  static final boolean STRESS = Boolean.getBoolean("viewsync.stress");

  @Test
  void incrementalViewsEqualTheQueryEvaluatedFromScratch() {
    long seed = Long.getLong("viewsync.seed", System.nanoTime());
    int cases = STRESS ? 4000 : 400;
    int checks = 0;
    System.out.println("PipelinePropertyTest seed " + seed + " (-Dviewsync.seed=" + seed + " replays it)");
    int[] total = {0};
    for (int n = 0; n < cases; n++) {
      int c = n;
      // Odd cases read across a Take's partitions by scanning, even ones by asking each window (few windows here).
      if (n % 2 == 1) {
        TakeModes.scanningAcrossPartitions(() -> total[0] += runCase(seed, c));
      } else {
        total[0] += runCase(seed, c);
      }
    }
    checks = total[0];
    System.out.println("PipelinePropertyTest: " + cases + " cases, " + checks + " view checks");
  }

  private static int runCase(long seed, int n) {
    Random random = new Random(seed * 31 + n);
    RandomSchema schema = RandomSchema.random(random);
    Map<String, MemorySource> sources = new LinkedHashMap<>();
    for (String t : schema.names()) {
      MemorySource s = new MemorySource(t, RandomSchema.COLUMNS, List.of("id"));
      for (long id = 0; id < RandomSchema.IDS; id++) {
        if (random.nextInt(3) > 0) {
          s.add(RandomSchema.randomRow(random, id));
        }
      }
      sources.put(t, s);
    }
    RandomQueries generator = new RandomQueries(random, schema);
    List<Checked> views = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Query raw = generator.next();
      Result<Query> valid = new QueryValidator(schema.tables(), QueryLimits.DEFAULTS).validate(raw);
      assertThat(valid.errors()).as("the generator made an invalid query %s", QueryJson.write(raw)).isEmpty();
      Query q = new Normalizer(schema.tables()).normalize(raw);
      Pipeline p = new PipelineBuilder(sources::get).build(q);
      ViewRows rows = new ViewRows(p);
      ViewTree tree = new ViewTree(p.input(), q).then(rows);
      views.add(new Checked(q, p, tree, rows));
    }
    int checks = 0;
    for (int step = 0; step <= 25; step++) {
      String what = step == 0 ? "hydration" : RandomChanges.apply(random, sources);
      Map<String, List<Row>> tables = new HashMap<>();
      sources.forEach((t, s) -> tables.put(t, s.rows()));
      for (Checked v : views) {
        String context = "seed " + seed + " case " + n + " step " + step + " (" + what + ")\nquery "
            + QueryJson.write(v.query);
        List<ResultNode> expected = NaiveEvaluator.evaluate(v.query, tables, schema.tables());
        assertThat(ResultNode.render(v.tree.result())).as("pushed tree; " + context)
            .isEqualTo(ResultNode.render(expected));
        assertThat(ResultNode.render(ViewTree.fetch(v.pipeline.input(), v.query))).as("fetch; " + context)
            .isEqualTo(ResultNode.render(expected));
        assertThat(v.rows.rows()).as("membership; " + context).isEqualTo(membership(expected));
        checks++;
      }
    }
    views.forEach(v -> v.pipeline.close());
    return checks;
  }

  /** Every row of a result tree by reference, as {@link ViewRows#rows()} keeps them. */
  static Map<RowRef, Row> membership(List<ResultNode> nodes) {
    Map<RowRef, Row> out = new HashMap<>();
    collect(nodes, out);
    return out;
  }

  private static void collect(List<ResultNode> nodes, Map<RowRef, Row> out) {
    for (ResultNode n : nodes) {
      out.put(new RowRef(n.table(), n.key()), n.row());
      n.related().values().forEach(children -> collect(children, out));
    }
  }

  private record Checked(Query query, Pipeline pipeline, ViewTree tree, ViewRows rows) {}
}
