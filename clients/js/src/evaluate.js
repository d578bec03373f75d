// Local query evaluation over the rows a client holds, with the meaning docs/queries.md gives the AST.

const INTEGER_TYPES = new Set(['int2', 'int4', 'int8', 'oid', 'timestamp', 'timestamptz']);
const FLOAT_TYPES = new Set(['float4', 'float8']);
const DECIMAL_INTEGER = /^-?\d+$/;

/**
 * Compares two text values by Unicode code points (the order of their UTF-8 bytes), not UTF-16 code units.
 * @returns {number} negative, 0 or positive
 */
export function compareText(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        // Surrogates (0xD800–0xDFFF) encode code points above 0xFFFF: they sort after 0xE000–0xFFFF.
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function floatOf(v) {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return Number(v);
}

function compareFloats(x, y) {
  // Postgres: NaN equals NaN and sorts after every other value.
  const xn = Number.isNaN(x);
  const yn = Number.isNaN(y);
  if (xn || yn) return xn && yn ? 0 : xn ? 1 : -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A BigInt against a number, exactly. */
function compareBigNumber(big, n) {
  if (Number.isNaN(n)) return -1;
  if (n === Infinity) return -1;
  if (n === -Infinity) return 1;
  if (Number.isInteger(n)) {
    const b = BigInt(n);
    return big < b ? -1 : big > b ? 1 : 0;
  }
  const floor = BigInt(Math.floor(n));
  return big <= floor ? -1 : 1;
}

function isNumeric(v) {
  return typeof v === 'number' || (typeof v === 'string' && (DECIMAL_INTEGER.test(v) || v === 'NaN' || v === 'Infinity' || v === '-Infinity'));
}

/**
 * Compares two non-null values as the server orders them: numbers numerically (int8 / micros beyond 2^53 arrive as
 * decimal strings and compare as BigInt), bools false < true, text by code points.
 * @param {*} a
 * @param {*} b
 * @param {string} [type] the column's declared Postgres type name, when known
 */
export function compareValues(a, b, type) {
  const ta = typeof a;
  const tb = typeof b;
  if (ta === 'boolean' && tb === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (ta === 'number' && tb === 'number') return compareFloats(a, b);
  const numericColumn = type === undefined || INTEGER_TYPES.has(type) || FLOAT_TYPES.has(type);
  if (numericColumn && (ta === 'number' || tb === 'number' || (type !== undefined && ta === 'string' && tb === 'string'))
      && isNumeric(a) && isNumeric(b)) {
    const ia = typeof a === 'string' && DECIMAL_INTEGER.test(a);
    const ib = typeof b === 'string' && DECIMAL_INTEGER.test(b);
    if (ia && ib) {
      const x = BigInt(a);
      const y = BigInt(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if (ia) return compareBigNumber(BigInt(a), floatOf(b));
    if (ib) return -compareBigNumber(BigInt(b), floatOf(a));
    return compareFloats(floatOf(a), floatOf(b));
  }
  if (ta === 'string' && tb === 'string') return compareText(a, b);
  if (Array.isArray(a) || Array.isArray(b) || ta === 'object' || tb === 'object') {
    return compareText(JSON.stringify(a), JSON.stringify(b));
  }
  // Different kinds (the validator refuses these): order by kind so that the order stays total.
  const rank = v => (typeof v === 'boolean' ? 0 : typeof v === 'number' ? 1 : 2);
  return rank(a) - rank(b) || compareText(String(a), String(b));
}

/** Null-aware order of one column: NULL first. */
function compareNullable(a, b, type) {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an && bn ? 0 : an ? -1 : 1;
  return compareValues(a, b, type);
}

/** A LIKE / ILIKE pattern as a RegExp (`%` any run, `_` one character, `\` escapes). */
export function likeRegExp(pattern, caseInsensitive) {
  let src = '^';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    let c = chars[i];
    if (c === '%') {
      src += '[\\s\\S]*';
      continue;
    }
    if (c === '_') {
      src += '[\\s\\S]';
      continue;
    }
    if (c === '\\') {
      i++;
      if (i >= chars.length) return null; // a lone trailing backslash: refused by the validator
      c = chars[i];
    }
    if (caseInsensitive && /^[A-Za-z]$/.test(c)) {
      src += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    } else {
      // Only syntax characters (and /) may be escaped: under the 'u' flag any other escape, such as \-, is an error.
      src += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(src + '$', 'u');
}

const likeCache = new Map();

function like(value, pattern, ci) {
  if (value === null || value === undefined || pattern === null || pattern === undefined) return null;
  if (typeof value !== 'string' || typeof pattern !== 'string') return null;
  const key = (ci ? 'i' : 's') + pattern;
  let re = likeCache.get(key);
  if (re === undefined) {
    if (likeCache.size > 1000) likeCache.clear();
    re = likeRegExp(pattern, ci);
    likeCache.set(key, re);
  }
  return re === null ? false : re.test(value);
}

function isNull(v) {
  return v === null || v === undefined;
}

/**
 * Evaluates a condition on a row with three-valued logic.
 * @returns {true|false|null} null for unknown
 */
export function evalCondition(cond, row, ctx, tableName) {
  switch (cond.type) {
    case 'and': {
      let unknown = false;
      for (const c of cond.conditions) {
        const r = evalCondition(c, row, ctx, tableName);
        if (r === false) return false;
        if (r === null) unknown = true;
      }
      return unknown ? null : true;
    }
    case 'or': {
      let unknown = false;
      for (const c of cond.conditions) {
        const r = evalCondition(c, row, ctx, tableName);
        if (r === true) return true;
        if (r === null) unknown = true;
      }
      return unknown ? null : false;
    }
    case 'not': {
      const r = evalCondition(cond.condition, row, ctx, tableName);
      return r === null ? null : !r;
    }
    case 'exists': {
      const children = correlated(cond.correlation, cond.query, row, ctx);
      const has = windowed(children, cond.query, ctx).length > 0;
      return cond.negated ? !has : has;
    }
    case 'cmp':
      return compare(cond, row, ctx.columnType(tableName, cond.column));
    default:
      throw new Error(`unknown condition type ${JSON.stringify(cond.type)}`);
  }
}

function compare(cond, row, type) {
  const v = row[cond.column];
  const lit = cond.value;
  switch (cond.op) {
    case 'IS':
      return isNull(lit) ? isNull(v) : v === lit;
    case 'IS NOT':
      return isNull(lit) ? !isNull(v) : v !== lit;
    case 'IN':
    case 'NOT IN': {
      const list = Array.isArray(lit) ? lit : [lit];
      if (list.length === 0) return cond.op === 'NOT IN';
      if (isNull(v)) return null;
      const found = list.some(x => !isNull(x) && compareValues(v, x, type) === 0);
      return cond.op === 'IN' ? found : !found;
    }
    case 'LIKE':
      return like(v, lit, false);
    case 'ILIKE':
      return like(v, lit, true);
    default: {
      if (isNull(v) || isNull(lit)) return null;
      const c = compareValues(v, lit, type);
      switch (cond.op) {
        case '=': return c === 0;
        case '!=': return c !== 0;
        case '<': return c < 0;
        case '<=': return c <= 0;
        case '>': return c > 0;
        case '>=': return c >= 0;
        default: throw new Error(`unknown operator ${JSON.stringify(cond.op)}`);
      }
    }
  }
}

/** The order of `query` completed with its table's key: `[[column, dir], …]`. */
export function completedOrder(query, ctx) {
  const order = [];
  const seen = new Set();
  for (const [column, dir] of query.orderBy || []) {
    if (seen.has(column)) continue;
    seen.add(column);
    order.push([column, dir === 'desc' ? 'desc' : 'asc']);
  }
  for (const column of ctx.primaryKey(query.table)) {
    if (!seen.has(column)) {
      seen.add(column);
      order.push([column, 'asc']);
    }
  }
  return order;
}

function comparator(order, ctx, tableName) {
  const types = order.map(([column]) => ctx.columnType(tableName, column));
  return (a, b) => {
    for (let i = 0; i < order.length; i++) {
      const [column, dir] = order[i];
      const c = compareNullable(a[column], b[column], types[i]);
      if (c !== 0) return dir === 'desc' ? -c : c;
    }
    return 0;
  };
}

/** Filters, orders, starts and limits `rows` (already correlated) by `query`. */
function windowed(rows, query, ctx) {
  let out = query.where ? rows.filter(r => evalCondition(query.where, r, ctx, query.table) === true) : rows.slice();
  const order = completedOrder(query, ctx);
  const cmpRows = comparator(order, ctx, query.table);
  out.sort(cmpRows);
  if (query.start && query.start.row) {
    const startRow = query.start.row;
    const exclusive = !!query.start.exclusive;
    const i = out.findIndex(r => {
      const c = cmpRows(r, startRow);
      return exclusive ? c > 0 : c >= 0;
    });
    out = i < 0 ? [] : out.slice(i);
  }
  if (query.limit !== undefined && query.limit !== null) out = out.slice(0, query.limit);
  return out;
}

function correlationKey(values) {
  return values.map(v => {
    if (typeof v === 'number' && Number.isInteger(v)) return 'i' + BigInt(v);
    if (typeof v === 'string' && DECIMAL_INTEGER.test(v)) return 'i' + BigInt(v);
    return JSON.stringify(v);
  }).join('\u0000');
}

/** The child rows of `query.table` correlated with `parentRow` (a NULL correlates with nothing). */
function correlated(correlation, query, parentRow, ctx) {
  const values = correlation.parent.map(c => parentRow[c]);
  if (values.some(isNull)) return [];
  // One index of the child table by the correlation's child columns per evaluation.
  const id = query.table + '\u0000' + correlation.child.join('\u0000');
  let index = ctx.indexes && ctx.indexes.get(id);
  if (!index) {
    index = new Map();
    for (const child of ctx.rows(query.table)) {
      const vs = correlation.child.map(c => child[c]);
      if (vs.some(isNull)) continue;
      const k = correlationKey(vs);
      const list = index.get(k);
      if (list) list.push(child); else index.set(k, [child]);
    }
    if (ctx.indexes) ctx.indexes.set(id, index);
  }
  return index.get(correlationKey(values)) || [];
}

/**
 * Evaluates `query` over the rows `ctx` holds: the rows in order, each a frozen object with its table's columns plus,
 * per related subquery, an array of its rows under the related name.
 * @param {object} query the AST
 * @param {{rows(table: string): object[], primaryKey(table: string): string[], columnType(table: string, column: string): (string|undefined)}} ctx
 * @returns {ReadonlyArray<object>}
 */
export function evaluate(query, ctx) {
  ctx = {...ctx, indexes: new Map()};
  return Object.freeze(shape(windowed(ctx.rows(query.table), query, ctx), query, ctx));
}

function shape(rows, query, ctx) {
  const related = query.related || [];
  if (related.length === 0) return rows;
  return rows.map(row => {
    const out = {...row};
    for (const r of related) {
      const children = correlated(r.correlation, r.query, row, ctx);
      out[r.name] = Object.freeze(shape(windowed(children, r.query, ctx), r.query, ctx));
    }
    return Object.freeze(out);
  });
}

/**
 * An evaluation context over a schema declaration (`{tables: {name: {columns, primaryKey}}}`) and a row source.
 * @param {object} schema
 * @param {(table: string) => object[]} rowsOf
 */
export function context(schema, rowsOf) {
  const tables = (schema && schema.tables) || {};
  return {
    rows: rowsOf,
    primaryKey: t => (tables[t] && tables[t].primaryKey) || [],
    columnType: (t, c) => {
      const col = tables[t] && tables[t].columns && tables[t].columns[c];
      return col ? col.type : undefined;
    },
  };
}

/** Deep equality of two evaluated results (or any JSON-like values). */
export function sameData(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k) || !sameData(a[k], b[k])) return false;
  }
  return true;
}
