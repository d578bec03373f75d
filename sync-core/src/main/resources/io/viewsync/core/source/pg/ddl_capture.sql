-- viewsync's DDL capture: event trigger functions that write schema changes into the WAL as transactional
-- logical messages, so that the replicator sees each DDL at its exact place in the change stream.
-- DdlCapture.installScript puts this file between the creation of schema _viewsync (with the publication
-- registry and _viewsync.describe_tables, whose body is schema_snapshot.sql) and the CREATE EVENT TRIGGERs.
--
-- Rules for every function here:
--  * SECURITY DEFINER (the installing superuser), so the DDL of any role is captured: emitting a logical
--    message and altering a publication need privileges a migration role rarely has.
--  * search_path = pg_catalog, pg_temp, and every other object is schema-qualified.
--  * Nothing happens unless wal_level = logical, or while viewsync.in_trigger is on (set around viewsync's
--    own ALTER PUBLICATION, which would fire these triggers again, and around the installation itself).
--  * The whole body runs in BEGIN ... EXCEPTION WHEN OTHERS: a bug here must never fail a user's migration.
--    The cost of a failure is a missed message; the replicator then still sees the change through pgoutput's
--    Relation messages.
--  * Every message is followed by setval() on _viewsync.wal_pad, which writes one WAL record that logical
--    decoding ignores. Why: decoding files a transactional message at the END position of its WAL record, which
--    is the start position of the next record. When that next record is a change of another (sub)transaction of
--    the same transaction (the EXCEPTION block above is a subtransaction; so is a migration's SAVEPOINT), the
--    two compare equal and the reorder buffer may replay the change first: observed on PostgreSQL 15, an
--    INSERT after ALTER TABLE in one transaction arrived before the DDL message. The pad puts a record of the
--    message's own subtransaction in between, so the message's position is strictly below the next change's.

-- sql_drop fires just before ddl_command_end of the same command, once the objects are gone from the
-- catalog. It only notes what was dropped (in a transaction-local setting) and leaves the message to
-- ddl_command_end, so that each command writes one message, not two (ALTER TABLE ... DROP COLUMN fires both).
CREATE OR REPLACE FUNCTION _viewsync.on_sql_drop() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $viewsync$
DECLARE
  dropped json;
BEGIN
  IF current_setting('wal_level') <> 'logical' OR current_setting('viewsync.in_trigger', true) = 'on' THEN
    RETURN;
  END IF;
  BEGIN
    -- A dropped table (also one dropped by a cascade) is reported with its oid; other objects only when the
    -- command named them, and without a table: their catalog rows, which would say the table, are gone.
    SELECT json_agg(json_build_object('tag', tg_tag,
             'oid', CASE WHEN d.object_type IN ('table', 'table column') THEN d.objid::int8 ELSE 0 END)
           ORDER BY d.ordinality)
      INTO dropped
      FROM pg_event_trigger_dropped_objects() WITH ORDINALITY d
     WHERE d.object_type = 'table'
        OR (d.original AND d.object_type IN ('table column', 'index', 'table constraint', 'publication',
              'publication relation', 'publication namespace', 'schema', 'type', 'domain', 'sequence'));
    IF dropped IS NOT NULL THEN
      PERFORM set_config('viewsync.dropped',
        (coalesce(nullif(current_setting('viewsync.dropped', true), ''), '[]')::jsonb || dropped::jsonb)::text,
        true);
    END IF;
  EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'viewsync: DDL capture (sql_drop) failed, the replica may see this change late: % (%)',
      SQLERRM, SQLSTATE;
  END;
END
$viewsync$;

-- ddl_command_end: the commands that touched a table, column, index, constraint, publication, schema or
-- type; for a managed publication, add or drop the touched tables; then one message with the DDL text, the
-- commands and a snapshot of every table in a registered publication.
CREATE OR REPLACE FUNCTION _viewsync.on_ddl_command_end() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $viewsync$
DECLARE
  commands jsonb;
  touched oid[];
  rel record;
  tables json;
BEGIN
  IF current_setting('wal_level') <> 'logical' OR current_setting('viewsync.in_trigger', true) = 'on' THEN
    RETURN;
  END IF;
  BEGIN
    SELECT jsonb_agg(json_build_object('tag', c.command_tag, 'oid', coalesce(
             CASE c.object_type
               WHEN 'table' THEN c.objid
               WHEN 'table column' THEN c.objid
               WHEN 'index' THEN (SELECT i.indrelid FROM pg_index i WHERE i.indexrelid = c.objid)
               WHEN 'table constraint' THEN (SELECT k.conrelid FROM pg_constraint k WHERE k.oid = c.objid)
               WHEN 'publication relation' THEN
                 (SELECT r.prrelid FROM pg_publication_rel r WHERE r.oid = c.objid)
             END, 0)::int8)
           ORDER BY c.ordinality)
      INTO commands
      FROM pg_event_trigger_ddl_commands() WITH ORDINALITY c
     WHERE c.object_type IN ('table', 'table column', 'index', 'table constraint', 'publication',
             'publication relation', 'publication namespace', 'schema', 'type', 'domain', 'sequence')
       AND c.command_tag NOT IN ('COMMENT', 'GRANT', 'REVOKE', 'SECURITY LABEL');
    commands := coalesce(commands, '[]') || coalesce(nullif(current_setting('viewsync.dropped', true), ''), '[]')::jsonb;
    PERFORM set_config('viewsync.dropped', '', true);
    IF jsonb_array_length(commands) = 0 THEN
      RETURN;
    END IF;
    -- One entry per distinct command, in order; a command without a table is left out when the same tag names
    -- a table (ALTER TABLE ... DROP CONSTRAINT reports the table, and the dropped constraint without one).
    SELECT jsonb_agg(e.value ORDER BY e.first), array_agg(DISTINCT (e.value ->> 'oid')::oid)
      INTO commands, touched
      FROM (SELECT value, min(ordinality) AS first
              FROM jsonb_array_elements(commands) WITH ORDINALITY GROUP BY value) e
     WHERE (e.value ->> 'oid') <> '0'
        OR NOT EXISTS (SELECT FROM jsonb_array_elements(commands) o
                        WHERE o.value -> 'tag' = e.value -> 'tag' AND (o.value ->> 'oid') <> '0');

    -- Managed publications: a table is in it exactly when Postgres would accept UPDATE and DELETE on it while
    -- it is published (a published table without a usable replica identity makes them fail upstream). Tables
    -- the command touched may be added; any table of the publication may be dropped, because a command can take
    -- a table's identity away without naming the table (DROP INDEX of its replica identity index).
    -- pg_publication_tables rather than pg_publication_namespace (PostgreSQL 15+) for TABLES IN SCHEMA.
    FOR rel IN
      WITH managed AS (
        SELECT pp.oid AS pubid, pp.pubname, pp.pubupdate OR pp.pubdelete AS needs_identity
          FROM _viewsync.publications p JOIN pg_publication pp ON pp.pubname = p.pubname
         WHERE p.managed AND NOT pp.puballtables),
      published AS MATERIALIZED (
        SELECT pt.pubname, c.oid
          FROM pg_publication_tables pt
          JOIN pg_namespace n ON n.nspname = pt.schemaname
          JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename
         WHERE pt.pubname IN (SELECT m.pubname FROM managed m))
      SELECT m.pubname, c.oid, n.nspname, c.relname, c.oid = ANY (touched) AS touched,
             EXISTS (SELECT FROM pg_publication_rel r WHERE r.prpubid = m.pubid AND r.prrelid = c.oid) AS in_rel,
             EXISTS (SELECT FROM published x WHERE x.pubname = m.pubname AND x.oid = c.oid) AS in_pub,
             (NOT m.needs_identity
               OR c.relreplident = 'f'
               OR (c.relreplident = 'd' AND EXISTS (SELECT FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))
               OR (c.relreplident = 'i' AND EXISTS (SELECT FROM pg_index i
                                                     WHERE i.indrelid = c.oid AND i.indisreplident)))
               AS publishable
        FROM managed m
        CROSS JOIN LATERAL (SELECT unnest(touched)
                            UNION SELECT r.prrelid FROM pg_publication_rel r WHERE r.prpubid = m.pubid) AS t(oid)
        JOIN pg_class c ON c.oid = t.oid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relpersistence = 'p'
         AND n.nspname NOT IN ('pg_catalog', 'information_schema', '_viewsync') AND n.nspname NOT LIKE 'pg\_%'
       ORDER BY 1, 2
    LOOP
      BEGIN
        PERFORM set_config('viewsync.in_trigger', 'on', true);
        IF rel.publishable AND rel.touched AND NOT rel.in_rel AND NOT rel.in_pub THEN
          EXECUTE format('ALTER PUBLICATION %I ADD TABLE %I.%I', rel.pubname, rel.nspname, rel.relname);
        ELSIF rel.in_rel AND NOT rel.publishable THEN
          EXECUTE format('ALTER PUBLICATION %I DROP TABLE %I.%I', rel.pubname, rel.nspname, rel.relname);
        END IF;
        PERFORM set_config('viewsync.in_trigger', 'off', true);
      EXCEPTION WHEN OTHERS THEN
        RAISE WARNING 'viewsync: could not update managed publication % for table %.%: % (%)',
          rel.pubname, rel.nspname, rel.relname, SQLERRM, SQLSTATE;
      END;
    END LOOP;

    SELECT _viewsync.describe_tables(coalesce(array_agg(DISTINCT c.oid), '{}'))
      INTO tables
      FROM pg_publication_tables pt
      JOIN pg_namespace n ON n.nspname = pt.schemaname
      JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename
     WHERE pt.pubname IN (SELECT r.pubname FROM _viewsync.publications r);

    -- The statement text is for the schema history only; a long migration script sent as one query string
    -- would otherwise be copied into the WAL once per command.
    PERFORM pg_logical_emit_message(true, 'viewsync.ddl', json_build_object(
      'v', 1, 'ddl', left(current_query(), 8192), 'commands', commands, 'tables', tables)::text);
    PERFORM setval('_viewsync.wal_pad', 1, false);
  EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'viewsync: DDL capture (ddl_command_end) failed, the replica may see this change late: % (%)',
      SQLERRM, SQLSTATE;
  END;
END
$viewsync$;

-- table_rewrite fires before ALTER TABLE or similar rewrites a table: the rows it writes are not in the
-- logical stream, so the replicator must re-copy that table.
CREATE OR REPLACE FUNCTION _viewsync.on_table_rewrite() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $viewsync$
BEGIN
  IF current_setting('wal_level') <> 'logical' OR current_setting('viewsync.in_trigger', true) = 'on' THEN
    RETURN;
  END IF;
  BEGIN
    PERFORM pg_logical_emit_message(true, 'viewsync.rewrite', json_build_object(
      'oid', pg_event_trigger_table_rewrite_oid()::int8,
      'reason', pg_event_trigger_table_rewrite_reason())::text);
    PERFORM setval('_viewsync.wal_pad', 1, false);
  EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'viewsync: DDL capture (table_rewrite) failed, the replica may miss a table rewrite: % (%)',
      SQLERRM, SQLSTATE;
  END;
END
$viewsync$;
