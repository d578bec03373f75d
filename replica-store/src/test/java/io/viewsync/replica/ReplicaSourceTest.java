package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewsync.core.Lsn;
import io.viewsync.core.ivm.Change;
import io.viewsync.core.ivm.FetchRequest;
import io.viewsync.core.ivm.Input;
import io.viewsync.core.ivm.MemorySource;
import io.viewsync.core.ivm.Node;
import io.viewsync.core.ivm.Ordering;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.ivm.Source;
import io.viewsync.core.ivm.Values;
import io.viewsync.core.schema.TableSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ReplicaSource against MemorySource, the reference, on a real replica file: seeded random tables, orderings,
 * constraints and starts must fetch the same rows in the same order, and during a staged advance every fetch made
 * inside every push must equal what MemorySource's connections return during the same push of the same change.
 * {@code -Dviewsync.seed=N} replays a run; the seed is printed and named in any failure.
 */
class ReplicaSourceTest {
  @TempDir
  Path dir;

  @Test
  void randomFetchesEqualMemorySource() throws Exception {
    long seed = ReplicaTesting.seed();
    try {
      for (TableSpec spec : List.of(MixedTable.BY_ID, MixedTable.BY_PAIR)) {
        Random random = new Random(seed ^ spec.oid());
        try (ReplicaStore store = ReplicaStore.open(dir.resolve(spec.name().name()))) {
          compareFetches(store, new MixedTable(spec, random, 240), random);
        }
      }
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("seed " + seed + " (replay with -Dviewsync.seed=" + seed + "): " + e.getMessage(), e);
    }
  }

  private void compareFetches(ReplicaStore store, MixedTable table, Random random) throws Exception {
    MixedTable.create(store, table.spec);
    for (int i = 0; i < 300; i++) {
      table.upsert(store.writer(), table.row());
    }
    store.commit();
    try (Connection snapshot = store.openReader()) {
      snapshot.setAutoCommit(false);
      List<Row> rows = table.read(snapshot);
      MemorySource memory = new MemorySource(table.table(), table.columns, table.spec.keyColumns());
      rows.forEach(memory::add);
      int fetches = 0;
      int withRows = 0;
      int pastFirstChunk = 0;
      try (ReplicaSource replica = new ReplicaSource(table.spec, () -> snapshot)) {
        for (int round = 0; round < 12; round++) {
          Ordering ordering = table.ordering();
          Input expected = memory.connect(ordering);
          Input actual = replica.connect(ordering);
          for (int i = 0; i < 60; i++) {
            FetchRequest request = table.request(rows);
            List<Row> want = fetch(expected, request);
            assertThat(fetch(actual, request)).as("%s in %s", request, ordering).containsExactlyElementsOf(want);
            fetches++;
            withRows += want.isEmpty() ? 0 : 1;
            pastFirstChunk += want.size() > 2 * ChunkedFetch.FIRST_CHUNK ? 1 : 0;
            int n = random.nextInt(5);
            assertThat(actual.fetch(request).limit(n).map(Node::row).toList()).as("first %d of %s", n, request)
                .containsExactlyElementsOf(want.subList(0, Math.min(n, want.size())));
          }
        }
      }
      // The requests must exercise something: rows found, and reads that continue over several chunks.
      assertThat(withRows).as("fetches that found rows, of %d", fetches).isGreaterThan(fetches / 3);
      assertThat(pastFirstChunk).as("fetches read past two chunks, of %d", fetches).isGreaterThan(fetches / 20);
    }
  }

  @Test
  void stagedAdvancesShowEachPushWhatMemorySourceShows() throws Exception {
    long seed = ReplicaTesting.seed();
    try {
      for (TableSpec spec : List.of(MixedTable.BY_ID, MixedTable.BY_PAIR)) {
        Random random = new Random(seed ^ (spec.oid() * 31L));
        try (ReplicaStore store = ReplicaStore.open(dir.resolve(spec.name().name()));
             Snapshotter snapshots = new Snapshotter(store)) {
          new Advances(store, snapshots, new MixedTable(spec, random, 60), random).run();
        }
      }
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("seed " + seed + " (replay with -Dviewsync.seed=" + seed + "): " + e.getMessage(), e);
    }
  }

  /** Random batches of changes, committed to the replica and pushed to both sources in lockstep. */
  private static final class Advances {
    private final ReplicaStore store;
    private final Snapshotter snapshots;
    private final MixedTable table;
    private final Random random;
    private final Map<Row, Row> model = new LinkedHashMap<>(); // key -> row, as the pushes so far leave it
    private long version = 1000;

    Advances(ReplicaStore store, Snapshotter snapshots, MixedTable table, Random random) {
      this.store = store;
      this.snapshots = snapshots;
      this.table = table;
      this.random = random;
    }

    void run() throws SQLException {
      MixedTable.create(store, table.spec);
      for (int i = 0; i < 40; i++) {
        Row r = table.row();
        model.put(key(r), r);
      }
      for (Row r : model.values()) {
        table.upsert(store.writer(), r);
      }
      commit();
      snapshots.advance();
      Supplier<Connection> snapshot = () -> {
        try {
          return snapshots.current().connection();
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      };
      assertThat(table.read(snapshot.get())).as("rows as stored").containsExactlyInAnyOrderElementsOf(model.values());
      for (int round = 0; round < 4; round++) {
        MemorySource memory = new MemorySource(table.table(), table.columns, table.spec.keyColumns());
        model.values().forEach(memory::add);
        try (ReplicaSource replica = new ReplicaSource(table.spec, snapshot)) {
          List<Ordering> orderings = List.of(table.ordering(), table.ordering());
          Probe expected = new Probe(memory, orderings);
          Probe actual = new Probe(replica, orderings);
          for (int batch = 0; batch < 12; batch++) {
            List<StagedChange> changes = changes();
            boolean staged = random.nextInt(3) != 0;
            if (staged) {
              for (StagedChange c : changes) {
                write(c);
              }
              commit();
              snapshots.advance();
              replica.stage(changes);
              actual.plan(plan(), expected);
              expected.runPlanNow();
              actual.runPlanNow();
              assertThat(actual.take()).as("fetches after staging, before any push").isEqualTo(expected.take());
            }
            for (StagedChange c : changes) {
              if (!staged) {
                write(c);
                commit();
                snapshots.advance();
              }
              actual.plan(plan(), expected);
              apply(memory, c);
              replica.push(c.before(), c.after());
              assertThat(actual.take()).as("during the pushes of %s (staged: %s)", c, staged)
                  .isEqualTo(expected.take());
            }
            assertThat(replica.staged()).isZero();
            actual.assertViewsMatchFetch("batch " + batch);
          }
        }
      }
    }

    private Row key(Row r) {
      return r.select(table.spec.keyColumns());
    }

    /** 1 to 8 changes against the model, applied to it; now and then a key changes twice (a chain). */
    private List<StagedChange> changes() {
      List<StagedChange> out = new ArrayList<>();
      Set<Row> touched = new HashSet<>();
      int n = 1 + random.nextInt(8);
      while (out.size() < n) {
        Row fresh = table.row();
        Row before = random.nextInt(3) != 0 && !model.isEmpty()
            ? new ArrayList<>(model.values()).get(random.nextInt(model.size())) : model.get(key(fresh));
        Row k = before != null ? key(before) : key(fresh);
        if (touched.contains(k) && random.nextInt(4) != 0) {
          continue;
        }
        Row after = before != null && random.nextInt(3) == 0 ? null : withKey(fresh, k);
        if (after != null && after.equals(before)) {
          continue;
        }
        touched.add(k);
        out.add(new StagedChange(before, after));
        if (after == null) {
          model.remove(k);
        } else {
          model.put(k, after);
        }
      }
      return out;
    }

    private Row withKey(Row row, Row key) {
      Row out = row;
      for (String c : key.columns()) {
        out = out.with(c, key.get(c));
      }
      return out;
    }

    private void write(StagedChange c) throws SQLException {
      if (c.after() == null) {
        table.delete(store.writer(), c.before());
      } else {
        table.upsert(store.writer(), c.after());
      }
    }

    private void commit() throws SQLException {
      store.putState(ReplicaWriter.STATE_WATERMARK, Lsn.of(version += 8).toString());
      store.commit();
    }

    private static void apply(MemorySource memory, StagedChange c) {
      if (c.before() == null) {
        memory.add(c.after());
      } else if (c.after() == null) {
        memory.remove(c.before());
      } else {
        memory.edit(c.before(), c.after());
      }
    }

    /** For the push to each connection, one request to fetch through each connection. */
    private FetchRequest[][] plan() {
      List<Row> rows = new ArrayList<>(model.values());
      FetchRequest[][] p = new FetchRequest[2][2];
      for (FetchRequest[] forPush : p) {
        for (int j = 0; j < forPush.length; j++) {
          forPush[j] = random.nextInt(4) == 0 ? FetchRequest.ALL : table.request(rows);
        }
      }
      return p;
    }
  }

  /**
   * Two connections of a source, each output keeping a view and, on every push, fetching through both connections
   * as planned; {@link #take} returns and clears what was seen.
   */
  private static final class Probe {
    private final List<Source.SourceInput> inputs = new ArrayList<>();
    private final List<View> views = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private FetchRequest[][] plan;

    Probe(Source source, List<Ordering> orderings) {
      for (int i = 0; i < orderings.size(); i++) {
        Source.SourceInput in = source.connect(orderings.get(i));
        View view = new View(in);
        int index = i;
        in.setOutput(change -> {
          view.apply(change);
          log.add("push to " + index + ": " + describe(change));
          fetchAll(plan[index]);
        });
        inputs.add(in);
        views.add(view);
      }
    }

    /** Sets the plan of this probe and of {@code other}, so that both fetch the same. */
    void plan(FetchRequest[][] plan, Probe other) {
      this.plan = plan;
      other.plan = plan;
    }

    void runPlanNow() {
      fetchAll(plan[0]);
    }

    private void fetchAll(FetchRequest[] requests) {
      for (int j = 0; j < inputs.size(); j++) {
        log.add("  through " + j + " " + requests[j] + " -> " + fetch(inputs.get(j), requests[j]));
      }
    }

    List<String> take() {
      List<String> out = List.copyOf(log);
      log.clear();
      return out;
    }

    void assertViewsMatchFetch(String when) {
      for (int i = 0; i < inputs.size(); i++) {
        assertThat(views.get(i).rows).as("view %d after %s", i, when).isEqualTo(fetch(inputs.get(i), FetchRequest.ALL));
      }
    }

    private static String describe(Change c) {
      if (c instanceof Change.Add a) {
        return "add " + a.row();
      } else if (c instanceof Change.Remove r) {
        return "remove " + r.row();
      } else if (c instanceof Change.Edit e) {
        return "edit " + e.oldRow() + " -> " + e.newRow();
      }
      throw new IllegalStateException("a source pushes no " + c);
    }
  }

  /** A connection's rows kept from its first fetch and its pushes, checking the push invariants. */
  private static final class View {
    private final Input input;
    private final List<Row> rows;

    View(Input input) {
      this.input = input;
      this.rows = new ArrayList<>(fetch(input, FetchRequest.ALL));
    }

    void apply(Change change) {
      List<String> key = input.schema().key();
      if (change instanceof Change.Add a) {
        assertThat(rows).as("add of a present key").noneMatch(r -> r.select(key).equals(a.row().select(key)));
        insert(a.row());
      } else if (change instanceof Change.Remove r) {
        assertThat(rows.remove(r.row())).as("remove of an absent row %s", r.row()).isTrue();
      } else if (change instanceof Change.Edit e) {
        assertThat(rows.remove(e.oldRow())).as("edit of an absent row %s", e.oldRow()).isTrue();
        insert(e.newRow());
      } else {
        throw new IllegalStateException("a source pushes no " + change);
      }
    }

    private void insert(Row row) {
      int i = 0;
      while (i < rows.size() && input.schema().ordering().compare(rows.get(i), row) < 0) {
        i++;
      }
      rows.add(i, row);
    }
  }

  private static List<Row> fetch(Input input, FetchRequest request) {
    return input.fetch(request).map(Node::row).toList();
  }

  @Test
  void sqliteOrdersAndMatchesValuesAsValuesCompareDoes() throws Exception {
    List<Object> values = MixedTable.allValues();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
         Statement s = c.createStatement()) {
      s.execute("CREATE TABLE v (id INTEGER PRIMARY KEY, x BLOB)"); // BLOB: no affinity, values stay as they are
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO v VALUES (?, ?)")) {
        for (int i = 0; i < values.size(); i++) {
          ps.setLong(1, i);
          ValueBinder.bind(ps, 2, values.get(i));
          ps.executeUpdate();
        }
      }
      List<Integer> bySqlite = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT id FROM v ORDER BY x, id")) {
        while (rs.next()) {
          bySqlite.add(rs.getInt(1));
        }
      }
      List<Integer> byValues = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        byValues.add(i);
      }
      byValues.sort((a, b) -> {
        int cmp = Values.compare(values.get(a), values.get(b));
        return cmp != 0 ? cmp : Integer.compare(a, b);
      });
      assertThat(bySqlite).isEqualTo(byValues);
      try (PreparedStatement ps = c.prepareStatement("SELECT ? IS ?")) {
        for (Object a : values) {
          for (Object b : values) {
            ValueBinder.bind(ps, 1, a);
            ValueBinder.bind(ps, 2, b);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              assertThat(rs.getInt(1) == 1).as("%s IS %s", a, b)
                  .isEqualTo(Values.compare(a, b) == 0);
            }
          }
        }
      }
    }
  }

  @Test
  void fetchReadsNothingUntilAskedAndAFetchDuringAHalfReadStreamDoesNotDisturbIt() throws Exception {
    try (ReplicaStore store = ReplicaStore.open(dir)) {
      MixedTable table = new MixedTable(MixedTable.BY_ID, new Random(1), 1000);
      MixedTable.create(store, table.spec);
      for (long i = 0; i < 100; i++) {
        table.upsert(store.writer(), table.row().with("id", i));
      }
      store.commit();
      try (Connection snapshot = store.openReader();
           ReplicaSource source = new ReplicaSource(table.spec, () -> snapshot)) {
        snapshot.setAutoCommit(false);
        Input input = source.connect(Ordering.byKey(List.of("id")));
        Stream<Node> unread = input.fetch(FetchRequest.ALL);
        assertThat(source.statementsExecuted()).as("a stream not yet read").isZero();
        List<Long> ids = new ArrayList<>();
        Iterator<Node> it = input.fetch(FetchRequest.ALL).iterator();
        while (it.hasNext()) {
          ids.add((Long) it.next().row().get("id"));
          // the same SQL, so the same cached statement, while the outer stream is between chunks or inside one
          assertThat(input.fetch(FetchRequest.ALL).count()).isEqualTo(100);
        }
        assertThat(ids).hasSize(100).isSorted();
        assertThat(unread.count()).as("a stream read late").isEqualTo(100);
      }
    }
  }

  @Test
  void aConnectionMustBeOrderedOverItsColumnsAndKey() throws Exception {
    try (ReplicaStore store = ReplicaStore.open(dir); Connection snapshot = store.openReader();
         ReplicaSource source = new ReplicaSource(MixedTable.BY_ID, () -> snapshot)) {
      assertThatThrownBy(() -> source.connect(new Ordering(List.of(Ordering.asc("m")))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key");
      assertThatThrownBy(() -> source.connect(Ordering.of(List.of(Ordering.asc("nope")), List.of("id"))))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void pushesMustFollowTheStagedOrderAndStagingWaitsForThem() throws Exception {
    try (ReplicaStore store = ReplicaStore.open(dir); Connection snapshot = store.openReader();
         ReplicaSource source = new ReplicaSource(MixedTable.BY_ID, () -> snapshot)) {
      Row a = Row.of("id", 1L, "m", null, "r", null, "t", "a");
      Row b = Row.of("id", 2L, "m", null, "r", null, "t", "b");
      source.connect(Ordering.byKey(List.of("id"))).setOutput(c -> { });
      source.stage(List.of(new StagedChange(null, a), new StagedChange(null, b)));
      assertThatThrownBy(() -> source.push(null, b)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("next staged change");
      source.push(null, a);
      assertThatThrownBy(() -> source.stage(List.of())).isInstanceOf(IllegalStateException.class);
      source.push(null, b);
      assertThat(source.staged()).isZero();
      assertThatThrownBy(() -> source.stage(List.of(new StagedChange(a, b))))
          .as("an edit keeps the key").isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> source.stage(List.of(new StagedChange(null, a), new StagedChange(null, a))))
          .as("a second change of a key starts where the first ended").isInstanceOf(IllegalArgumentException.class);
    }
  }
}
