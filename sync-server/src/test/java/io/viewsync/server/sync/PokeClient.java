package io.viewsync.server.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.protocol.ServerEvent;
import io.viewsync.core.protocol.ServerMessage;
import io.viewsync.core.protocol.ServerMessageReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A protocol client for tests: the rows it holds by (table, key JSON), built only from the messages it receives
 * (pokes applied at pokeEnd, each checked to apply to the cookie it has), its query statuses, errors and
 * schemaChanged messages, and what the last poke carried.
 */
public final class PokeClient {
  public final Map<String, String> rows = new HashMap<>(); // JSON text: IntNode(7) and LongNode(7) are not equal
  public final Map<String, String> statuses = new HashMap<>();
  private final List<ServerEvent> buffered = new ArrayList<>();
  public final List<String> errors = new ArrayList<>();
  public final List<String> schemaChanges = new ArrayList<>();
  public String cookie;
  public int pokes;
  public int lastPokeRows; // row ops in the last poke applied
  public boolean lastReset;
  public int totalRows; // row ops in every poke applied
  public int resets; // reset pokes applied

  /** A copy of the rows, for a thread other than the one receiving (a socket's). */
  public synchronized Map<String, String> rowsNow() {
    return new HashMap<>(rows);
  }

  /** The statuses now, for another thread. */
  public synchronized Map<String, String> statusesNow() {
    return new HashMap<>(statuses);
  }

  /** Pokes applied so far, for another thread. */
  public synchronized int pokesNow() {
    return pokes;
  }

  /** Row ops of every poke so far and how many pokes were resets, for another thread. */
  public synchronized String allPokes() {
    return totalRows + " rows, " + resets + " resets";
  }

  /** The row ops of the last poke and whether it was a reset, for another thread. */
  public synchronized String lastPoke() {
    return (lastReset ? "reset, " : "") + lastPokeRows + " rows";
  }

  /** Applies one server message (call from one thread at a time; the socket's). */
  public synchronized void receive(String message) {
    ServerMessageReader.Parsed p = ServerMessageReader.parse(message);
    assertThat(p).as("a message the client can read: %s", message).isInstanceOf(ServerEvent.class);
    ServerEvent e = (ServerEvent) p;
    if (e instanceof ServerEvent.Error err) {
      errors.add(err.kind() + ": " + err.message());
    } else if (e instanceof ServerEvent.PokeEnd end) {
      for (ServerEvent b : buffered) {
        if (b instanceof ServerEvent.PokeStart start) {
          assertThat(start.baseCookie()).as("a poke applies to the cookie the client has").isEqualTo(
              start.reset() ? start.baseCookie() : cookie);
          if (start.reset()) {
            rows.clear();
          }
        } else if (b instanceof ServerEvent.PokePart part) {
          for (ServerMessage.RowOp op : part.rows()) {
            String ref = op.table() + " " + op.key();
            if (op.op() == ServerMessage.RowOp.Op.PUT) {
              rows.put(ref, op.value().toString());
            } else {
              rows.remove(ref);
            }
          }
          part.queries().forEach(q -> statuses.put(q.queryID(), q.status().wire()));
        }
      }
      lastPokeRows = buffered.stream().filter(b -> b instanceof ServerEvent.PokePart)
          .mapToInt(b -> ((ServerEvent.PokePart) b).rows().size()).sum();
      lastReset = buffered.stream().anyMatch(b -> b instanceof ServerEvent.PokeStart st && st.reset());
      pokes++;
      totalRows += lastPokeRows;
      resets += lastReset ? 1 : 0;
      buffered.clear();
      cookie = end.cookie();
    } else if (e instanceof ServerEvent.SchemaChanged) {
      schemaChanges.add(message);
    } else if (e instanceof ServerEvent.PokeStart || e instanceof ServerEvent.PokePart) {
      buffered.add(e);
    }
  }
}
