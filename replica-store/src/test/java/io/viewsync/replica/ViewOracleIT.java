package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.Lsn;
import io.viewsync.core.ivm.FetchRequest;
import io.viewsync.core.ivm.NaiveEvaluator;
import io.viewsync.core.ivm.PgOracleSql;
import io.viewsync.core.ivm.ResultNode;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.query.Normalizer;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.QueryHash;
import io.viewsync.core.query.QueryJson;
import io.viewsync.core.query.QueryLimits;
import io.viewsync.core.query.Result;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import io.viewsync.core.view.Pipeline;
import io.viewsync.core.view.RandomQueries;
import io.viewsync.core.view.RandomSchema;
import io.viewsync.core.view.RowPatch;
import io.viewsync.core.view.RowRef;
import io.viewsync.core.view.ViewTree;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle for incremental views over the real replica: a random schema of 2–4 related tables in Postgres,
 * replicated; random queries from the whole AST subscribed to {@link Views}; random upstream transactions, with
 * now and then a transaction too large to push (a reset), a table resync and a column renamed away and back (a
 * schema change that makes some queries unavailable, then available again). After every transaction, once the
 * replica has it and the views have advanced, each view's rows, its ordered fetch and the rows a client would
 * hold from the patches equal the query evaluated from scratch on the replica at that version; every few
 * transactions a sample of the queries is also run on Postgres itself ({@link PgOracleSql}).
 *
 * <p>{@code -Dviewsync.seed=N} replays a run; {@code -Dviewsync.stress=true} runs longer.
 */
@ExtendWith(PostgresExtension.class)
class ViewOracleIT {
  private static final int MAX_INCREMENTAL = 8;

  @Test
  void everyViewEqualsItsQueryFromScratchAfterEveryUpstreamTransaction(TestDatabase db, @TempDir Path dir)
      throws Exception {
    long seed = ReplicaTesting.seed();
    Random random = new Random(seed);
    RandomSchema schema = RandomSchema.random(random);
    db.execute(schema.ddl().toArray(String[]::new));
    ReplicaTesting.createMarker(db);
    try (Connection pg = db.connect()) {
      for (String t : schema.names()) {
        for (long id = 0; id < RandomSchema.IDS; id++) {
          if (random.nextBoolean()) {
            upsert(pg, t, RandomSchema.randomRow(random, id));
          }
        }
      }
    }
    int steps = ReplicaTesting.scaled(120, 1500);
    int checks = 0;
    int pgChecks = 0;
    int unavailable = 0;
    int resets = 0;
    try (Replicator r = ReplicaTesting.startStreaming(ReplicaTesting.config(db, dir));
         Views views = new Views(r.store(), QueryLimits.DEFAULTS, MAX_INCREMENTAL);
         Connection pg = db.connect()) {
      RandomQueries generator = new RandomQueries(random, schema);
      Map<QueryHash, Query> queries = new LinkedHashMap<>();
      Map<QueryHash, Map<RowRef, Row>> clients = new HashMap<>();
      List<Query> subscribed = new ArrayList<>();
      // One query that reads the column renamed away and back, so that the schema change always touches one.
      subscribed.add(Query.of("t0").withWhere(new io.viewsync.core.query.Condition.Compare("s",
          io.viewsync.core.query.Op.LIKE, new io.viewsync.core.query.Literal.Text("a%")))
          .withOrderBy(List.of(io.viewsync.core.query.Ordering.desc("s"))).withLimit(3L));
      for (int i = 0; i < ReplicaTesting.scaled(12, 30); i++) {
        subscribed.add(generator.next());
      }
      for (Query q : subscribed) {
        Result<QueryHash> sub = views.subscribe(q);
        assertThat(sub.errors()).as("subscribe %s", QueryJson.write(q)).isEmpty();
        queries.put(sub.orElseThrow(), q);
        clients.put(sub.orElseThrow(), new HashMap<>());
      }
      boolean renamed = false;
      for (int step = 0; step <= steps; step++) {
        String what = "hydration";
        if (step > 0) {
          // A resync and a rename away and back at fixed points, big transactions every 15 steps; else random.
          int kind = step % (steps / 4) == steps / 8 ? step % (steps / 2) == steps / 8 ? 0 : 1
              : step % 15 == 0 ? 2 : 3;
          if (kind == 0) {
            what = "resync";
            String t = schema.names().get(random.nextInt(schema.names().size()));
            r.requestResync(t);
            awaitResynced(r, t);
          } else if (kind == 1) {
            what = renamed ? "rename s2 back to s" : "rename s to s2";
            db.execute(renamed ? "ALTER TABLE t0 RENAME COLUMN s2 TO s" : "ALTER TABLE t0 RENAME COLUMN s TO s2");
            renamed = !renamed;
            what += transaction(pg, random, schema, 1, renamed);
          } else {
            what = transaction(pg, random, schema, kind == 2 ? MAX_INCREMENTAL + 3 : 1 + random.nextInt(3), renamed);
          }
        }
        Lsn upstream = ReplicaTesting.marker(pg);
        assertThat(ReplicaOracle.await(60_000, () -> upstream.isAtOrBefore(r.watermark())))
            .as("replica reached %s", upstream).isTrue();
        Views.Advance advance = views.advance();
        for (int i = 0; advance.pending() && i < 5; i++) {
          advance.updates().forEach((h, u) -> apply(clients.get(h), u.patches()));
          advance = views.advance();
        }
        advance.updates().forEach((h, u) -> apply(clients.get(h), u.patches()));
        resets += what.startsWith("resync") || what.startsWith("rename") ? 1 : 0;
        Map<String, TableSpec> specs = views.snapshot().tables();
        Map<String, List<Row>> tables = readAll(views.snapshot().connection(), specs);
        boolean samplePg = step % 10 == 0;
        for (Map.Entry<QueryHash, Query> e : queries.entrySet()) {
          String context = "seed " + seed + " step " + step + " (" + what + ")\nquery " + QueryJson.write(e.getValue());
          Views.Status status = views.status(e.getKey());
          boolean fits = new io.viewsync.core.query.QueryValidator(specs, QueryLimits.DEFAULTS)
              .validate(e.getValue()).isOk();
          assertThat(status.available()).as("available iff the query fits the schema; " + context).isEqualTo(fits);
          unavailable += fits ? 0 : 1;
          Map<RowRef, Row> expectedRows = new HashMap<>();
          if (fits) {
            Query normalized = new Normalizer(specs).normalize(e.getValue());
            List<ResultNode> expected = NaiveEvaluator.evaluate(normalized, tables, specs);
            expectedRows = membership(expected);
            Pipeline p = views.pipeline(e.getKey());
            assertThat(ResultNode.render(ViewTree.fetch(p.input(), normalized))).as("fetch; " + context)
                .isEqualTo(ResultNode.render(expected));
            if (samplePg && random.nextInt(3) == 0) {
              assertThat(ResultNode.render(PgOracleSql.evaluate(pg, normalized, specs)))
                  .as("Postgres; " + context).isEqualTo(ResultNode.render(expected));
              pgChecks++;
            }
          }
          assertThat(views.rows(e.getKey())).as("view rows; " + context).isEqualTo(expectedRows);
          assertThat(clients.get(e.getKey())).as("rows a client holds from the patches; " + context)
              .isEqualTo(expectedRows);
          checks++;
        }
      }
      assertThat(views.pipelines()).isEqualTo(queries.size());
    }
    System.out.printf("ViewOracleIT: %d view checks, %d against Postgres, %d while unavailable, %d resets%n",
        checks, pgChecks, unavailable, resets);
    assertThat(pgChecks).isPositive();
    assertThat(unavailable).as("checks of queries made unavailable by the rename").isPositive();
    assertThat(resets).isGreaterThanOrEqualTo(3);
  }

  private static void apply(Map<RowRef, Row> client, List<RowPatch> patches) {
    for (RowPatch p : patches) {
      RowRef ref = new RowRef(p.table(), p.key());
      if (p.isDelete()) {
        assertThat(client.remove(ref)).as("delete of a row the client has: %s", ref).isNotNull();
      } else {
        client.put(ref, p.row());
      }
    }
  }

  private static Map<RowRef, Row> membership(List<ResultNode> nodes) {
    Map<RowRef, Row> out = new HashMap<>();
    for (ResultNode n : nodes) {
      out.put(new RowRef(n.table(), n.key()), n.row());
      n.related().values().forEach(children -> out.putAll(membership(children)));
    }
    return out;
  }

  /** One upstream transaction of {@code changes} random inserts, updates and deletes; says what it did. */
  private static String transaction(Connection pg, Random random, RandomSchema schema, int changes, boolean renamed)
      throws SQLException {
    StringBuilder what = new StringBuilder();
    pg.setAutoCommit(false);
    try {
      for (int i = 0; i < changes; i++) {
        String t = schema.names().get(random.nextInt(schema.names().size()));
        long id = random.nextInt(RandomSchema.IDS);
        if (random.nextInt(4) == 0) {
          try (PreparedStatement ps = pg.prepareStatement("DELETE FROM " + t + " WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
          }
          what.append("; delete ").append(t).append(' ').append(id);
        } else {
          Row row = RandomSchema.randomRow(random, id);
          if (renamed && t.equals("t0")) {
            row = renameS(row);
          }
          upsert(pg, t, row);
          what.append("; put ").append(t).append(' ').append(row);
        }
      }
      pg.commit();
    } finally {
      pg.setAutoCommit(true);
    }
    return what.toString();
  }

  private static Row renameS(Row row) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String c : row.columns()) {
      m.put(c.equals("s") ? "s2" : c, row.get(c));
    }
    return Row.of(m);
  }

  private static void upsert(Connection pg, String table, Row row) throws SQLException {
    List<String> cols = new ArrayList<>(row.columns());
    StringBuilder sql = new StringBuilder("INSERT INTO " + table + " (" + String.join(", ", cols) + ") VALUES (");
    sql.append("?, ".repeat(cols.size() - 1)).append("?) ON CONFLICT (id) DO UPDATE SET ");
    sql.append(String.join(", ", cols.stream().filter(c -> !c.equals("id")).map(c -> c + " = EXCLUDED." + c)
        .toList()));
    try (PreparedStatement ps = pg.prepareStatement(sql.toString())) {
      for (int i = 0; i < cols.size(); i++) {
        String c = cols.get(i);
        Object v = row.get(c);
        if (c.equals("b")) {
          if (v == null) {
            ps.setNull(i + 1, Types.BOOLEAN);
          } else {
            ps.setBoolean(i + 1, (Long) v != 0);
          }
        } else if (v == null) {
          ps.setNull(i + 1, c.equals("s") || c.equals("s2") ? Types.VARCHAR : c.equals("f") ? Types.DOUBLE
              : Types.BIGINT);
        } else {
          ps.setObject(i + 1, v);
        }
      }
      ps.executeUpdate();
    }
  }


  private static void awaitResynced(Replicator r, String table) throws Exception {
    assertThat(ReplicaOracle.await(60_000, () -> r.status().tables().stream()
        .noneMatch(t -> t.name().equals(table) && t.state().equals("resyncing")))).as("resync of %s", table).isTrue();
  }

  private static Map<String, List<Row>> readAll(Connection c, Map<String, TableSpec> specs) throws SQLException {
    Map<String, List<Row>> out = new HashMap<>();
    for (String t : specs.keySet()) {
      List<Row> rows = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + ReplicaStore.q(t))) {
        while (rs.next()) {
          Map<String, Object> m = new LinkedHashMap<>();
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            Object v = rs.getObject(i);
            m.put(rs.getMetaData().getColumnName(i), v instanceof Integer n ? Long.valueOf(n) : v);
          }
          rows.add(Row.of(m));
        }
      }
      out.put(t, rows);
    }
    return out;
  }
}
