package io.viewsync.replica;

import io.viewsync.core.TableName;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.schema.UpstreamTable;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Column;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Relation;
import io.viewsync.core.value.PgType;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a schema change out of a pgoutput Relation message (the fallback without event triggers): a renamed
 * table, added, dropped and renamed columns, type changes, key columns dropped. A Relation carries column names
 * and type oids in attnum order but no attnums, defaults or indexes, so a column renamed in place is recognized by
 * position and type, and what the stream cannot say comes from the live catalog or a resync. Stateless; called
 * on the replication thread.
 */
final class RelationShapes {
  private RelationShapes() {}

  /** A spec derived from a Relation message, what differs, and why the table must be copied again (or null). */
  record Derived(TableSpec spec, Map<String, String> missing, String what, String resync) {}

  /**
   * Compares a Relation message with the table's recorded spec. Null when they agree (names and types); else
   * the spec the Relation implies (types of new columns and values of added columns from the live catalog),
   * what differs, and why the table must be copied again, if it must.
   */
  static Derived derive(TableSpec spec, Relation r, LiveCatalog catalog) throws SQLException {
    TableName name = new TableName(r.namespace(), r.name());
    List<Column> rc = r.columns();
    boolean sameNames = name.equals(spec.name()) && rc.size() == spec.columns().size();
    boolean sameTypes = true;
    for (int i = 0; sameNames && i < rc.size(); i++) {
      ColumnSpec c = spec.columns().get(i);
      sameNames = c.name().equals(rc.get(i).name());
      sameTypes &= sameNames && sameType(c, rc.get(i).typeOid(), catalog);
    }
    if (sameNames && sameTypes) {
      return null;
    }
    List<String> what = new ArrayList<>();
    String resync = null;
    if (!name.equals(spec.name())) {
      what.add("renamed to " + name);
    }
    // A column renamed in place: the same count, one name differs, the same type there.
    int renamedAt = -1;
    if (rc.size() == spec.columns().size()) {
      int diffs = 0;
      for (int i = 0; i < rc.size(); i++) {
        if (!rc.get(i).name().equals(spec.columns().get(i).name())) {
          diffs++;
          renamedAt = i;
        }
      }
      if (diffs != 1 || spec.column(rc.get(renamedAt).name()).isPresent()
          || !sameType(spec.columns().get(renamedAt), rc.get(renamedAt).typeOid(), catalog)) {
        renamedAt = -1;
      }
    }
    Optional<UpstreamTable> live = Optional.empty();
    Map<String, String> missing = new HashMap<>();
    List<ColumnSpec> cols = new ArrayList<>();
    for (int i = 0; i < rc.size(); i++) {
      Column c = rc.get(i);
      Optional<ColumnSpec> old = spec.column(c.name());
      if (i == renamedAt) {
        ColumnSpec o = spec.columns().get(i);
        cols.add(new ColumnSpec(c.name(), o.type(), o.declaredType(), o.notNull(), o.attnum(), o.defaultExpr()));
        what.add("column " + o.name() + " renamed to " + c.name());
        if (o.attnum() == 0) {
          // A spec recorded before attnums were tracked: the applier would see a drop and an add.
          resync = "column " + o.name() + " was renamed to " + c.name();
        }
      } else if (old.isPresent() && sameType(old.get(), c.typeOid(), catalog)) {
        cols.add(old.get());
      } else {
        PgType type = catalog.type(c.typeOid());
        cols.add(new ColumnSpec(c.name(), type, type.name(), false, 0, null));
        if (old.isPresent()) {
          what.add("column " + c.name() + " changed type to " + type.name());
          resync = "column " + c.name() + " changed type (seen without event triggers, so its values are re-read)";
        } else {
          what.add("column " + c.name() + " added");
          if (live.isEmpty()) {
            live = catalog.table(r.oid());
          }
          Optional<ColumnSpec> liveCol = live.flatMap(l -> l.spec().column(c.name()));
          String mv = live.map(l -> l.missingValues().get(c.name())).orElse(null);
          if (mv != null) {
            missing.put(c.name(), mv);
          } else if (liveCol.isPresent() && liveCol.get().defaultExpr() != null) {
            resync = "column " + c.name() + " was added with a default the stream does not carry";
          }
        }
      }
    }
    for (ColumnSpec c : spec.columns()) {
      if (cols.stream().noneMatch(x -> x.name().equals(c.name()) || (x.attnum() == c.attnum() && c.attnum() != 0))) {
        what.add("column " + c.name() + " dropped");
      }
    }
    // Keep the old attnums working for the applier: a renamed column keeps its number, so match by it only
    // when it was made up here.
    List<String> key = new ArrayList<>();
    for (String k : spec.keyColumns()) {
      int i = spec.columnIndex(k);
      String now = i == renamedAt ? rc.get(i).name() : k;
      if (cols.stream().anyMatch(c -> c.name().equals(now))) {
        key.add(now);
      }
    }
    TableSpec to;
    if (key.size() != spec.keyColumns().size()) {
      to = new TableSpec(name, spec.oid(), cols, List.of(), null, "its row key columns were dropped",
          spec.indexes());
    } else {
      to = new TableSpec(name, spec.oid(), cols, key, spec.keySource(), spec.unsyncableReason(), List.of());
    }
    return new Derived(to, missing, String.join(", ", what), resync);
  }

  /** Whether a Relation column's type (a domain, perhaps) is the column's recorded (base) type. */
  private static boolean sameType(ColumnSpec c, int typeOid, LiveCatalog catalog) throws SQLException {
    return c.type().oid() == typeOid || catalog == null || catalog.type(typeOid).oid() == c.type().oid();
  }
}
