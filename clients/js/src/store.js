// The rows a client holds, per declared table by declared primary key, and the buffering of pokes.

/** A message from the server the client cannot accept; the connection is restarted. */
export class ProtocolViolation extends Error {
  /** @param {string} message @param {string} [kind] */
  constructor(message, kind = 'protocol_violation') {
    super(message);
    this.kind = kind;
  }
}

function deepFreeze(v) {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze(v[k]);
  }
  return v;
}

/** Rows per declared table, keyed by a canonical string of their primary key values. */
export class RowStore {
  /** @param {object} schema the declaration `{tables: {name: {columns, primaryKey}}}` */
  constructor(schema) {
    this.schema = schema;
    /** @type {Map<string, Map<string, object>>} */
    this.tables = new Map();
    for (const name of Object.keys(schema.tables)) this.tables.set(name, new Map());
  }

  /** The canonical key string of `key` (an object holding the primary key columns) in table `table`. */
  keyOf(table, key) {
    const pk = this.schema.tables[table].primaryKey;
    return JSON.stringify(pk.map(c => {
      const v = key[c];
      return v === undefined ? null : v;
    }));
  }

  /**
   * Checks a row op against the declaration; throws {@link ProtocolViolation} for one the client cannot hold.
   * @returns {{op: string, table: string, k: string, value?: object}} the op, ready to apply
   */
  check(op) {
    if (!op || typeof op !== 'object') throw new ProtocolViolation('a row op that is not an object');
    const spec = this.schema.tables[op.table];
    if (!spec) throw new ProtocolViolation(`a row of table ${JSON.stringify(op.table)}, which the client did not declare`);
    if (!op.key || typeof op.key !== 'object') throw new ProtocolViolation(`a row op of ${op.table} without a key`);
    for (const c of spec.primaryKey) {
      if (!(c in op.key)) throw new ProtocolViolation(`a row op of ${op.table} whose key lacks ${c}`);
    }
    if (op.op === 'put') {
      if (!op.value || typeof op.value !== 'object' || Array.isArray(op.value)) {
        throw new ProtocolViolation(`a put of ${op.table} without a value`);
      }
      const value = {};
      for (const c of Object.keys(spec.columns)) value[c] = op.value[c] === undefined ? null : op.value[c];
      return {op: 'put', table: op.table, k: this.keyOf(op.table, op.key), value: deepFreeze(value)};
    }
    if (op.op === 'del') return {op: 'del', table: op.table, k: this.keyOf(op.table, op.key)};
    throw new ProtocolViolation(`a row op ${JSON.stringify(op.op)}`);
  }

  /** Applies checked ops; a del of a row not held is ignored. */
  apply(ops) {
    for (const o of ops) {
      const t = this.tables.get(o.table);
      if (o.op === 'put') t.set(o.k, o.value);
      else t.delete(o.k);
    }
  }

  /** Drops every row. */
  clear() {
    for (const t of this.tables.values()) t.clear();
  }

  /** Every row held of `table` (frozen objects), or [] for a table not declared. */
  rows(table) {
    const t = this.tables.get(table);
    return t ? Array.from(t.values()) : [];
  }

  /** The row of `key` in `table`, or undefined. */
  get(table, key) {
    const t = this.tables.get(table);
    return t ? t.get(this.keyOf(table, key)) : undefined;
  }

  /** How many rows are held in all. */
  get size() {
    let n = 0;
    for (const t of this.tables.values()) n += t.size;
    return n;
  }
}

/** Collects one poke's messages until its pokeEnd. */
export class PokeBuffer {
  constructor() {
    this.clear();
  }

  clear() {
    this.start = null;
    this.rows = [];
    this.queries = [];
  }

  /** Whether a poke is open. */
  get open() {
    return this.start !== null;
  }

  /** Takes a pokeStart / pokePart / pokeEnd; returns the whole poke at its pokeEnd, else null. */
  accept(msg) {
    if (msg.type === 'pokeStart') {
      if (this.start) throw new ProtocolViolation(`pokeStart ${msg.pokeID} while poke ${this.start.pokeID} is open`);
      if (typeof msg.pokeID !== 'string') throw new ProtocolViolation('a pokeStart without a pokeID');
      this.start = msg;
      return null;
    }
    this._check(msg);
    if (msg.type === 'pokePart') {
      if (msg.rows != null && !Array.isArray(msg.rows)) throw new ProtocolViolation('pokePart rows is not an array');
      if (msg.queries != null && !Array.isArray(msg.queries)) throw new ProtocolViolation('pokePart queries is not an array');
      if (msg.rows) for (const r of msg.rows) this.rows.push(r);
      if (msg.queries) for (const q of msg.queries) this.queries.push(q);
      return null;
    }
    if (typeof msg.cookie !== 'string') throw new ProtocolViolation(`pokeEnd ${msg.pokeID} without a cookie`);
    const poke = {start: this.start, rows: this.rows, queries: this.queries, cookie: msg.cookie};
    this.clear();
    return poke;
  }

  _check(msg) {
    if (!this.start) throw new ProtocolViolation(`${msg.type} ${msg.pokeID} without a pokeStart`);
    if (msg.pokeID !== this.start.pokeID) {
      throw new ProtocolViolation(`${msg.type} ${msg.pokeID} inside poke ${this.start.pokeID}`);
    }
  }
}
