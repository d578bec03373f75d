// A subscribed query's live result, materialized from the client's rows.

import {evaluate, sameData} from './evaluate.js';
import {tablesOf} from './validate.js';
import {Emitter} from './emitter.js';

const EMPTY = Object.freeze([]);

/** One subscription: its query, its server status and its rows as the client holds them. */
export class View {
  /** @internal */
  constructor(client, id, query) {
    this._client = client;
    this._events = new Emitter();
    /** The query ID. */
    this.id = id;
    this._set(query);
    /** @type {ReadonlyArray<object>} */
    this.data = EMPTY;
    this.closed = false;
  }

  /** @internal a new query for this ID: loading again */
  _set(query) {
    /** The query AST sent to the server. */
    this.query = query;
    this.tables = tablesOf(query);
    /** @type {'loading'|'complete'|'unavailable'|'rejected'} */
    this.status = 'loading';
    /** @type {string|null} */
    this.reason = null;
    /** @type {ReadonlyArray<object>} */
    this.errors = EMPTY;
  }

  /** @internal sets the status; returns whether it changed */
  _status(status, reason, errors) {
    const r = reason === undefined ? null : reason;
    const e = Object.freeze(Array.isArray(errors) ? errors.slice() : []);
    const changed = this.status !== status || this.reason !== r || !sameData(this.errors, e);
    this.status = status;
    this.reason = r;
    this.errors = e;
    return changed;
  }

  /** @internal recomputes `data` from `ctx`; returns whether it changed */
  _refresh(ctx) {
    const next = this.status === 'loading' || this.status === 'complete' ? evaluate(this.query, ctx) : EMPTY;
    if (sameData(this.data, next)) return false;
    this.data = next;
    return true;
  }

  /** @internal */
  _notify() {
    this._events.emit('change', this);
  }

  /**
   * Listens to the view: `'change'` is called with the view after every applied poke that changed its data or status.
   * @returns {() => void} removes the listener
   */
  on(event, fn) {
    if (event !== 'change') throw new Error(`a view has only 'change' events, not ${JSON.stringify(event)}`);
    return this._events.on(event, fn);
  }

  /** Stops the subscription (the server is told now, or at the next connect). */
  unsubscribe() {
    if (this.closed) return;
    this.closed = true;
    this._events.clear();
    this._client._unsubscribe(this);
  }
}
