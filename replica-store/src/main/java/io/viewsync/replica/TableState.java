package io.viewsync.replica;

/**
 * The replication state of one table, as stored in {@code _viewsync_tables.state} and shown in status.
 * Stored and sent: values only grow, never renamed.
 */
public enum TableState {
  COPYING("copying"),
  SYNCING("syncing"),
  UNSYNCABLE("unsyncable"),
  /** Being copied again (per-table resync) while the others stream; its stream changes are buffered. */
  RESYNCING("resyncing"),
  /** Applying a change to it failed: it stops, the others go on. Repaired by copying it again. */
  QUARANTINED("quarantined");

  private final String wireName;

  TableState(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static TableState fromWireName(String s) {
    for (TableState t : values()) {
      if (t.wireName.equals(s)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown table state in the replica: " + s);
  }
}
