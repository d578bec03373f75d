package io.viewsync.core.schema;

import java.util.List;

/**
 * What viewsync's DDL event trigger writes into the WAL (a transactional logical message with prefix
 * {@link #PREFIX}) after a DDL command: the command text, the commands it ran, and the tables of every
 * publication registered with viewsync as they are after the command. Immutable.
 *
 * @param ddl the top-level statement text ({@code current_query()}), for the schema history
 * @param commands what the event trigger reported (command tag and the oid of the table it touched; for an
 *     index, the table it belongs to)
 * @param tables every table in a registered publication, after the command
 */
public record SchemaSnapshot(String ddl, List<Command> commands, List<UpstreamTable> tables) {
  public static final String PREFIX = "viewsync.ddl";
  /** A {@code table_rewrite} event: content is {@code {"oid": N, "reason": N}}. */
  public static final String REWRITE_PREFIX = "viewsync.rewrite";

  public SchemaSnapshot {
    commands = List.copyOf(commands);
    tables = List.copyOf(tables);
  }

  /** One command of the DDL statement. {@code tableOid} is 0 when it touched no table. */
  public record Command(String tag, int tableOid) {}
}
