// The sync status panel, the activity log and the migration control.

import { $, h, setText } from './dom.js';

const STATE_HINTS = {
  connecting: 'Opening the WebSocket to /sync/v1…',
  connected: 'Connected: pokes arrive as Postgres changes.',
  disconnected: 'Connection lost: reconnecting with backoff, resuming from the cookie.',
  failed: 'The server does not speak this client\'s protocol version: stopped.',
  closed: 'The client was closed.',
};

/** The status panel: connection, versions, stats, compatibility report and the live queries' statuses. */
export function renderStatus(client, views) {
  const state = client.state;
  setText($('conn-state'), state);
  $('conn-dot').className = `dot dot-${state}`;
  setText($('hdr-state'), state);
  const offline = $('offline-banner');
  offline.hidden = state === 'connected' || (state === 'connecting' && client.stats.connects === 0);
  if (!offline.hidden) {
    setText(offline, state === 'failed' || state === 'closed'
      ? `The sync client is ${state}: ${STATE_HINTS[state]}`
      : 'Not connected to viewsync: the page shows the data of the last poke and reconnects by itself (it resumes from its cookie).');
  }
  $('queries-stale').hidden = state === 'connected' || views.size === 0;
  $('hdr-dot').className = `dot dot-${state}`;
  $('conn-line').title = STATE_HINTS[state] || '';
  setText($('cookie'), client.cookie ?? '—');
  $('cookie').title = client.cookie ?? '';
  setText($('schema-version'), client.schemaVersion ?? '—');
  setText($('server-version'), client.serverVersion ?? '—');
  setText($('client-group'), client.clientGroupID ?? '—');
  setText($('client-id'), client.clientID ?? '—');
  const stats = client.stats || {};
  setText($('pokes'), stats.pokes ?? 0);
  setText($('rows-received'), stats.rowsReceived ?? 0);
  setText($('connects'), stats.connects ?? 0);
  setText($('resets'), stats.resets ?? 0);

  const compat = client.compatibility;
  const status = compat ? compat.status : '—';
  setText($('compat-status'), status);
  $('compat-status').className = `badge compat-${compat ? compat.status : 'none'}`;
  setText($('hdr-compat'), status);
  $('hdr-compat').className = $('compat-status').className;
  const issues = (compat && compat.issues) || [];
  const list = $('compat-issues');
  const sig = JSON.stringify(issues);
  if (list.dataset.sig !== sig) {
    list.dataset.sig = sig;
    list.replaceChildren(...issues.map(i => h('li', { class: `compat-issue ci-${i.kind}`, testid: 'compat-issue' },
      h('code', null, i.column ? `${i.table}.${i.column}` : i.table), ' ',
      h('span', { class: `badge kind kind-${i.kind}` }, i.kind), ' ',
      h('span', { class: 'reason' }, i.reason || ''))));
  }
  $('compat-none').hidden = !compat || issues.length > 0;

  const q = $('query-statuses');
  const rows = [...views.entries()].map(([id, view]) => {
    const text = view.reason ? `${view.status}: ${view.reason}` : view.status;
    return [id, view.status, text];
  });
  const qsig = JSON.stringify(rows);
  if (q.dataset.sig !== qsig) {
    q.dataset.sig = qsig;
    q.replaceChildren(...rows.map(([id, st, text]) => h('li', { class: 'query' },
      h('code', { class: 'query-id' }, id),
      h('span', { class: `query-status qs-${st}`, testid: 'query-status', dataset: { query: id } }, text))));
  }
}

/** A short log of what happened (connects, schema changes, migrations, errors), newest first. */
export class ActivityLog {
  constructor(list, max = 12) {
    this.list = list;
    this.max = max;
  }

  add(kind, text) {
    const now = new Date();
    const stamp = now.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    this.list.prepend(h('li', { class: `log-${kind}` }, h('span', { class: 'log-time' }, stamp), ' ', text));
    while (this.list.children.length > this.max) this.list.lastElementChild.remove();
  }
}

/**
 * The migration button and writer stats, from `GET /demo/info` (polled every 2 s; faster while a migration runs).
 * `onEvent(kind, text)` reports migrations to the activity log.
 */
export class MigrationControl {
  constructor({ onEvent }) {
    this.button = $('migrate');
    this.result = $('migration-result');
    this.onEvent = onEvent;
    this.info = null;
    this.posting = false;
    this.pending = null; // the migration this page started and has not seen finish
    this.timer = null;
    this.button.addEventListener('click', () => this.run());
  }

  start() {
    this.poll();
  }

  async poll() {
    clearTimeout(this.timer);
    try {
      const res = await fetch('/demo/info', { cache: 'no-store' });
      if (!res.ok) throw new Error(`GET /demo/info: HTTP ${res.status}`);
      this.update(await res.json());
      $('info-error').hidden = true;
    } catch (e) {
      const el = $('info-error');
      el.hidden = false;
      setText(el, `demo info unavailable (${e.message || e})`);
    }
    const running = this.posting || (this.info && this.info.migrations && this.info.migrations.running);
    this.timer = setTimeout(() => this.poll(), running ? 500 : 2000);
  }

  update(info) {
    const before = this.info;
    this.info = info;
    const w = info.writer || {};
    const rate = typeof w.writesPerSecond === 'number' ? w.writesPerSecond : null;
    setText($('writer-rate'), rate === null ? '—' : (rate === 0 ? 'paused' : `${formatNumber(rate)} writes/s`));
    setText($('writer-writes'), typeof w.writes === 'number' ? formatNumber(w.writes) : '—');
    const werr = $('writer-errors');
    werr.hidden = !w.errors;
    if (w.errors) {
      setText(werr, `${w.errors} failed`);
      werr.title = w.lastError || '';
    }
    const m = info.migrations || {};
    if (before && before.migrations && before.migrations.running && !m.running && m.last) {
      this.onEvent(m.last.error ? 'error' : 'migration',
        m.last.error ? `Migration failed: ${m.last.title}: ${m.last.error}` : `Migration ran upstream: ${m.last.sql}`);
    }
    if (!m.running) this.pending = null;
    this.render();
  }

  render() {
    const m = (this.info && this.info.migrations) || {};
    const running = this.posting || !!m.running;
    this.button.disabled = running || !m.next;
    const next = m.next ? m.next.title : '…';
    setText(this.button, running ? 'Migration running…' : `Run migration: ${next}`);
    this.button.title = m.next ? `Runs upstream: ${m.next.sql}` : '';
    setText($('migrations-applied'), m.applied ?? 0);

    let parts;
    let cls;
    if (running) {
      const p = this.pending || m.next || {};
      cls = 'running';
      parts = [h('strong', null, this.posting ? 'Starting: ' : 'Running upstream: '), p.title || 'a migration', ' ',
        p.sql ? h('code', null, p.sql) : null];
    } else if (m.last && m.last.error) {
      cls = 'failed';
      parts = [h('strong', null, 'Migration failed: '), m.last.title, ' ', h('code', null, m.last.sql), ' — ',
        h('span', { class: 'error-text' }, m.last.error)];
    } else if (m.last) {
      cls = 'ran';
      parts = [h('strong', null, 'Last migration: '), m.last.title, ' ', h('code', null, m.last.sql),
        h('span', { class: 'muted' }, ' ran upstream. The page kept its connection: watch the compatibility report,'
          + ' the priority column and the urgent panel.')];
    } else {
      cls = 'none';
      parts = [h('strong', null, 'No migration run yet. '),
        h('span', { class: 'muted' }, 'The button runs one upstream in Postgres while the page stays live.')];
    }
    const sig = JSON.stringify([cls, m.last, this.pending, running]);
    if (this.result.dataset.sig !== sig) {
      this.result.dataset.sig = sig;
      this.result.className = `migration-result mr-${cls}`;
      this.result.replaceChildren(...parts);
    }
  }

  async run() {
    if (this.posting) return;
    this.posting = true;
    this.render();
    try {
      const res = await fetch('/demo/migrate', { method: 'POST', cache: 'no-store' });
      let body = null;
      try {
        body = await res.json();
      } catch {
        // no JSON body
      }
      if (res.status === 202 && body && body.started) {
        this.pending = body.started;
        this.onEvent('migration', `Migration started: ${body.started.title}`);
      } else if (res.status === 409) {
        this.onEvent('info', 'A migration is already running.');
      } else {
        this.onEvent('error', `POST /demo/migrate: HTTP ${res.status}${body && body.message ? `: ${body.message}` : ''}`);
      }
    } catch (e) {
      this.onEvent('error', `POST /demo/migrate failed: ${e.message || e}`);
    } finally {
      this.posting = false;
      if (this.pending && this.info && this.info.migrations) this.info.migrations.running = true; // until /demo/info says otherwise
      this.poll();
    }
  }
}

function formatNumber(n) {
  return Number.isInteger(n) ? n.toLocaleString() : n.toLocaleString(undefined, { maximumFractionDigits: 1 });
}
