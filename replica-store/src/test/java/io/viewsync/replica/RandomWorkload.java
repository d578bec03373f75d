package io.viewsync.replica;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded random workload over a fixed set of tables covering every type the replica stores: inserts,
 * updates (of values, of the key, leaving TOASTed values unchanged), deletes, truncates, multi-table and
 * rolled-back transactions. Keys are drawn from a small range so changes hit the same rows again and again
 * (which is what exposes a change applied twice or lost). Used from one thread.
 */
public final class RandomWorkload {
  public static final List<String> TABLES = List.of("typed", "pairs", "docs", "extra.events", "full_ident",
      "by_code");

  /** DDL for the workload's tables. */
  public static final String[] SCHEMA = {
      "CREATE EXTENSION IF NOT EXISTS citext",
      "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'élan')",
      "CREATE DOMAIN posint AS int4 CHECK (VALUE > 0)",
      "CREATE TABLE typed (id int8 PRIMARY KEY, b bool, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8,"
          + " n numeric, n2 numeric(12,3), t text, vc varchar(20), c char(5), u uuid, j json, jb jsonb, by bytea,"
          + " d date, tm time, tmz timetz, ts timestamp, tstz timestamptz, iv interval, e mood, ai int4[],"
          + " at text[], an numeric[], ab bool[], ai2 int8[], dom posint, ip inet, pt point, r int4range, ci citext)",
      "CREATE TABLE pairs (a int4, b text, v int8, PRIMARY KEY (a, b))",
      "CREATE TABLE docs (id int4 PRIMARY KEY, title text, body text, n int4)",
      "ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL",
      "CREATE SCHEMA extra",
      "CREATE TABLE extra.events (id uuid PRIMARY KEY, at timestamptz NOT NULL, payload jsonb)",
      // REPLICA IDENTITY FULL: updates and deletes carry the whole old row ('O'), TOASTed values included.
      "CREATE TABLE full_ident (id int PRIMARY KEY, v text, body text)",
      "ALTER TABLE full_ident ALTER COLUMN body SET STORAGE EXTERNAL",
      "ALTER TABLE full_ident REPLICA IDENTITY FULL",
      // REPLICA IDENTITY USING INDEX over another column than the primary key: that index is the row key.
      "CREATE TABLE by_code (id int PRIMARY KEY, code text NOT NULL, v int)",
      "CREATE UNIQUE INDEX by_code_code ON by_code (code)",
      "ALTER TABLE by_code REPLICA IDENTITY USING INDEX by_code_code"};

  private final Random rnd;
  private final int keyRange;

  public RandomWorkload(long seed, int keyRange) {
    this.rnd = new Random(seed);
    this.keyRange = keyRange;
  }

  /** Runs {@code transactions} random transactions; each has 1-6 statements, some are rolled back. */
  public void run(Connection c, int transactions) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      for (int t = 0; t < transactions; t++) {
        int n = 1 + rnd.nextInt(6);
        for (int i = 0; i < n; i++) {
          for (String sql : statement()) {
            s.execute(sql);
          }
        }
        if (rnd.nextInt(10) == 0) {
          c.rollback();
        } else {
          c.commit();
        }
      }
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** Statements of one random operation. */
  public List<String> statement() {
    // Mostly row-level changes, so tables keep rows (and TOASTed values) to compare; mass deletes and
    // truncates are rare but present.
    int op = rnd.nextInt(1000);
    List<String> out = new ArrayList<>();
    String table = TABLES.get(rnd.nextInt(TABLES.size()));
    if (op < 480) {
      out.add(insert(table));
    } else if (op < 820) {
      out.add(update(table));
    } else if (op < 985) {
      out.add(delete(table));
    } else if (op < 996) {
      out.add("DELETE FROM " + table + " WHERE random() < 0.2");
    } else {
      out.add("TRUNCATE " + table);
    }
    return out;
  }

  public String insert(String table) {
    return switch (table) {
      case "typed" -> "INSERT INTO typed VALUES (" + key() + ", " + typedValues() + ") ON CONFLICT (id) DO UPDATE SET t = excluded.t, jb = excluded.jb";
      case "pairs" -> "INSERT INTO pairs VALUES (" + key() + ", " + pick("'a'", "'b'", "'ç'", "''") + ", "
          + rnd.nextLong() + ") ON CONFLICT DO NOTHING";
      case "docs" -> "INSERT INTO docs VALUES (" + key() + ", " + text() + ", " + (rnd.nextInt(4) > 0 ? bigText() : text())
          + ", 0) ON CONFLICT (id) DO UPDATE SET body = excluded.body";
      case "full_ident" -> "INSERT INTO full_ident VALUES (" + key() + ", " + text() + ", "
          + (rnd.nextBoolean() ? bigText() : text()) + ") ON CONFLICT (id) DO UPDATE SET v = excluded.v";
      case "by_code" -> "INSERT INTO by_code VALUES (" + key() + ", 'c" + key() + "', " + rnd.nextInt(100)
          + ") ON CONFLICT DO NOTHING";
      default -> "INSERT INTO extra.events VALUES ('" + uuid() + "', " + timestamptz() + ", " + jsonb() + ")";
    };
  }

  public String update(String table) {
    int from = key();
    int to = key();
    return switch (table) {
      case "typed" -> rnd.nextInt(4) == 0
          ? "UPDATE typed SET id = " + to + " WHERE id = " + from + " AND NOT EXISTS (SELECT 1 FROM typed WHERE id = " + to + ")"
          : "UPDATE typed SET (b, i2, i4, i8, f4, f8, n, n2, t, vc, c, u, j, jb, by, d, tm, tmz, ts, tstz, iv, e, ai,"
              + " at, an, ab, ai2, dom, ip, pt, r, ci) = (" + typedValues() + ") WHERE id = " + key();
      case "pairs" -> rnd.nextBoolean() ? "UPDATE pairs SET v = v + 1 WHERE a = " + key()
          : "UPDATE pairs p SET a = " + to + " WHERE a = " + from
              + " AND NOT EXISTS (SELECT 1 FROM pairs q WHERE q.a = " + to + " AND q.b = p.b)";
      // Touches n only: body, stored out of line, arrives as 'unchanged TOAST' and must be kept.
      case "docs" -> rnd.nextInt(4) > 0 ? "UPDATE docs SET n = n + 1 WHERE id = " + key()
          : "UPDATE docs SET id = " + to + ", n = n + 1 WHERE id = " + from
              + " AND NOT EXISTS (SELECT 1 FROM docs WHERE id = " + to + ")";
      case "full_ident" -> rnd.nextBoolean() ? "UPDATE full_ident SET v = " + text() + " WHERE id = " + from
          : "UPDATE full_ident SET id = " + to + " WHERE id = " + from
              + " AND NOT EXISTS (SELECT 1 FROM full_ident WHERE id = " + to + ")";
      // Changing id is an ordinary update here; changing code moves the row's key.
      case "by_code" -> rnd.nextBoolean() ? "UPDATE by_code SET id = " + to + ", v = v + 1 WHERE id = " + from
              + " AND NOT EXISTS (SELECT 1 FROM by_code WHERE id = " + to + ")"
          : "UPDATE by_code SET code = 'c" + to + "' WHERE id = " + from
              + " AND NOT EXISTS (SELECT 1 FROM by_code WHERE code = 'c" + to + "')";
      default -> "UPDATE extra.events SET payload = " + jsonb() + " WHERE id IN (SELECT id FROM extra.events ORDER BY id LIMIT 1)";
    };
  }

  public String delete(String table) {
    return switch (table) {
      case "typed", "docs", "full_ident", "by_code" -> "DELETE FROM " + table + " WHERE id = " + key();
      case "pairs" -> "DELETE FROM pairs WHERE a = " + key();
      default -> "DELETE FROM extra.events WHERE id IN (SELECT id FROM extra.events ORDER BY id DESC LIMIT 1)";
    };
  }

  private int key() {
    return 1 + rnd.nextInt(keyRange);
  }

  private String typedValues() {
    return String.join(", ", nul(pick("true", "false")), nul(String.valueOf((short) rnd.nextInt())),
        nul(pick(String.valueOf(rnd.nextInt()), "2147483647", "-2147483648")),
        nul(pick(String.valueOf(rnd.nextLong()), "9223372036854775807", "-9223372036854775808", "9007199254740993")),
        nul(pick("'NaN'::float4", "'Infinity'::float4", "'-Infinity'::float4", rnd.nextFloat() * 1e6f + "::float4",
            "1.1::float4", "'-0'::float4", "3.4028235e38::float4", "1e-45::float4")),
        nul(pick("'NaN'::float8", "'-Infinity'::float8", String.valueOf(rnd.nextDouble()), "0.1::float8",
            "1.7976931348623157e308", "5e-324::float8", "'-0'::float8", String.valueOf(rnd.nextGaussian() * 1e300))),
        nul(pick("'NaN'::numeric", "12345678901234567890.123456789012345678901", "0.000", "-1.50", "'Infinity'::numeric",
            rnd.nextInt(1000) + "." + rnd.nextInt(1000))),
        nul(pick("1.5", "-999999999.999", "0")),
        nul(text()), nul(pick("'varchar ü'", "''", "'x'")), nul(pick("'ab'", "'abcde'", "''")),
        nul("'" + uuid().toUpperCase() + "'"),
        nul(pick("'{\"a\": 1, \"a\": 2}'", "'[1, 2.50, \"x\", null]'", "'\"just a string\"'", "'{}'")),
        nul(jsonb()),
        nul(pick("'\\x'::bytea", "'\\x00ff10'::bytea", "decode(md5(random()::text), 'hex')", "'\\x5c27'::bytea")),
        nul(pick("'2024-02-29'", "'0044-03-15 BC'", "'infinity'::date", "'9999-12-31'", "'12345-01-01'")),
        nul(pick("'00:00:00'", "'23:59:59.999999'", "'12:34:56.5'")),
        nul(pick("'12:00:00+05:30'", "'00:00:00-03:30:15'", "'23:59:59.123+00'")),
        nul(timestamp()), nul(timestamptz()),
        nul(pick("'1 year 2 mons 3 days 04:05:06.789'", "'-1 days'", "'0'", "'178000000 years'", "'1 microsecond'")),
        nul(pick("'sad'", "'happy'", "'élan'")),
        nul(pick("'{}'::int4[]", "'{1,2,NULL,-3}'", "'{{1,2},{3,4}}'", "ARRAY[2147483647]")),
        nul(pick("'{}'::text[]", "'{\"a b\",\"c\\\"d\",NULL,\"NULL\",\"{x}\"}'", "ARRAY['ü', '', ',']")),
        nul(pick("'{1.50,NaN,-0.001}'::numeric[]", "'{}'::numeric[]")),
        nul(pick("'{t,f,NULL}'::bool[]", "'{}'::bool[]")),
        nul(pick("'{9223372036854775807,-9223372036854775808}'::int8[]", "'{0}'::int8[]")),
        nul(pick("1", "2147483647")), nul(pick("'192.168.0.1/24'", "'::1'")),
        nul(pick("'(1.5,-2)'", "'(0,0)'")), nul(pick("'[1,5)'", "'empty'", "'(,10]'")),
        nul(pick("'MiXeD Case'", "'straße'", "''")));
  }

  private String text() {
    String[] words = {"hello", "wörld", "🚀", "tab\there", "new\nline", "quote''s", "back\\slash", "", " "};
    StringBuilder sb = new StringBuilder();
    int n = rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      sb.append(words[rnd.nextInt(words.length)]);
    }
    return "E'" + sb.toString().replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n") + "'";
  }

  /** Over 8 kB of incompressible text, so Postgres stores it out of line (TOAST). */
  private String bigText() {
    return "(SELECT string_agg(md5(random()::text), '') FROM generate_series(1, " + (300 + rnd.nextInt(100)) + "))";
  }

  private String jsonb() {
    return pick("'{\"k\": [1, 2, {\"z\": null}], \"s\": \"ü\"}'::jsonb", "'[]'::jsonb", "'123.4500'::jsonb",
        "'{\"big\": 12345678901234567890}'::jsonb", "NULL");
  }

  private String timestamp() {
    return pick("'2024-01-02 03:04:05.123456'", "'infinity'", "'-infinity'", "'0001-01-01 00:00:00 BC'",
        "'1969-12-31 23:59:59.999999'", "'2262-04-11 23:47:16.854775'", "'1999-12-31 23:59:60'",
        "now()::timestamp");
  }

  private String timestamptz() {
    return pick("'2024-01-02 03:04:05.123456+05:30'", "'infinity'", "'1900-01-01 00:00:00 Europe/Amsterdam'",
        "now()", "'0100-06-01 12:00:00+00 BC'", "'2038-01-19 03:14:08Z'");
  }

  private String uuid() {
    return new java.util.UUID(rnd.nextLong(), rnd.nextLong()).toString();
  }

  private String nul(String v) {
    return rnd.nextInt(8) == 0 ? "NULL" : v;
  }

  private String pick(String... options) {
    return options[rnd.nextInt(options.length)];
  }
}
