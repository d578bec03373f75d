package io.viewsync.client;

/**
 * Counters of one {@link SyncClient}, from its start, as of the last message it handled. Tests read them to tell
 * what a connection cost: a resumed connection should bring only the rows that changed, a reset brings them all.
 *
 * <p>Immutable value; safe from any thread.
 *
 * @param connects connections the server accepted ({@code connected} received)
 * @param pokesApplied pokes applied (at their {@code pokeEnd})
 * @param resets of those, pokes with {@code reset: true} (the server could not resume the client)
 * @param rowsReceived row changes (puts and dels) in applied pokes, since the start
 * @param rowsSinceConnect row changes in pokes applied since the last {@code connected}
 * @param rowsHeld rows the client holds now, over all tables
 */
public record SyncStats(long connects, long pokesApplied, long resets, long rowsReceived, long rowsSinceConnect,
    long rowsHeld) {

  static final SyncStats ZERO = new SyncStats(0, 0, 0, 0, 0, 0);
}
