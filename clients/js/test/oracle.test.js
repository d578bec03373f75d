// Correctness by oracle: a seeded random workload against a real server (see support.js), in which every live
// view of the client must equal what Postgres itself answers for the same query AST, after the initial load and
// after every upstream transaction. The AST is translated to SQL here with the rules of docs/queries.md, the same
// ones as the Java oracle (sync-core's PgOracleSql): text compared and ordered under COLLATE "C", NULLS FIRST
// ascending and LAST descending, the order completed with the key, start as a row comparison that respects
// directions and NULLs, IN [] false and NOT IN [] true, IS as IS [NOT] DISTINCT FROM, LIKE with Postgres' default
// escape \, ILIKE under COLLATE "C" (ASCII letters only), related as per-parent subqueries with their own order and
// limit. Postgres renders the values in the wire encodings of docs/protocol.md "Values".
//
// The seed is printed; VIEWSYNC_TEST_SEED=<seed> replays a run; VIEWSYNC_STRESS=1 runs a bigger workload;
// VIEWSYNC_TEST_KEEP=1 keeps the tables (o_issue_… and o_comment_…) for a look at a failure;
// VIEWSYNC_TEST_ISOLATED=1 subscribes each query on a client of its own instead of all on one client;
// VIEWSYNC_TEST_NEG_INFINITY=1 lets float8 rows hold -Infinity, which the server misorders (the todo test at the end).
// Each step also evaluates every query with the client's evaluator (src/evaluate.js) over all of Postgres' rows,
// which tells a client-side evaluation bug from a server that sent the client the wrong rows.
import assert from 'node:assert/strict';
import {and, connect, not, or, table} from '../src/index.js';
import {context, evaluate} from '../src/evaluate.js';
import {psql, serverTest, SERVER_URL, sleep} from './support.js';

const STRESS = process.env.VIEWSYNC_STRESS === '1';
const SIZES = STRESS
  ? {issues: 300, comments: 900, queries: 90, steps: 300}
  : {issues: 200, comments: 600, queries: 30, steps: 40};
/** Each query on its own client (its own client group), so that no query's rows hide another's missing ones. */
const ISOLATED = process.env.VIEWSYNC_TEST_ISOLATED === '1';
/**
 * Whether float8 rows may hold -Infinity. Off by default: the server orders -Infinity after every finite number (see
 * the todo test at the end), which fails some seeds; VIEWSYNC_TEST_NEG_INFINITY=1 puts it back.
 */
const NEG_INFINITY = process.env.VIEWSYNC_TEST_NEG_INFINITY === '1';
/** How long the views may take to reach Postgres' answer after a transaction. */
const WAIT_MS = 10000;

function seedOf() {
  const s = process.env.VIEWSYNC_TEST_SEED;
  if (s === undefined || s === '') return Math.floor(Math.random() * 2 ** 32);
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < 0 || n >= 2 ** 32) throw new Error(`VIEWSYNC_TEST_SEED=${s}: an integer in [0, 2^32)`);
  return n;
}

/** A seeded PRNG (mulberry32) with the helpers the workload uses. */
function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: n => Math.floor(next() * n),
    between: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: p => next() < p,
    pick: list => list[Math.floor(next() * list.length)],
    /** Picks a key of `weights` ({name: weight}) with probability proportional to its weight. */
    weighted: weights => {
      const entries = Object.entries(weights);
      let x = next() * entries.reduce((s, [, w]) => s + w, 0);
      for (const [k, w] of entries) {
        x -= w;
        if (x < 0) return k;
      }
      return entries.at(-1)[0];
    },
  };
  return r;
}

// ---- values

/**
 * Text that hits the edges: case, LIKE's % _ and \, regular-expression syntax, '-', non-ASCII, a character outside
 * the BMP (U+1F600, UTF-16 surrogates D83D DE00) and ones in U+E000–U+FFFF, so that code point order (Postgres'
 * COLLATE "C") and UTF-16 order differ; a combining accent; a newline.
 */
const TEXTS = ['open', 'Open', 'OPEN', 'closed', 'Closed', 'a', 'A', 'b', 'B', 'ab', 'aB', 'Ab', 'AB', '', ' ', 'a%b',
  'a_b', 'axb', 'aXb', '100%', '50_50', 'back\\slash', 'c:\\dir\\x', 'x-y', 'x-', '-', '--', 'é', 'É', 'e\u0301',
  'ünïcode', 'ÜNÏCODE', '😀', 'a😀', '😀b', '😀😀', '\uFF21', '\uFF41', 'z\uFF21', '\uFFFD', '\uE000', 'z', 'Z', '10',
  '9', '-1', 'line\nbreak', "it's", 'tab\tx', '~', 'ÿ', 'Ω', '日本', '[a]', '(x)', '.*', '^$', 'a+b', '{1}', 'a|b',
  'a/b', 'q?'];
/** Text literals that are in no row. */
const OTHER_TEXTS = ['m', 'open2', 'a\uFFFF', '\u{10FFFF}', 'Ｚ', '😁', 'opem'];
const PATTERNS = ['%', '_', '', 'o%', 'O%', '%n', '%N', 'open', 'OPEN', 'oPeN', '%pe%', '%PE%', '_pen', 'a\\%b',
  'a%b', 'a\\_b', 'a_b', '%\\%%', '%\\_%', '%\\\\%', 'back\\\\slash', 'x-%', '%-%', '-', '-_', '%😀%', '_😀', '😀_',
  '😀', '%\uFF21%', '%\uFF41%', '\uFF21', '\uFF41', 'é%', 'É%', 'ü%', 'Ü%', '%ünïcode', '%NÏ%', '__', '___%', '%\n%',
  '\\o%', '%\\😀', 'ab', 'AB', '%b', '%B', '[a]', '[a-z]%', '.*', '%(x)', '^$', 'a+b', '{1}', 'a|b', 'a/b', '%?',
  '%\\\\dir%', "it's", '%\t%'];
const PATTERN_PIECES = ['%', '_', 'a', 'B', 'o', 'P', 'e', '\\%', '\\_', '\\\\', '\\a', '-', '😀', '\uFF21', 'é', "'",
  '.', '[', ']', '$', '(', '*', '+'];
const STATUSES = ['open', 'open', 'open', 'closed', 'closed', 'Open', 'OPEN'];
const INT4S = [-3, -1, 0, 0, 1, 1, 2, 2, 3, 5, 7, -2147483648, 2147483647];
const FLOATS = [-1.5, 0, -0, 0.1, 0.5, 1, 2.5, 2.5, 3, 100, -100, 1e300, -1e-300, 'NaN', 'Infinity',
  ...(NEG_INFINITY ? ['-Infinity'] : [])];
const FLOAT_LITERALS = [-1.5, 0, 0.1, 0.5, 1, 2, 2.5, 3, 99.5, 100, -100, -2.5, 1e300, -1e-300, 0.25];
/** Timestamps as microseconds since the epoch: before the epoch, ties, sub-millisecond parts. */
const MICROS = [-86400000000, -1, 0, 946684800000000, 1600000000000000, 1700000000000000, 1700000000000000,
  1700000000000001, 1700000000123456, 1800000000000000];

/** The tables' columns and types, in declaration order (the order of the view rows' keys). */
function columnsOf(I, C) {
  return {
    [I]: {id: 'int8', status: 'text', priority: 'int4', title: 'text', score: 'float8', created: 'timestamptz', flag: 'bool'},
    [C]: {id: 'int8', issue_id: 'int8', body: 'text', n: 'int4'},
  };
}

/** `'YYYY-MM-DD HH:MM:SS.ffffff+00'` of microseconds since the epoch. */
function timestampText(micros) {
  const ms = Math.floor(micros / 1000);
  const us = micros - ms * 1000;
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${String(us).padStart(3, '0')}+00`;
}

/** A string constant meaning `s` whatever standard_conforming_strings is (PgOracleSql.text). */
function sqlText(s) {
  return `E'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

function quoteIdent(name) {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A column value (in its wire form) as a SQL constant of its column's type, to write it upstream. */
function sqlValue(v, type) {
  if (v === null) return 'NULL';
  switch (type) {
    case 'text': return sqlText(v);
    case 'float8': return `'${Object.is(v, -0) ? '-0' : String(v)}'::float8`;
    case 'timestamptz': return `'${timestampText(v)}'::timestamptz`;
    case 'bool': return v ? 'TRUE' : 'FALSE';
    default: return String(v);
  }
}

// ---- the AST as Postgres SQL (the oracle)

/** The SQL expression that compares like the replica's value of `column` (PgOracleSql.expr). */
function sqlExpr(alias, column, type) {
  const ref = `${alias}.${quoteIdent(column)}`;
  switch (type) {
    case 'text': return `${ref} COLLATE "C"`;
    case 'timestamptz': return `(EXTRACT(EPOCH FROM ${ref}) * 1000000)::int8`;
    default: return ref;
  }
}

/** A column's value as the wire sends it (docs/protocol.md "Values"), for json_build_object. */
function sqlWire(alias, column, type) {
  const ref = `${alias}.${quoteIdent(column)}`;
  return type === 'timestamptz' ? `(EXTRACT(EPOCH FROM ${ref}) * 1000000)::int8` : ref;
}

/** A literal of the AST as SQL (PgOracleSql.literal): an integer is an Int, any other number a Real. */
function sqlLiteral(v) {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') {
    // As the server reads the JSON: a number without fraction or exponent is an Int, any other a Real (1e+300).
    const json = JSON.stringify(v);
    return /^-?\d+$/.test(json) ? `CAST('${json}' AS int8)` : `CAST('${json}' AS float8)`;
  }
  if (typeof v === 'string') return sqlText(v);
  throw new Error(`not a scalar literal: ${JSON.stringify(v)}`);
}

const SQL_OPS = {'=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>='};

function sqlCondition(c, alias, columns) {
  switch (c.type) {
    case 'and':
      return c.conditions.length ? c.conditions.map(x => `(${sqlCondition(x, alias, columns)})`).join(' AND ') : 'TRUE';
    case 'or':
      return c.conditions.length ? c.conditions.map(x => `(${sqlCondition(x, alias, columns)})`).join(' OR ') : 'FALSE';
    case 'not':
      return `NOT (${sqlCondition(c.condition, alias, columns)})`;
    case 'cmp': {
      const x = sqlExpr(alias, c.column, columns[c.column]);
      const v = c.value;
      switch (c.op) {
        case 'IS': return v === null ? `${x} IS NULL` : `${x} IS NOT DISTINCT FROM ${sqlLiteral(v)}`;
        case 'IS NOT': return v === null ? `${x} IS NOT NULL` : `${x} IS DISTINCT FROM ${sqlLiteral(v)}`;
        case 'IN':
        case 'NOT IN':
          if (v.length === 0) return c.op === 'IN' ? 'FALSE' : 'TRUE';
          return `${x} ${c.op} (${v.map(sqlLiteral).join(', ')})`;
        case 'LIKE':
        case 'ILIKE':
          return `${x} ${c.op} ${v === null ? 'NULL::text' : sqlLiteral(v)}`;
        default:
          return `${x} ${SQL_OPS[c.op]} ${sqlLiteral(v)}`;
      }
    }
    default:
      throw new Error(`the oracle does not translate ${JSON.stringify(c.type)}`);
  }
}

/** The order of `q` completed with the key, as in docs/queries.md (Normalizer rule 1). */
function completedOrder(q, key = ['id']) {
  const order = [];
  const seen = new Set();
  for (const [column, dir] of q.orderBy || []) {
    if (!seen.has(column)) {
      seen.add(column);
      order.push([column, dir]);
    }
  }
  for (const k of key) if (!seen.has(k)) order.push([k, 'asc']);
  return order;
}

/**
 * At or after the start row in the completed order (PgOracleSql.start): OR over i of (terms before i equal AND term
 * i strictly after), plus all terms equal unless exclusive. Every atom is TRUE or FALSE, never NULL.
 */
function sqlStart(q, order, alias, columns) {
  const disjuncts = [];
  const equal = [];
  for (const [column, dir] of order) {
    const x = sqlExpr(alias, column, columns[column]);
    const v = q.start.row[column];
    if (v === undefined) throw new Error(`the start row has no value for ${column}`);
    let after;
    if (dir === 'asc') { // NULLS FIRST: after NULL is any value
      after = v === null ? `${x} IS NOT NULL` : `(${x} IS NOT NULL AND ${x} > ${sqlLiteral(v)})`;
    } else { // NULLS LAST: nothing is after NULL; NULL is after any value
      after = v === null ? 'FALSE' : `(${x} IS NULL OR ${x} < ${sqlLiteral(v)})`;
    }
    disjuncts.push(`(${[...equal, after].join(' AND ')})`);
    equal.push(`${x} IS NOT DISTINCT FROM ${sqlLiteral(v)}`);
  }
  if (!q.start.exclusive) disjuncts.push(`(${equal.join(' AND ')})`);
  return disjuncts.join(' OR ');
}

/**
 * The query as one SQL expression of type json: the array of its rows in order, each an object of every column in
 * its wire encoding plus, per related subquery, the array of its rows for that parent.
 */
function sqlOf(query, schemaColumns) {
  let aliases = 0;
  const rows = (q, correlate) => {
    const columns = schemaColumns[q.table];
    const t = `t${aliases++}`;
    const x = `x${aliases++}`;
    const where = [];
    if (correlate) where.push(correlate(t));
    if (q.where) where.push(sqlCondition(q.where, t, columns));
    const order = completedOrder(q);
    if (q.start) where.push(sqlStart(q, order, t, columns));
    const terms = order.map(([c, d]) => `${sqlExpr(t, c, columns[c])} ${d === 'desc' ? 'DESC NULLS LAST' : 'ASC NULLS FIRST'}`)
      .join(', ');
    const inner = `SELECT ${t}.*, row_number() OVER (ORDER BY ${terms}) AS vs_position FROM ${quoteIdent(q.table)} AS ${t}`
      + (where.length ? ` WHERE ${where.map(w => `(${w})`).join(' AND ')}` : '')
      + ` ORDER BY ${terms}` + (q.limit === undefined || q.limit === null ? '' : ` LIMIT ${q.limit}`);
    const fields = Object.entries(columns).map(([c, type]) => `'${c}', ${sqlWire(x, c, type)}`);
    for (const r of q.related || []) {
      const parentColumns = schemaColumns[q.table];
      const childColumns = schemaColumns[r.query.table];
      // SQL equality: a NULL correlates with nothing
      fields.push(`'${r.name}', ${rows(r.query, a => r.correlation.child.map((c, i) =>
        `${sqlExpr(a, c, childColumns[c])} = ${sqlExpr(x, r.correlation.parent[i], parentColumns[r.correlation.parent[i]])}`)
        .join(' AND '))}`);
    }
    return `(SELECT coalesce(json_agg(json_build_object(${fields.join(', ')}) ORDER BY ${x}.vs_position), '[]'::json)`
      + ` FROM (${inner}) AS ${x})`;
  };
  return rows(query, null);
}

/** Every row of `tableName` in its wire encoding, as a SQL json expression. */
function sqlAllRows(tableName, columns) {
  const fields = Object.entries(columns).map(([c, type]) => `'${c}', ${sqlWire('a', c, type)}`);
  return `(SELECT coalesce(json_agg(json_build_object(${fields.join(', ')}) ORDER BY a.id), '[]'::json)`
    + ` FROM ${quoteIdent(tableName)} AS a)`;
}

// ---- comparing

/** JSON with object keys sorted: equal for equal data whatever the keys' order. */
function canonical(v) {
  return JSON.stringify(v, (k, x) => (x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map(key => [key, x[key]])) : x));
}

const canonicalCache = new WeakMap();

function canonicalOf(data) {
  let s = canonicalCache.get(data);
  if (s === undefined) {
    s = canonical(data);
    canonicalCache.set(data, s);
  }
  return s;
}

/** The keys of a result in order, with each related list: `3{comments:[7, 9]}, 5{comments:[]}`. */
function keyTree(rows, q) {
  return rows.map(r => (q.related && q.related.length
    ? `${r.id}{${q.related.map(rel => `${rel.name}:[${keyTree(r[rel.name] || [], rel.query)}]`).join(' ')}}`
    : String(r.id))).join(', ');
}

function clip(s, n = 3000) {
  return s.length > n ? `${s.slice(0, n)} … (${s.length} chars)` : s;
}

/** Every row of a result tree with its table: [{table, row}]. */
function flatten(rows, q, out = []) {
  for (const r of rows) {
    const own = {...r};
    for (const rel of q.related || []) {
      delete own[rel.name];
      flatten(r[rel.name] || [], rel.query, out);
    }
    out.push({table: q.table, row: own});
  }
  return out;
}

/**
 * A WebSocket class that notes the row ops of every poke it receives, and the notes: by `${table} ${id}`, the last
 * few ops of each row as `put@<pokeID>` / `del@<pokeID>`.
 * @returns {{WebSocket: Function, received: Map<string, string[]>}}
 */
function recording() {
  const received = new Map();
  class RecordingWebSocket extends globalThis.WebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', ev => {
        if (typeof ev.data !== 'string' || !ev.data.startsWith('{"type":"pokePart"')) return;
        const msg = JSON.parse(ev.data);
        for (const r of msg.rows || []) {
          const k = `${r.table} ${r.key && r.key.id}`;
          const ops = received.get(k) || [];
          ops.push(`${r.op}@${msg.pokeID}`);
          received.set(k, ops.slice(-6));
        }
      });
    }
  }
  return {WebSocket: RecordingWebSocket, received};
}

/** Why view `i` differs from Postgres, with everything needed to tell whose fault it is. */
function explain(view, expected, sql, allRows, client, received, schema) {
  const q = view.query;
  const lines = [`query ${view.id}: status ${view.status}${view.reason ? ` (${view.reason})` : ''}`
    + `${view.errors && view.errors.length ? ` errors ${JSON.stringify(view.errors)}` : ''}`];
  lines.push(`  AST: ${JSON.stringify(q)}`);
  lines.push(`  SQL: ${sql}`);
  lines.push(`  Postgres keys (${expected.length}): ${clip(keyTree(expected, q))}`);
  lines.push(`  client keys   (${view.data.length}): ${clip(keyTree(view.data, q))}`);
  const n = Math.max(expected.length, view.data.length);
  for (let i = 0; i < n; i++) {
    if (canonical(expected[i]) !== canonical(view.data[i])) {
      lines.push(`  first difference at row ${i}:\n    Postgres: ${clip(canonical(expected[i]) ?? 'none', 1500)}`
        + `\n    client:   ${clip(canonical(view.data[i]) ?? 'none', 1500)}`);
      break;
    }
  }
  let local;
  try {
    local = evaluate(q, context(schema, t => allRows[t] || []));
  } catch (e) {
    local = e;
  }
  if (local instanceof Error) {
    lines.push(`  the client's evaluator over all of Postgres' rows throws: ${local.stack}`);
  } else if (canonical(local) === canonical(expected)) {
    lines.push('  the client\'s evaluator over all of Postgres\' rows gives Postgres\' answer: the client holds the wrong'
      + ' rows (missing, stale or extra: a server-side problem, or the client applied a poke wrongly; rows held for'
      + ' other queries of the client group can hide rows missing for this one: VIEWSYNC_TEST_ISOLATED=1 gives each'
      + ' query its own client group)');
  } else {
    lines.push('  the client\'s evaluator over all of Postgres\' rows differs from Postgres too (a client-side evaluation'
      + ` problem): ${clip(keyTree(local, q))}`);
  }
  const wrong = [];
  for (const {table: t, row} of flatten(expected, q)) {
    const held = client.rows(t).find(h => h.id === row.id);
    const ops = received.get(`${t} ${row.id}`) || [];
    const history = `; the server sent ${ops.length ? ops.join(', ') : 'nothing of it'}`;
    if (!held) wrong.push(`${t} ${row.id} missing${history}`);
    else if (canonical(held) !== canonical(row)) wrong.push(`${t} ${row.id} held as ${canonical(held)}, is ${canonical(row)}${history}`);
    if (wrong.length >= 8) break;
  }
  if (wrong.length) lines.push(`  rows of Postgres' answer the client lacks or holds stale: ${wrong.join('; ')}`);
  return lines.join('\n');
}

// ---- the workload

/** The seeded workload over an issue table I and a comment table C. */
function workload(rng, I, C) {
  const COLUMNS = columnsOf(I, C);
  const RELATIONSHIPS = {
    [I]: [{name: 'comments', table: C, parent: ['id'], child: ['issue_id']},
      {name: 'peers', table: C, parent: ['priority'], child: ['n']}], // many to many, through nullable columns
    [C]: [{name: 'issue', table: I, parent: ['issue_id'], child: ['id']}], // many to one
  };
  const issueIds = [];
  const commentIds = [];
  let nextIssueId = 0;
  let nextNegativeId = -6;
  let nextCommentId = 0;
  /** The seed rows (wire form), where start rows come from. */
  const seedRows = {[I]: [], [C]: []};

  const text = () => rng.pick(TEXTS);
  const issueValue = {
    status: () => (rng.chance(0.7) ? rng.pick(STATUSES) : text()),
    priority: () => (rng.chance(0.15) ? null : rng.pick(INT4S)),
    title: () => (rng.chance(0.15) ? null : text()),
    score: () => (rng.chance(0.15) ? null : rng.pick(FLOATS)),
    created: () => (rng.chance(0.15) ? null : rng.chance(0.7) ? rng.pick(MICROS)
      : rng.between(-1000000, 2000000) * 1000000000 + rng.between(0, 999999)),
    flag: () => (rng.chance(0.2) ? null : rng.chance(0.5)),
  };
  const someIssueId = () => (rng.chance(0.3) && issueIds.length > 20 ? issueIds[rng.int(20)] : rng.pick(issueIds));
  const commentValue = {
    issue_id: () => (rng.chance(0.1) ? null : rng.chance(0.85) && issueIds.length ? someIssueId() : rng.between(-30, 1000)),
    body: () => (rng.chance(0.15) ? null : text()),
    n: () => (rng.chance(0.2) ? null : rng.between(-2, 3)),
  };
  const newIssue = id => {
    const row = {id};
    for (const c of Object.keys(issueValue)) row[c] = issueValue[c]();
    return row;
  };
  const newComment = id => {
    const row = {id};
    for (const c of Object.keys(commentValue)) row[c] = commentValue[c]();
    return row;
  };
  const insert = (t, rows) => {
    const cols = Object.keys(COLUMNS[t]);
    return `INSERT INTO ${quoteIdent(t)} (${cols.map(quoteIdent).join(', ')}) VALUES `
      + rows.map(r => `(${cols.map(c => sqlValue(r[c], COLUMNS[t][c])).join(', ')})`).join(', ');
  };
  const newIssueId = () => (rng.chance(0.1) ? nextNegativeId-- : ++nextIssueId);
  const takeSome = (ids, max) => {
    const out = new Set();
    for (let i = 0, n = rng.between(1, max); i < n && ids.length; i++) out.add(rng.pick(ids));
    return [...out];
  };
  const remove = (ids, gone) => {
    for (const id of gone) ids.splice(ids.indexOf(id), 1);
  };

  /** The initial rows, as SQL. */
  function seed() {
    for (let id = -5; id <= SIZES.issues - 6; id++) {
      if (id === 0) continue;
      issueIds.push(id);
    }
    nextIssueId = SIZES.issues;
    const issues = issueIds.map(newIssue);
    for (let id = 1; id <= SIZES.comments; id++) commentIds.push(id);
    nextCommentId = SIZES.comments;
    const comments = commentIds.map(newComment);
    seedRows[I] = issues;
    seedRows[C] = comments;
    return `CREATE TABLE ${quoteIdent(I)} (id int8 PRIMARY KEY, status text NOT NULL, priority int4 NULL, title text NULL,
              score float8 NULL, created timestamptz NULL, flag bool NULL);
            CREATE TABLE ${quoteIdent(C)} (id int8 PRIMARY KEY, issue_id int8 NULL, body text NULL, n int4 NULL);
            CREATE INDEX ON ${quoteIdent(C)} (issue_id); -- for the oracle's per-parent subqueries
            CREATE INDEX ON ${quoteIdent(C)} (n);
            CREATE INDEX ON ${quoteIdent(I)} (priority);
            ${insert(I, issues)};
            ${insert(C, comments)};`;
  }

  /** One random upstream transaction (one to three statements), as SQL. */
  function transaction() {
    const statements = [];
    for (let i = 0, n = rng.between(1, 3); i < n; i++) {
      const kind = rng.weighted({insertIssues: 2, updateIssues: 3, moveIssue: 1, deleteIssues: 1.5, upsertIssue: 1,
        insertComments: 2, updateComments: 2, deleteComments: 1.5, bulk: 1});
      switch (kind) {
        case 'insertIssues': {
          const rows = Array.from({length: rng.between(1, 3)}, () => newIssue(newIssueId()));
          issueIds.push(...rows.map(r => r.id));
          statements.push(insert(I, rows));
          break;
        }
        case 'updateIssues': {
          const ids = takeSome(issueIds, 3);
          if (!ids.length) break;
          const cols = [...new Set(Array.from({length: rng.between(1, 3)}, () => rng.pick(Object.keys(issueValue))))];
          statements.push(`UPDATE ${quoteIdent(I)} SET ${cols.map(c => `${quoteIdent(c)} = ${sqlValue(issueValue[c](),
            COLUMNS[I][c])}`).join(', ')} WHERE id IN (${ids.join(', ')})`);
          break;
        }
        case 'moveIssue': { // a new key: the old row goes, a new one comes
          if (!issueIds.length) break;
          const from = rng.pick(issueIds);
          const to = newIssueId();
          remove(issueIds, [from]);
          issueIds.push(to);
          statements.push(`UPDATE ${quoteIdent(I)} SET id = ${to}${rng.chance(0.5) ? `, status = ${sqlText(issueValue.status())}` : ''}`
            + ` WHERE id = ${from}`);
          break;
        }
        case 'deleteIssues': {
          const ids = takeSome(issueIds, 3);
          if (!ids.length) break;
          remove(issueIds, ids);
          statements.push(`DELETE FROM ${quoteIdent(I)} WHERE id IN (${ids.join(', ')})`);
          break;
        }
        case 'upsertIssue': {
          const fresh = rng.chance(0.3) || !issueIds.length;
          const row = newIssue(fresh ? newIssueId() : rng.pick(issueIds));
          if (fresh) issueIds.push(row.id);
          const cols = Object.keys(issueValue);
          statements.push(`${insert(I, [row])} ON CONFLICT (id) DO UPDATE SET `
            + cols.map(c => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', '));
          break;
        }
        case 'insertComments': {
          const rows = Array.from({length: rng.between(1, 4)}, () => newComment(++nextCommentId));
          commentIds.push(...rows.map(r => r.id));
          statements.push(insert(C, rows));
          break;
        }
        case 'updateComments': {
          const ids = takeSome(commentIds, 4);
          if (!ids.length) break;
          const cols = [...new Set(Array.from({length: rng.between(1, 2)}, () => rng.pick(Object.keys(commentValue))))];
          statements.push(`UPDATE ${quoteIdent(C)} SET ${cols.map(c => `${quoteIdent(c)} = ${sqlValue(commentValue[c](),
            COLUMNS[C][c])}`).join(', ')} WHERE id IN (${ids.join(', ')})`);
          break;
        }
        case 'deleteComments': {
          const ids = takeSome(commentIds, 4);
          if (!ids.length) break;
          remove(commentIds, ids);
          statements.push(`DELETE FROM ${quoteIdent(C)} WHERE id IN (${ids.join(', ')})`);
          break;
        }
        default: { // many rows at once
          const k = rng.int(5);
          statements.push(rng.pick([
            `UPDATE ${quoteIdent(I)} SET priority = CASE WHEN priority IS NULL THEN ${rng.between(-3, 7)} ELSE NULL END WHERE id % 5 = ${k}`,
            `UPDATE ${quoteIdent(I)} SET flag = NOT flag, score = ${NEG_INFINITY ? '-score'
              : "CASE WHEN score = 'Infinity' THEN score ELSE -score END"} WHERE id % 5 = ${k}`,
            `UPDATE ${quoteIdent(I)} SET status = ${sqlText(issueValue.status())} WHERE id % 7 = ${k}`,
            `UPDATE ${quoteIdent(C)} SET n = n + 1 WHERE id % 5 = ${k}`,
            `UPDATE ${quoteIdent(C)} SET issue_id = ${commentValue.issue_id() ?? 'NULL'} WHERE id % 11 = ${k}`,
            `UPDATE ${quoteIdent(I)} SET created = created + interval '1 microsecond' WHERE id % 3 = ${k % 3}`,
          ]));
        }
      }
    }
    if (!statements.length) statements.push(insert(C, [newComment(++nextCommentId)]));
    return statements.join(';\n') + ';';
  }

  // -- queries

  const literal = type => {
    switch (type) {
      case 'int8': return rng.between(-30, 450);
      case 'int4': return rng.chance(0.8) ? rng.between(-3, 7) : rng.pick([...INT4S, 2 ** 40, -(2 ** 40)]);
      case 'float8': return rng.chance(0.8) ? rng.pick(FLOAT_LITERALS) : rng.between(-400, 400) / 4;
      case 'timestamptz': return rng.chance(0.8) ? rng.pick(MICROS) : rng.between(-1000000, 2000000) * 1000000000;
      case 'bool': return rng.chance(0.5);
      default: return rng.chance(0.85) ? text() : rng.pick(OTHER_TEXTS);
    }
  };
  const pattern = () => {
    if (rng.chance(0.05)) return null; // never matches
    if (rng.chance(0.3)) { // a text of the rows with its case changed (non-ASCII letters too), maybe as a prefix
      const s = rng.pick(TEXTS);
      const changed = rng.chance(0.5) ? s.toUpperCase() : s.toLowerCase();
      return changed.replace(/[\\%_]/g, '\\$&') + (rng.chance(0.3) ? '%' : '');
    }
    if (rng.chance(0.6)) return rng.pick(PATTERNS);
    return Array.from({length: rng.between(1, 4)}, () => rng.pick(PATTERN_PIECES)).join('');
  };

  function condition(columns, depth) {
    if (depth < 3 && rng.chance(0.35)) {
      const kind = rng.pick(['and', 'or', 'and', 'or', 'not']);
      if (kind === 'not') return not(condition(columns, depth + 1));
      const n = rng.chance(0.05) ? 0 : rng.between(1, 3);
      const children = Array.from({length: n}, () => condition(columns, depth + 1));
      return kind === 'and' ? and(...children) : or(...children);
    }
    const texts = Object.keys(columns).filter(c => columns[c] === 'text');
    const column = rng.chance(0.35) ? rng.pick(texts) : rng.pick(Object.keys(columns)); // text has most edges
    const type = columns[column];
    const kind = rng.weighted({compare: 45, in: 20, is: 15, like: type === 'text' ? 45 : 0});
    switch (kind) {
      case 'compare':
        return {type: 'cmp', column, op: rng.pick(['=', '!=', '<', '<=', '>', '>=']), value: rng.chance(0.07) ? null : literal(type)};
      case 'in':
        return {type: 'cmp', column, op: rng.pick(['IN', 'NOT IN']),
          value: Array.from({length: rng.chance(0.15) ? 0 : rng.between(1, 4)}, () => literal(type))};
      case 'is':
        return {type: 'cmp', column, op: rng.pick(['IS', 'IS NOT']),
          value: type === 'bool' && rng.chance(0.7) ? rng.chance(0.5) : null};
      default:
        return {type: 'cmp', column, op: rng.pick(['LIKE', 'ILIKE']), value: pattern()};
    }
  }

  /** A start row for the completed order: a seed row's values, some changed (NULL, or a value in no row). */
  function startRow(tableName, order) {
    const base = rng.pick(seedRows[tableName]);
    const row = {};
    for (const [c] of order) {
      const type = COLUMNS[tableName][c];
      let v = base[c];
      if (rng.chance(0.15)) v = c === 'id' || rng.chance(0.5) ? literal(type) : null;
      if (typeof v === 'string' && type === 'float8') v = rng.chance(0.5) ? null : literal(type); // literals are finite
      row[c] = v;
    }
    return row;
  }

  function query(tableName, depth) {
    const columns = COLUMNS[tableName];
    let q = table(tableName);
    if (rng.chance(depth ? 0.6 : 0.8)) q = q.where(condition(columns, 0));
    if (rng.chance(0.1)) q = q.where(condition(columns, 1)); // two where calls AND together
    const orderBy = [];
    for (let i = 0, n = rng.pick([0, 1, 1, 2]); i < n; i++) {
      orderBy.push([rng.pick(Object.keys(columns)), rng.chance(0.5) ? 'asc' : 'desc']);
      q = q.orderBy(...orderBy.at(-1));
    }
    const limit = rng.pick(depth ? [undefined, undefined, 0, 1, 2, 3, 5] : [undefined, undefined, 0, 1, 5, 50]);
    if (limit !== undefined) q = q.limit(limit);
    if (rng.chance(depth ? 0.15 : 0.25)) {
      q = q.start(startRow(tableName, completedOrder({orderBy})), {exclusive: rng.chance(0.5)});
    }
    if (depth < 2 && rng.chance(depth ? 0.2 : 0.45)) {
      const rels = RELATIONSHIPS[tableName];
      const chosen = rng.chance(0.2) && rels.length > 1 ? rels : [rng.pick(rels)];
      for (const rel of chosen) {
        const sub = query(rel.table, depth + 1);
        q = q.related(rel.name, {table: rel.table, parent: rel.parent, child: rel.child}, () => sub);
      }
    }
    return q;
  }

  return {
    columns: COLUMNS,
    seed,
    transaction,
    query: () => query(rng.chance(0.7) ? I : C, 0),
  };
}

// ---- the test

serverTest('every view equals Postgres\' answer for its query after every transaction of a random workload',
  {timeout: STRESS ? 3600000 : 300000}, async t => {
    const seed = seedOf();
    t.diagnostic(`seed ${seed} (replay with VIEWSYNC_TEST_SEED=${seed})${STRESS ? ', stress sizes' : ''}`);
    const began = Date.now();
    const rng = random(seed);
    const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const I = `o_issue_${suffix}`;
    const C = `o_comment_${suffix}`;
    const w = workload(rng, I, C);
    const schema = {tables: {}};
    for (const [name, columns] of Object.entries(w.columns)) {
      schema.tables[name] = {columns: Object.fromEntries(Object.entries(columns).map(([c, type]) => [c, {type}])),
        primaryKey: ['id']};
    }
    const context_ = {seed, step: 'the initial load', sql: ''};
    const clients = [];
    try {
      psql(w.seed());
      const errors = [];
      const newClient = group => {
        const r = recording();
        const c = connect({url: SERVER_URL, schema, backoff: {initialMs: 50, maxMs: 500}, clientGroupID: group,
          WebSocket: r.WebSocket});
        c.on('error', e => errors.push({group, ...e}));
        clients.push({client: c, received: r.received});
        return clients.at(-1);
      };
      if (!ISOLATED) newClient(`oracle-${suffix}`);
      const views = [];
      const clientOf = [];
      const sqls = [];
      for (let i = 0; i < SIZES.queries; i++) {
        const builder = w.query();
        const c = ISOLATED ? newClient(`oracle-${suffix}-q${i}`) : clients[0];
        const view = c.client.subscribe(builder, {id: `q${i}`});
        views.push(view);
        clientOf.push(c);
        sqls.push(sqlOf(view.query, w.columns));
      }
      const answersSql = `SELECT json_build_object(
          'answers', (SELECT json_agg(a ORDER BY i) FROM (VALUES ${sqls.map((s, i) => `(${i}, ${s})`).join(',\n')}) AS v(i, a)),
          'rows', json_build_object('${I}', ${sqlAllRows(I, w.columns[I])}, '${C}', ${sqlAllRows(C, w.columns[C])}))`;
      const timing = {oracle: 0, local: 0, wait: 0};

      let allRows;
      /** Postgres' answers now; first checks the client's evaluator over Postgres' rows against them. */
      const oracleNow = () => {
        const t0 = Date.now();
        const r = JSON.parse(psql(answersSql));
        timing.oracle += Date.now() - t0;
        const t2 = Date.now();
        allRows = r.rows;
        const local = context(schema, name => allRows[name] || []);
        const failures = [];
        views.forEach((v, i) => {
          let mine;
          try {
            mine = evaluate(v.query, local);
          } catch (e) {
            failures.push(`query ${v.id}: the client's evaluator throws ${e.stack}\n  AST: ${JSON.stringify(v.query)}`);
            return;
          }
          if (canonical(mine) !== canonical(r.answers[i])) {
            failures.push(`query ${v.id}: the client's evaluator over all of Postgres' rows differs from Postgres\n`
              + `  AST: ${JSON.stringify(v.query)}\n  SQL: ${sqls[i]}\n  Postgres keys: ${clip(keyTree(r.answers[i], v.query))}\n`
              + `  client's evaluator keys: ${clip(keyTree(mine, v.query))}`);
          }
        });
        timing.local += Date.now() - t2;
        if (failures.length) {
          assert.fail(`seed ${seed}, after ${context_.step}${context_.sql ? `:\n${context_.sql}` : ''}\n`
            + `${failures.length} queries evaluated wrongly by src/evaluate.js:\n${failures.slice(0, 3).join('\n')}`);
        }
        return r.answers;
      };

      /** Waits until every view is complete with Postgres' answer; fails with a diagnosis after WAIT_MS. */
      const converge = async () => {
        const expected = oracleNow();
        const expectedText = expected.map(canonical);
        const deadline = Date.now() + WAIT_MS;
        const t1 = Date.now();
        for (;;) {
          const wrong = [];
          views.forEach((v, i) => {
            if (v.status !== 'complete' || canonicalOf(v.data) !== expectedText[i]) wrong.push(i);
          });
          if (!wrong.length) {
            timing.wait += Date.now() - t1;
            return expected;
          }
          if (Date.now() > deadline) {
            assert.fail(`seed ${seed}: ${wrong.length} of ${views.length} views differ from Postgres ${WAIT_MS} ms after `
              + `${context_.step}${context_.sql ? `:\n${context_.sql}` : ''}\n`
              + `errors ${JSON.stringify(errors)}\n`
              + wrong.slice(0, 3).map(i => `client state ${clientOf[i].client.state}, cookie ${clientOf[i].client.cookie}\n`
                + explain(views[i], expected[i], sqls[i], allRows, clientOf[i].client, clientOf[i].received, schema))
                .join('\n'));
          }
          await sleep(20);
        }
      };

      let expected = await converge();
      const stats = {rows: expected.map(a => a.length), changed: 0};
      for (let step = 0; step < SIZES.steps; step++) {
        const sql = w.transaction();
        context_.step = `transaction ${step}`;
        context_.sql = sql;
        psql(sql);
        const before = expected.map(canonical);
        expected = await converge();
        stats.changed += expected.filter((a, i) => canonical(a) !== before[i]).length;
      }
      // Nothing moves afterwards either.
      context_.step = `all ${SIZES.steps} transactions and a pause`;
      context_.sql = '';
      await sleep(300);
      await converge();
      assert.deepEqual(errors, [], `seed ${seed}: the client reported errors`);
      for (const {client} of clients) assert.equal(client.stats.resets, 1, `seed ${seed}: one reset poke, the first`);
      const nonEmpty = stats.rows.filter(n => n > 0).length;
      const sum = key => clients.reduce((n, c) => n + c.client.stats[key], 0);
      t.diagnostic(`seed ${seed}: ${views.length} queries on ${clients.length} client(s) (${nonEmpty} with rows at first, `
        + `${views.filter(v => v.query.related).length} with related, ${views.filter(v => v.query.start).length} with a start), `
        + `${SIZES.steps} transactions, ${stats.changed} view changes, ${sum('pokes')} pokes, `
        + `${sum('rowsReceived')} rows received, ${Date.now() - began} ms (Postgres ${timing.oracle} ms, `
        + `the client's evaluator over Postgres' rows ${timing.local} ms, waiting for the views ${timing.wait} ms)`);
    } finally {
      for (const {client} of clients) client.close();
      if (process.env.VIEWSYNC_TEST_KEEP === '1') t.diagnostic(`kept tables ${I} and ${C} (VIEWSYNC_TEST_KEEP=1)`);
      else psql(`DROP TABLE IF EXISTS ${quoteIdent(I)}; DROP TABLE IF EXISTS ${quoteIdent(C)}`);
    }
  });

// docs/queries.md: numbers sort numerically, and Postgres puts -Infinity below every other float8. The server's
// replica stores non-finite floats as TEXT, and its order (sync-core ivm/Values.compare, SQLite's: numbers < text)
// puts "-Infinity" after every number: `score < 0` misses it, a window ordered by score ascending gets it last, a
// start in descending order skips it. Each query runs on a client of its own, as no other query's rows may fill in.
serverTest('-Infinity sorts below every float8 for the server too', {
  todo: 'server bug: float8 -Infinity is ordered after every finite number (stored as TEXT, compared as SQLite does)',
}, async () => {
  const name = `o_inf_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  psql(`CREATE TABLE ${name} (id int8 PRIMARY KEY, score float8);
        INSERT INTO ${name} VALUES (1, '-Infinity'), (2, -100), (3, 0), (4, 'Infinity'), (5, 'NaN'), (6, NULL)`);
  const columns = {[name]: {id: 'int8', score: 'float8'}};
  const schema = {tables: {[name]: {columns: {id: {type: 'int8'}, score: {type: 'float8'}}, primaryKey: ['id']}}};
  const queries = [
    table(name).where('score', '<', 0),
    table(name).where('score', 'IS NOT', null).orderBy('score').limit(2),
    table(name).orderBy('score', 'desc').start({score: 0, id: 0}),
  ];
  const clients = queries.map(() => connect({url: SERVER_URL, schema}));
  try {
    const views = queries.map((q, i) => clients[i].subscribe(q, {id: `q${i}`}));
    const expected = JSON.parse(psql(`SELECT json_build_array(${views.map(v => sqlOf(v.query, columns)).join(', ')})`));
    assert.deepEqual(expected.map(rows => rows.map(r => r.id)), [[1, 2], [1, 2], [3, 2, 1, 6]], 'Postgres\' answers');
    const equal = () => views.every((v, i) => v.status === 'complete' && canonical(v.data) === canonical(expected[i]));
    let deadline = Date.now() + WAIT_MS;
    let settling = false;
    while (Date.now() < deadline && !equal()) {
      if (!settling && views.every(v => v.status === 'complete')) {
        settling = true; // complete: a second more for any poke still on its way
        deadline = Math.min(deadline, Date.now() + 1000);
      }
      await sleep(25);
    }
    assert.deepEqual(views.map(v => `${v.status}: ${v.data.map(r => r.id)}`),
      expected.map(rows => `complete: ${rows.map(r => r.id)}`), `the ids of ${views.map(v => JSON.stringify(v.query)).join(', ')}`);
  } finally {
    clients.forEach(c => c.close());
    psql(`DROP TABLE IF EXISTS ${name}`);
  }
});
