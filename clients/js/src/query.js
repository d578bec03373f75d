// The query builder: immutable builders that produce the query AST of docs/queries.md.

const DEFERRED_EXISTS = Symbol('viewsync.exists');

/**
 * Starts a query over `tableName` (the replica name: `issues`, or `s.issues`).
 * @param {string} tableName
 * @returns {QueryBuilder}
 */
export function table(tableName) {
  if (typeof tableName !== 'string' || tableName === '') {
    throw new Error('table(name) needs a table name');
  }
  return new QueryBuilder({table: tableName, where: [], orderBy: [], limit: undefined, start: undefined, related: []});
}

/**
 * A comparison condition: `{"type":"cmp","column":…,"op":…,"value":…}`.
 * @param {string} column
 * @param {string} op one of = != < <= > >= IN, NOT IN, LIKE, ILIKE, IS, IS NOT
 * @param {*} value a scalar, null, or an array for IN / NOT IN
 */
export function cmp(column, op, value) {
  if (typeof column !== 'string') throw new Error('cmp(column, op, value) needs a column name');
  if (typeof op !== 'string') throw new Error(`cmp(${column}, op, value) needs an operator`);
  return {type: 'cmp', column, op, value: value === undefined ? null : value};
}

/** The conjunction of `conds` (`{"type":"and","conditions":[…]}`). */
export function and(...conds) {
  return {type: 'and', conditions: conds};
}

/** The disjunction of `conds` (`{"type":"or","conditions":[…]}`). */
export function or(...conds) {
  return {type: 'or', conditions: conds};
}

/** The negation of `cond` (`{"type":"not","condition":…}`). */
export function not(cond) {
  return {type: 'not', condition: cond};
}

/**
 * An exists condition over a relationship, resolved like {@link QueryBuilder#related}: either
 * `exists(name, q => …, {negated})` (correlation and table from the schema's relationships) or
 * `exists(name, {table, parent, child}, q => …, {negated})`.
 * Note: the client refuses to subscribe to queries with `exists` (protocol v1 does not send exists rows).
 */
export function exists(name, ...args) {
  const {spec, fn, rest} = relationArgs('exists', name, args);
  const opts = rest[0] || {};
  return {[DEFERRED_EXISTS]: true, name, spec, fn, negated: !!opts.negated};
}

function relationArgs(what, name, args) {
  if (typeof name !== 'string' || name === '') throw new Error(`${what}(name, …) needs a relationship name`);
  let spec;
  let i = 0;
  if (args[0] && typeof args[0] === 'object' && typeof args[0].table === 'string') {
    spec = args[0];
    i = 1;
    if (!Array.isArray(spec.parent) || !Array.isArray(spec.child)) {
      throw new Error(`${what}(${JSON.stringify(name)}, {table, parent, child}): parent and child must be arrays of column names`);
    }
  }
  let fn;
  if (typeof args[i] === 'function') {
    fn = args[i];
    i++;
  } else if (args[i] === undefined || args[i] === null) {
    if (args.length > i) i++;
  }
  return {spec, fn, rest: args.slice(i)};
}

/** Resolves a relationship of `parentTable`: an explicit spec or the schema's declaration. */
function relationship(what, parentTable, name, spec, schema) {
  if (spec) return spec;
  const tables = schema && schema.tables;
  if (!tables) {
    throw new Error(`${what} ${JSON.stringify(name)} on table ${JSON.stringify(parentTable)} needs a schema `
        + `declaring tables.${parentTable}.relationships.${name}, or an explicit {table, parent, child}`);
  }
  const rel = tables[parentTable] && tables[parentTable].relationships && tables[parentTable].relationships[name];
  if (!rel) {
    throw new Error(`unknown relationship ${JSON.stringify(name)} of table ${JSON.stringify(parentTable)}: `
        + `the schema has no tables.${parentTable}.relationships.${name}`);
  }
  if (typeof rel.table !== 'string' || !Array.isArray(rel.parent) || !Array.isArray(rel.child)) {
    throw new Error(`relationship ${JSON.stringify(name)} of table ${JSON.stringify(parentTable)} needs {table, parent, child}`);
  }
  return rel;
}

function subquery(rel, fn, schema) {
  let q = table(rel.table);
  if (fn) {
    const out = fn(q);
    if (out !== undefined) q = out;
  }
  return q instanceof QueryBuilder ? q.ast(schema) : q;
}

/** The condition as AST, with deferred `exists` resolved against `parentTable` and `schema`. */
function resolveCondition(cond, parentTable, schema) {
  if (cond instanceof QueryBuilder) throw new Error('a query builder is not a condition');
  if (!cond || typeof cond !== 'object') throw new Error(`not a condition: ${JSON.stringify(cond)}`);
  if (cond[DEFERRED_EXISTS]) {
    const rel = relationship('exists', parentTable, cond.name, cond.spec, schema);
    return {type: 'exists', correlation: {parent: [...rel.parent], child: [...rel.child]},
      query: subquery(rel, cond.fn, schema), negated: cond.negated};
  }
  switch (cond.type) {
    case 'and':
    case 'or':
      return {type: cond.type, conditions: cond.conditions.map(c => resolveCondition(c, parentTable, schema))};
    case 'not':
      return {type: 'not', condition: resolveCondition(cond.condition, parentTable, schema)};
    case 'exists':
      return {type: 'exists', correlation: cond.correlation, query: cond.query, negated: !!cond.negated};
    default:
      return cond;
  }
}

/** An immutable query builder; every method returns a new builder. */
export class QueryBuilder {
  /** @param {object} s internal state */
  constructor(s) {
    this._s = Object.freeze(s);
    Object.freeze(this);
  }

  _with(changes) {
    return new QueryBuilder({...this._s, ...changes});
  }

  /** The table this query reads. */
  get tableName() {
    return this._s.table;
  }

  /**
   * Adds a condition; several `where` calls AND together.
   * `where(column, op, value)` or `where(cond)` with a condition from cmp/and/or/not/exists.
   */
  where(columnOrCond, op, value) {
    const cond = typeof columnOrCond === 'string' ? cmp(columnOrCond, op, value) : columnOrCond;
    if (!cond || typeof cond !== 'object') throw new Error('where(column, op, value) or where(condition)');
    return this._with({where: [...this._s.where, cond]});
  }

  /** Appends `[column, dir]` to the order. */
  orderBy(column, dir = 'asc') {
    if (dir !== 'asc' && dir !== 'desc') throw new Error(`orderBy(${column}, dir): dir is "asc" or "desc", not ${JSON.stringify(dir)}`);
    return this._with({orderBy: [...this._s.orderBy, [column, dir]]});
  }

  /** At most `n` rows (null: no limit). */
  limit(n) {
    if (n !== null && !(Number.isInteger(n) && n >= 0)) throw new Error(`limit(n) needs an integer >= 0, not ${n}`);
    return this._with({limit: n === null ? undefined : n});
  }

  /**
   * Starts at (or with `{exclusive: true}` strictly after) the position of `row`, which holds every column of the
   * order completed with the key.
   */
  start(row, {exclusive = false} = {}) {
    if (row === null) return this._with({start: undefined});
    if (!row || typeof row !== 'object') throw new Error('start(row, {exclusive}) needs a row object');
    return this._with({start: {row: {...row}, exclusive: !!exclusive}});
  }

  /**
   * A related subquery named `name`: `related(name, q => …)` (correlation and table from
   * `schema.tables[parent].relationships[name]`) or `related(name, {table, parent, child}, q => …)`.
   */
  related(name, ...args) {
    const {spec, fn} = relationArgs('related', name, args);
    return this._with({related: [...this._s.related, {name, spec, fn}]});
  }

  /**
   * The plain query AST as docs/queries.md spells it.
   * @param {object} [schema] the client schema, needed to resolve relationships by name
   */
  ast(schema) {
    const s = this._s;
    const out = {table: s.table};
    if (s.where.length === 1) {
      out.where = resolveCondition(s.where[0], s.table, schema);
    } else if (s.where.length > 1) {
      out.where = {type: 'and', conditions: s.where.map(c => resolveCondition(c, s.table, schema))};
    }
    if (s.orderBy.length) out.orderBy = s.orderBy.map(o => [o[0], o[1]]);
    if (s.limit !== undefined) out.limit = s.limit;
    if (s.start) {
      const row = {};
      for (const k of Object.keys(s.start.row).sort(compareNames)) row[k] = s.start.row[k];
      out.start = {row, exclusive: s.start.exclusive};
    }
    if (s.related.length) {
      out.related = s.related.map(r => {
        const rel = relationship('related', s.table, r.name, r.spec, schema);
        return {name: r.name, correlation: {parent: [...rel.parent], child: [...rel.child]},
          query: subquery(rel, r.fn, schema)};
      });
    }
    return out;
  }

  /** The AST as JSON (relationships by name need `ast(schema)`). */
  toJSON() {
    return this.ast();
  }
}

function compareNames(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
