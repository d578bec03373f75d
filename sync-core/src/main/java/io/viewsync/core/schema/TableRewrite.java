package io.viewsync.core.schema;

/**
 * What viewsync's {@code table_rewrite} event trigger writes into the WAL (a transactional logical message with
 * prefix {@link SchemaSnapshot#REWRITE_PREFIX}, content {@code {"oid": N, "reason": N}}) just before Postgres
 * rewrites a table: the rows it writes then never reach the logical stream, so the replica must re-copy the
 * table. Immutable.
 *
 * @param tableOid the table about to be rewritten
 * @param reason {@code pg_event_trigger_table_rewrite_reason()}, a bit mask: 1 persistence changed, 2 a default
 *     value changed, 4 a column type changed, 8 the access method changed
 */
public record TableRewrite(int tableOid, int reason) {}
