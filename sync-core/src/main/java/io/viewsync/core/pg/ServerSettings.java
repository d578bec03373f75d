package io.viewsync.core.pg;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/**
 * The server settings {@link LocalPostgres} runs with: written to {@code postgresql.conf} once at
 * {@code initdb} time (so a human running {@code pg_ctl} by hand gets the same server), and the
 * per-start ones ({@link #perStart}) also passed on the command line so that a persistent cluster
 * follows the options of the JVM that starts it.
 *
 * <p>Pure functions; safe from any thread.
 */
final class ServerSettings {

  private ServerSettings() {}

  /** Settings that depend on the builder's options; passed as {@code -c} on every start. */
  static Map<String, String> perStart(int port, boolean fsync) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("port", Integer.toString(port));
    s.put("fsync", onOff(fsync));
    // Without fsync durability is gone anyway, so stop paying for it; with fsync keep Postgres' defaults.
    s.put("synchronous_commit", onOff(fsync));
    s.put("full_page_writes", onOff(fsync));
    return s;
  }

  /** Everything, in {@code postgresql.conf} syntax. */
  static List<String> confLines(int port, boolean fsync) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("listen_addresses", "'127.0.0.1'");
    // TCP only: Unix socket paths are limited to ~107 bytes and deep data directories exceed that.
    s.put("unix_socket_directories", "''");
    s.put("wal_level", "logical");
    s.put("max_replication_slots", "32");
    s.put("max_wal_senders", "32");
    s.put("max_connections", "200");
    s.put("shared_buffers", "128MB");
    s.put("logging_collector", "off"); // pg_ctl -l writes stderr to server.log in the data directory
    s.putAll(perStart(port, fsync));
    if (port == 0) {
      s.remove("port"); // chosen at each start and passed on the command line
    }
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("# --- written by viewsync LocalPostgres; later lines win over the defaults above ---");
    s.forEach((k, v) -> lines.add(k + " = " + v));
    return lines;
  }

  /** The per-start settings as one {@code pg_ctl -o} argument. Values are numbers and on/off: no quoting needed. */
  static String commandLine(int port, boolean fsync) {
    StringBuilder b = new StringBuilder();
    perStart(port, fsync).forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append("-c ").append(k).append('=').append(v));
    return b.toString();
  }

  private static String onOff(boolean b) {
    return b ? "on" : "off";
  }
}
