// Small DOM and formatting helpers: element creation, times, keyed list updates with a change flash.

/**
 * Creates an element. `props`: `class`, `testid` (→ data-testid), `dataset`, `onX` listeners, other attributes;
 * null/undefined/false props are skipped. Children: nodes, strings, numbers, arrays; null/false skipped.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'testid') el.setAttribute('data-testid', v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

/** `document.getElementById`, failing loudly when the page's markup and script disagree. */
export function $(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el;
}

/** Sets the text of an element only when it changed (keeps the DOM quiet for observers). */
export function setText(el, text) {
  const t = String(text);
  if (el.textContent !== t) el.textContent = t;
}

// ---- values

/** A timestamptz as the protocol sends it (microseconds since the epoch, a number or a decimal string) → Date. */
export function microsToDate(v) {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) return null;
  const d = new Date(n / 1000);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "just now", "42 s ago", "3 min ago", "5 h ago", "12 d ago", or a date for older ones. */
export function relativeTime(date, now = Date.now()) {
  const s = Math.round((now - date.getTime()) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const hrs = Math.floor(m / 60);
  if (hrs < 24) return `${hrs} h ago`;
  const d = Math.floor(hrs / 24);
  if (d < 60) return `${d} d ago`;
  return date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function fullTime(date) {
  return date.toLocaleString(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
    timeZoneName: 'short',
  });
}

/** A `<time>` for a micros value that {@link refreshTimes} keeps current; "—" for null. */
export function timeEl(micros, className) {
  const d = microsToDate(micros);
  if (!d) return h('span', { class: 'muted' }, '—');
  let iso = null;
  try {
    iso = d.toISOString();
  } catch {
    // outside the ISO range: leave the attribute out
  }
  return h('time', { class: className, datetime: iso, title: fullTime(d), 'data-ms': String(d.getTime()) },
    relativeTime(d));
}

/** Updates every relative time under `root` (they age while the page is open). */
export function refreshTimes(root = document) {
  const now = Date.now();
  for (const t of root.querySelectorAll('time[data-ms]')) {
    setText(t, relativeTime(new Date(Number(t.dataset.ms)), now));
  }
}

/** An id (int8: a number, or a string beyond 2^53) as text. */
export function idText(id) {
  return id === null || id === undefined ? '' : String(id);
}

/** Black or white text, whichever reads better on a `#rrggbb` background. */
export function textColorFor(hex) {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex || '');
  if (!m) return null;
  const [r, g, b] = m.slice(1).map(x => parseInt(x, 16) / 255)
    .map(c => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.4 ? '#1f2328' : '#ffffff';
}

// ---- keyed lists

const STATE = Symbol('keyed');

/**
 * Makes `container`'s children the rendering of `items`, reusing the element of every item whose signature
 * (its JSON) did not change and moving as few nodes as possible. With `flash`, items that are new or changed get
 * the class `flash` (a short CSS highlight) so that live updates are visible.
 */
export function reconcile(container, items, { key, render, flash }) {
  const prev = container[STATE] || new Map();
  const next = new Map();
  const els = [];
  for (const item of items) {
    const k = key(item);
    const sig = JSON.stringify(item);
    let entry = prev.get(k);
    if (!entry || entry.sig !== sig) {
      const el = render(item);
      if (flash) {
        el.classList.add('flash');
        el.addEventListener('animationend', () => el.classList.remove('flash'), { once: true });
      }
      entry = { el, sig };
    }
    next.set(k, entry);
    els.push(entry.el);
  }
  container[STATE] = next;
  let cursor = container.firstChild;
  for (const el of els) {
    if (el === cursor) cursor = cursor.nextSibling;
    else container.insertBefore(el, cursor);
  }
  while (cursor) {
    const n = cursor.nextSibling;
    cursor.remove();
    cursor = n;
  }
}

/** Forgets what {@link reconcile} rendered into `container` and empties it. */
export function resetKeyed(container, ...placeholder) {
  container[STATE] = undefined;
  container.replaceChildren(...placeholder);
}
