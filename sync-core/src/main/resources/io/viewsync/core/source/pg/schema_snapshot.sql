-- Describes a set of tables as one JSON array, for viewsync (see SchemaJson for the format).
--
-- One text, two uses: PgCatalog runs it over JDBC, and DdlCapture installs it as the body of the SQL function
-- _viewsync.describe_tables(oid[]), which the DDL event trigger calls. So it has exactly one parameter, the
-- table oids, written as dollar-one below (JDBC sees it as its one placeholder); no other dollar sign and no
-- question mark appear in this file (DescribeQuery checks), and everything it names is in pg_catalog (the
-- function runs with search_path = pg_catalog, pg_temp).
--
-- Generated columns are left out: pgoutput does not send them (PostgreSQL 15..17). Dropped columns are gone.
-- Only valid and live indexes count: a failed CREATE INDEX CONCURRENTLY leaves an invalid one behind.
WITH RECURSIVE
  wanted AS (
    SELECT c.oid, n.nspname, c.relname, c.relkind, c.relreplident
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.oid = ANY ($1::oid[]) AND c.relkind IN ('r', 'p')
  ),
  cols AS (
    SELECT a.attrelid, a.attnum, a.attname, a.atttypid, a.atttypmod, a.attnotnull, a.atthasmissing,
      a.attmissingval, ad.adbin, ad.adrelid
    FROM pg_attribute a
    JOIN wanted w ON w.oid = a.attrelid
    LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
  ),
  -- Every domain with the types it stands on, down to the first non-domain (a domain may be over a domain).
  domains (oid, base) AS (
    SELECT t.oid, t.typbasetype FROM pg_type t WHERE t.typtype = 'd'
    UNION ALL
    SELECT d.oid, t.typbasetype FROM domains d JOIN pg_type t ON t.oid = d.base WHERE t.typtype = 'd'
  ),
  base_types (oid, base) AS (
    SELECT d.oid, d.base FROM domains d JOIN pg_type t ON t.oid = d.base WHERE t.typtype <> 'd'
  ),
  -- Column types and array element types, each resolved through domains to its base type.
  col_types AS (
    SELECT DISTINCT ct.oid, coalesce(bt.base, ct.oid) AS base
    FROM (SELECT DISTINCT atttypid AS oid FROM cols) ct LEFT JOIN base_types bt ON bt.oid = ct.oid
  ),
  type_json AS (
    SELECT ct.oid, json_build_object('oid', b.oid::int8, 'name', b.typname, 'category', b.typcategory,
        'element', (SELECT json_build_object('oid', e.oid::int8, 'name', e.typname, 'category', e.typcategory)
                    FROM pg_type e
                    WHERE e.oid = coalesce((SELECT bt.base FROM base_types bt WHERE bt.oid = b.typelem), b.typelem)
                      AND b.typcategory = 'A' AND b.typelem <> 0)) AS type
    FROM col_types ct JOIN pg_type b ON b.oid = ct.base
  ),
  pubs AS (
    SELECT w.oid, json_agg(pt.pubname ORDER BY pt.pubname) AS publications
    FROM pg_publication_tables pt
    JOIN wanted w ON w.nspname = pt.schemaname AND w.relname = pt.tablename
    GROUP BY w.oid
  )
SELECT coalesce(json_agg(json_build_object(
    'oid', w.oid::int8,
    'schema', w.nspname,
    'name', w.relname,
    'relkind', w.relkind,
    'replident', w.relreplident,
    'publications', coalesce(p.publications, '[]'::json),
    'columns', (
      SELECT coalesce(json_agg(json_build_object(
          'attnum', c.attnum,
          'name', c.attname,
          'type', tj.type,
          'declared', format_type(c.atttypid, c.atttypmod),
          'notNull', c.attnotnull,
          'default', pg_get_expr(c.adbin, c.adrelid),
          -- The value rows that existed before ADD COLUMN ... DEFAULT take: the one element of attmissingval.
          'missing', CASE WHEN c.atthasmissing THEN array_to_string(c.attmissingval, '') END
        ) ORDER BY c.attnum), '[]'::json)
      FROM cols c JOIN type_json tj ON tj.oid = c.atttypid
      WHERE c.attrelid = w.oid),
    'indexes', (
      SELECT coalesce(json_agg(json_build_object(
          'name', ic.relname,
          -- Only the key columns (the first indnkeyatts): INCLUDE columns are not part of uniqueness.
          'columns', (SELECT coalesce(json_agg(a.attname ORDER BY k.pos), '[]'::json)
                      FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, pos)
                      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                      WHERE k.pos <= i.indnkeyatts AND a.attgenerated = ''),
          'unique', i.indisunique,
          'primary', i.indisprimary,
          'replident', i.indisreplident,
          'partial', i.indpred IS NOT NULL,
          -- An expression, or a generated column (pgoutput does not send it), is not a plain column.
          'expressions', i.indexprs IS NOT NULL OR EXISTS (
              SELECT FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, pos)
              LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
              WHERE k.pos <= i.indnkeyatts AND (k.attnum = 0 OR a.attgenerated <> ''))
        ) ORDER BY ic.relname), '[]'::json)
      FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
      WHERE i.indrelid = w.oid AND i.indisvalid AND i.indislive)
  ) ORDER BY w.nspname, w.relname), '[]'::json)
FROM wanted w LEFT JOIN pubs p ON p.oid = w.oid
