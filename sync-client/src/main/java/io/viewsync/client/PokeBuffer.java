package io.viewsync.client;

import io.viewsync.core.protocol.ServerEvent;
import io.viewsync.core.protocol.ServerMessage.QueryStatus;
import io.viewsync.core.protocol.ServerMessage.RowOp;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects one poke (docs/protocol.md, "pokeStart, pokePart, pokeEnd"): the parts after a {@code pokeStart} are
 * kept until its {@code pokeEnd}, which hands over the whole poke so it can be applied at once. A part or end of
 * another poke, or a start while one is open, is a {@link ProtocolViolation}.
 *
 * <p>Not thread-safe: the client's thread only.
 */
final class PokeBuffer {

  /** A whole poke. Immutable value. */
  record Poke(ServerEvent.PokeStart start, List<RowOp> rows, List<QueryStatus> queries, String cookie) {
    Poke {
      rows = List.copyOf(rows);
      queries = List.copyOf(queries);
    }
  }

  private ServerEvent.PokeStart start;
  private final List<RowOp> rows = new ArrayList<>();
  private final List<QueryStatus> queries = new ArrayList<>();

  /** Takes one poke message; returns the whole poke at its {@code pokeEnd}, null before. */
  Poke accept(ServerEvent event) {
    if (event instanceof ServerEvent.PokeStart s) {
      if (start != null) {
        throw new ProtocolViolation("pokeStart " + s.pokeID() + " while poke " + start.pokeID() + " is open");
      }
      start = s;
      return null;
    } else if (event instanceof ServerEvent.PokePart p) {
      open(p.pokeID(), "pokePart");
      rows.addAll(p.rows());
      queries.addAll(p.queries());
      return null;
    } else if (event instanceof ServerEvent.PokeEnd e) {
      open(e.pokeID(), "pokeEnd");
      Poke poke = new Poke(start, rows, queries, e.cookie());
      clear();
      return poke;
    }
    throw new IllegalArgumentException("not a poke message: " + event.type());
  }

  /** Drops a poke in progress (the connection that was sending it is gone). */
  void clear() {
    start = null;
    rows.clear();
    queries.clear();
  }

  private void open(String pokeID, String what) {
    if (start == null) {
      throw new ProtocolViolation(what + " " + pokeID + " without a pokeStart");
    }
    if (!start.pokeID().equals(pokeID)) {
      throw new ProtocolViolation(what + " " + pokeID + " inside poke " + start.pokeID());
    }
  }
}
