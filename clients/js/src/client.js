// The sync client: one WebSocket to viewsync (docs/protocol.md), the rows of its client group, live views.

import {context, sameData} from './evaluate.js';
import {Emitter} from './emitter.js';
import {PokeBuffer, ProtocolViolation, RowStore} from './store.js';
import {queryProblems} from './validate.js';
import {View} from './view.js';

export const PROTOCOL_VERSION = 1;
const CLOSE_UNSUPPORTED_PROTOCOL = 4001;
const STATUSES = new Set(['loading', 'complete', 'unavailable']);
const OPEN = 1;

/**
 * The WebSocket URL of `url`: `ws://`/`wss://` as given; `http://host:port` → `ws://host:port/sync/v1`
 * (`https` → `wss`).
 * @param {string} url
 */
export function syncUrl(url) {
  const u = new URL(url);
  if (u.protocol === 'http:' || u.protocol === 'https:') {
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    if (!u.pathname.endsWith('/sync/v1')) u.pathname = u.pathname.replace(/\/+$/, '') + '/sync/v1';
  } else if (u.protocol !== 'ws:' && u.protocol !== 'wss:') {
    throw new Error(`a viewsync URL is ws://, wss://, http:// or https://, not ${url}`);
  }
  return u.toString();
}

function randomID() {
  const bytes = new Uint8Array(12);
  const c = globalThis.crypto;
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

function checkID(what, id) {
  if (typeof id !== 'string' || id.length < 1 || id.length > 64) {
    throw new Error(`${what} must be a string of 1 to 64 characters, not ${JSON.stringify(id)}`);
  }
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?:[^\ud800-\udbff]|^)[\udc00-\udfff]/.test(id)) {
    throw new Error(`${what} must not hold a lone surrogate`);
  }
  return id;
}

/** The declaration sent in `connect`: tables with columns (`{type}`) and primary key, without relationships. */
export function wireSchema(schema) {
  if (!schema || typeof schema !== 'object' || !schema.tables || typeof schema.tables !== 'object') {
    throw new Error('connect({schema}) needs a schema {tables: {name: {columns, primaryKey}}}');
  }
  const tables = {};
  for (const [name, t] of Object.entries(schema.tables)) {
    if (!t || typeof t.columns !== 'object' || !Array.isArray(t.primaryKey) || t.primaryKey.length === 0) {
      throw new Error(`schema.tables.${name} needs columns and a non-empty primaryKey`);
    }
    const columns = {};
    for (const [c, spec] of Object.entries(t.columns)) {
      const type = typeof spec === 'string' ? spec : spec && spec.type;
      if (typeof type !== 'string') throw new Error(`schema.tables.${name}.columns.${c} needs a type`);
      columns[c] = {type};
    }
    for (const c of t.primaryKey) {
      if (!columns[c]) throw new Error(`schema.tables.${name}.primaryKey names ${c}, which is not a declared column`);
    }
    tables[name] = {columns, primaryKey: [...t.primaryKey]};
  }
  return {tables};
}

/** Reconnect delays: exponential from `initialMs` to `maxMs`, each with jitter (50–100 % of the step). */
class Backoff {
  constructor({initialMs = 100, maxMs = 5000} = {}) {
    if (!(initialMs > 0) || !(maxMs >= initialMs)) throw new Error(`backoff needs 0 < initialMs <= maxMs`);
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.nextMs = initialMs;
  }

  next() {
    const d = this.nextMs;
    this.nextMs = Math.min(this.maxMs, d * 2);
    return Math.round(d / 2 + Math.random() * d / 2);
  }

  reset() {
    this.nextMs = this.initialMs;
  }
}

/**
 * Connects to viewsync and starts syncing. See README.md for the options.
 * @param {object} options
 * @returns {SyncClient}
 */
export function connect(options) {
  return new SyncClient(options);
}

/** A client of sync protocol v1. Create one with {@link connect}. */
export class SyncClient {
  constructor(options = {}) {
    const {url, schema, auth, clientGroupID, clientID, backoff, pingIntervalMs = 30000, WebSocket} = options;
    if (typeof url !== 'string') throw new Error('connect({url}) needs the server URL');
    this.url = syncUrl(url);
    this.schema = schema;
    this._wireSchema = wireSchema(schema);
    this._auth = auth === undefined ? undefined : auth;
    /** The client group whose rows are shared. */
    this.clientGroupID = checkID('clientGroupID', clientGroupID === undefined ? 'g-' + randomID() : clientGroupID);
    /** This client within its group. */
    this.clientID = checkID('clientID', clientID === undefined ? 'c-' + randomID() : clientID);
    this._WebSocket = WebSocket || globalThis.WebSocket;
    if (typeof this._WebSocket !== 'function') {
      throw new Error('no WebSocket: pass connect({WebSocket}) or, on Node 20, run with --experimental-websocket');
    }
    this._backoff = new Backoff(backoff);
    this._pingIntervalMs = pingIntervalMs;

    /** @type {'connecting'|'connected'|'disconnected'|'failed'|'closed'} */
    this.state = 'connecting';
    /** @type {string|null} the cookie of the last applied poke */
    this.cookie = null;
    /** @type {number|null} */
    this.schemaVersion = null;
    /** @type {string|null} */
    this.serverVersion = null;
    /** @type {{status: string, issues: object[]}|null} */
    this.compatibility = null;
    this.stats = {connects: 0, pokes: 0, resets: 0, rowsReceived: 0};

    this._events = new Emitter();
    this._store = new RowStore(this._wireSchema);
    this._ctx = context(this._wireSchema, t => this._store.rows(t));
    this._pokes = new PokeBuffer();
    /** @type {Map<string, View>} */
    this._views = new Map();
    this._unsubscribeOnConnect = new Set();
    this._quietUnknown = new Set();
    this._nextQueryID = 0;
    this._gen = 0;
    this._ws = null;
    this._retry = null;
    this._pinger = null;
    this._awaitingPong = false;
    this._pings = 0;
    this._open();
  }

  /**
   * Listens to the client's events: 'state', 'compatibility', 'poke', 'error', 'schemaChanged'.
   * @returns {() => void} removes the listener
   */
  on(event, fn) {
    return this._events.on(event, fn);
  }

  /**
   * Subscribes to a query (a builder or a query AST); the same `id` again replaces its query.
   * @param {object} queryOrBuilder
   * @param {{id?: string}} [options]
   * @returns {View}
   */
  subscribe(queryOrBuilder, {id} = {}) {
    if (this.state === 'closed') throw new Error('the client is closed');
    const ast = queryOrBuilder && typeof queryOrBuilder.ast === 'function'
      ? queryOrBuilder.ast(this.schema)
      : JSON.parse(JSON.stringify(queryOrBuilder === undefined ? null : queryOrBuilder));
    const problems = queryProblems(ast, this._wireSchema);
    if (problems.length) {
      const e = new Error(`invalid query${id === undefined ? '' : ' ' + JSON.stringify(id)}: ${problems.join('; ')}`);
      e.problems = problems;
      throw e;
    }
    if (id === undefined) {
      do id = `q${++this._nextQueryID}`; while (this._views.has(id));
    }
    checkID('a query id', id);
    this._unsubscribeOnConnect.delete(id);
    let view = this._views.get(id);
    if (view) {
      if (sameData(view.query, ast)) return view; // the server would change nothing
      view._set(ast); // loading again: its listeners hear of the new query
      view._refresh(this._ctx);
      view._notify();
    } else {
      view = new View(this, id, ast);
      this._views.set(id, view);
      view._refresh(this._ctx);
    }
    this._send({type: 'subscribe', queryID: id, query: ast});
    return view;
  }

  /** @internal */
  _unsubscribe(view) {
    if (this._views.get(view.id) !== view) return;
    this._views.delete(view.id);
    if (this.state === 'connected') this._send({type: 'unsubscribe', queryID: view.id});
    else this._unsubscribeOnConnect.add(view.id);
  }

  /**
   * Every row held of `tableName` (frozen objects), from all of the client group's queries.
   * @param {string} tableName
   */
  rows(tableName) {
    return Object.freeze(this._store.rows(tableName));
  }

  /** Closes the connection for good. */
  close() {
    if (this.state === 'closed') return;
    this._drop('client closed');
    this._setState('closed');
  }

  // ---- connection

  _setState(s) {
    if (this.state === s) return;
    this.state = s;
    this._events.emit('state', s);
  }

  _error(origin, kind, message, queryID, details) {
    const e = {origin, kind, message};
    if (queryID !== undefined && queryID !== null) e.queryID = queryID;
    if (details !== undefined && details !== null) e.details = details;
    this._events.emit('error', e);
  }

  _open() {
    if (this.state === 'closed' || this.state === 'failed') return;
    this._retry = null;
    this._setState('connecting');
    const gen = ++this._gen;
    let ws;
    try {
      ws = new this._WebSocket(this.url);
    } catch (e) {
      this._error('client', 'connect_failed', `cannot open ${this.url}: ${e && e.message}`);
      this._reconnectLater();
      return;
    }
    this._ws = ws;
    ws.onopen = () => {
      if (gen !== this._gen) return;
      const msg = {type: 'connect', protocolVersion: PROTOCOL_VERSION, clientGroupID: this.clientGroupID,
        clientID: this.clientID, schema: this._wireSchema, cookie: this.cookie};
      if (this._auth !== undefined && this._auth !== null) msg.auth = this._auth;
      ws.send(JSON.stringify(msg));
    };
    ws.onmessage = ev => {
      if (gen === this._gen) this._received(ev.data);
    };
    ws.onclose = ev => {
      if (gen === this._gen) this._lost(ev.code, ev.reason);
    };
    ws.onerror = () => {
      if (gen === this._gen) this._lost(-1, 'socket error');
    };
  }

  /** Sends `msg` if the server accepted the connection (else it goes at the next connect). */
  _send(msg) {
    if (this.state === 'connected' && this._ws && this._ws.readyState === OPEN) this._ws.send(JSON.stringify(msg));
  }

  /** Closes the current socket (if any) and stops its timers; its late events are ignored. */
  _drop(why) {
    this._gen++;
    this._pokes.clear();
    if (this._pinger !== null) clearInterval(this._pinger);
    if (this._retry !== null) clearTimeout(this._retry);
    this._pinger = null;
    this._retry = null;
    const ws = this._ws;
    this._ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(1000, why);
      } catch {
        // already closed
      }
    }
  }

  _restart(why) {
    this._drop(why);
    this._reconnectLater();
  }

  _reconnectLater() {
    if (this.state === 'closed' || this.state === 'failed') return;
    this._setState('disconnected');
    this._retry = setTimeout(() => this._open(), this._backoff.next());
  }

  _lost(code, reason) {
    this._drop(null);
    if (code === CLOSE_UNSUPPORTED_PROTOCOL) {
      this._setState('failed');
      this._error('client', 'unsupported_protocol', `the server closed the connection with ${code}: it does not `
          + `speak protocol version ${PROTOCOL_VERSION}${reason ? ` (${reason})` : ''}; the client stops`);
    } else {
      this._reconnectLater();
    }
  }

  _startPinging() {
    this._awaitingPong = false;
    if (!(this._pingIntervalMs > 0)) return;
    this._pinger = setInterval(() => {
      if (this._awaitingPong) {
        this._restart('no answer to a ping');
      } else {
        this._awaitingPong = true;
        this._send({type: 'ping', id: ++this._pings});
      }
    }, this._pingIntervalMs);
  }

  // ---- messages

  _received(data) {
    this._awaitingPong = false; // any message shows the link is alive
    try {
      if (typeof data !== 'string') throw new ProtocolViolation('a binary message');
      let msg;
      try {
        msg = JSON.parse(data);
      } catch (e) {
        throw new ProtocolViolation(`a message that is not JSON: ${e.message}`);
      }
      if (!msg || typeof msg !== 'object' || Array.isArray(msg) || typeof msg.type !== 'string') {
        throw new ProtocolViolation('a message that is not an object with a type');
      }
      if (msg.type === 'connected') this._connected(msg);
      else if (msg.type === 'error') this._serverError(msg);
      else if (this.state !== 'connected') throw new ProtocolViolation(`${msg.type} before connected`);
      else if (msg.type === 'pokeStart' || msg.type === 'pokePart' || msg.type === 'pokeEnd') this._poke(msg);
      else if (msg.type === 'schemaChanged') this._schemaChanged(msg);
      else if (msg.type !== 'pong') throw new ProtocolViolation(`a message of unknown type ${JSON.stringify(msg.type)}`);
    } catch (e) {
      if (e instanceof ProtocolViolation) {
        this._error('client', e.kind, e.message);
        this._restart(e.kind);
      } else {
        // The client failed applying what it got: its rows cannot be trusted, so it asks for the whole state.
        this._error('client', 'internal', `the client failed: ${e && e.stack || e}`);
        this.cookie = null;
        this._restart('client error');
      }
    }
  }

  _connected(msg) {
    if (this.state === 'connected') throw new ProtocolViolation('a second connected');
    if (msg.protocolVersion !== PROTOCOL_VERSION) {
      throw new ProtocolViolation(`the server speaks protocol version ${msg.protocolVersion}, not ${PROTOCOL_VERSION}`);
    }
    if (!msg.compatibility || typeof msg.compatibility !== 'object') throw new ProtocolViolation('connected without a compatibility report');
    const previous = this.compatibility;
    this._pokes.clear();
    this.schemaVersion = msg.schemaVersion ?? null;
    this.serverVersion = msg.serverVersion ?? null;
    this.compatibility = msg.compatibility;
    this.stats = {...this.stats, connects: this.stats.connects + 1};
    this._setState('connected');
    this._startPinging();
    if (!sameData(previous, msg.compatibility)) this._events.emit('compatibility', msg.compatibility);
    for (const id of this._unsubscribeOnConnect) {
      this._quietUnknown.add(id);
      this._send({type: 'unsubscribe', queryID: id});
    }
    this._unsubscribeOnConnect.clear();
    for (const v of this._views.values()) this._send({type: 'subscribe', queryID: v.id, query: v.query});
  }

  _serverError(msg) {
    const {kind, message, queryID, details} = msg;
    if (kind === 'unknown_query' && queryID != null && this._quietUnknown.delete(queryID)) return;
    this._error('server', String(kind), String(message), queryID, details);
    if (kind === 'unsupported_protocol') {
      this._drop('unsupported protocol');
      this._setState('failed');
    } else if (this.state !== 'connected') {
      this._restart('connect refused'); // the replica is not ready yet, say: try again later
    } else if (queryID != null && (kind === 'invalid_query' || kind === 'too_many_queries')) {
      const view = this._views.get(queryID);
      if (view) {
        const errors = details && Array.isArray(details.errors) ? details.errors : [];
        const changed = view._status('rejected', String(message), errors);
        if (view._refresh(this._ctx) || changed) view._notify();
      }
    }
  }

  _schemaChanged(msg) {
    if (!msg.compatibility || typeof msg.compatibility !== 'object') throw new ProtocolViolation('schemaChanged without a compatibility report');
    this.schemaVersion = msg.schemaVersion ?? this.schemaVersion;
    this.compatibility = msg.compatibility;
    this._events.emit('compatibility', msg.compatibility);
    this._events.emit('schemaChanged', {schemaVersion: this.schemaVersion, compatibility: msg.compatibility});
  }

  _poke(msg) {
    if (msg.type === 'pokeStart' && !msg.reset && (msg.baseCookie ?? null) !== this.cookie) {
      throw new ProtocolViolation(`poke ${msg.pokeID} applies to cookie ${msg.baseCookie ?? null}, the client is at `
          + `${this.cookie}`, 'out_of_step');
    }
    const poke = this._pokes.accept(msg);
    if (poke) this._apply(poke);
  }

  /** Applies a whole poke: everything is checked first, then rows and statuses change together, then listeners. */
  _apply(poke) {
    const {start} = poke;
    const ops = poke.rows.map(op => this._store.check(op));
    for (const q of poke.queries) {
      if (!q || typeof q.queryID !== 'string' || !STATUSES.has(q.status)) {
        throw new ProtocolViolation(`a query status the client cannot read: ${JSON.stringify(q)}`);
      }
    }
    if (start.reset) this._store.clear();
    this._store.apply(ops);
    const statusChanged = new Set();
    for (const q of poke.queries) {
      const view = this._views.get(q.queryID); // other clients' queries of the group are not ours
      if (view && view._status(q.status, q.status === 'unavailable' ? (q.reason ?? null) : null, q.errors)) {
        statusChanged.add(view);
      }
    }
    this.cookie = poke.cookie;
    if (typeof start.schemaVersion === 'number') this.schemaVersion = start.schemaVersion;
    this.stats = {connects: this.stats.connects, pokes: this.stats.pokes + 1,
      resets: this.stats.resets + (start.reset ? 1 : 0), rowsReceived: this.stats.rowsReceived + ops.length};
    this._backoff.reset(); // this connection works
    const touched = new Set(ops.map(o => o.table));
    const changed = [];
    for (const view of this._views.values()) {
      const affected = start.reset || statusChanged.has(view) || [...view.tables].some(t => touched.has(t));
      if (affected && (view._refresh(this._ctx) || statusChanged.has(view))) changed.push(view);
    }
    for (const view of changed) view._notify();
    this._events.emit('poke', {pokeID: start.pokeID, cookie: poke.cookie, reset: !!start.reset, rows: ops.length});
  }
}
