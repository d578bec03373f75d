// A tiny event emitter: listeners per event name, `on` returns the function that removes the listener.

export class Emitter {
  constructor() {
    /** @type {Map<string, Set<Function>>} */
    this._listeners = new Map();
  }

  /** Adds `fn` for `event`; returns off(). */
  on(event, fn) {
    if (typeof fn !== 'function') throw new Error('a listener must be a function');
    let set = this._listeners.get(event);
    if (!set) this._listeners.set(event, (set = new Set()));
    const entry = (...args) => fn(...args); // the same fn twice is two listeners
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /** Calls every listener of `event`; a listener that throws is reported on the console, the others still run. */
  emit(event, arg) {
    const set = this._listeners.get(event);
    if (!set) return;
    for (const fn of Array.from(set)) {
      try {
        fn(arg);
      } catch (e) {
        console.error(`viewsync: a '${event}' listener failed`, e);
      }
    }
  }

  clear() {
    this._listeners.clear();
  }
}
