// viewsync demo page: a live issue tracker synced from Postgres through viewsync's browser client.
//
// Three live queries (ids `issues`, `urgent`, `detail`) are subscribed on one client. Every poke the server sends
// updates the client's rows; each view re-evaluates locally and calls its 'change' listener, which re-renders.
// The status panel shows what the client knows about the connection, the schema and each query.

import { connect, table, cmp, or, and, not } from '/client/index.js';
import { schema, STATUS_FILTERS, SORTS, issuesQuery, urgentQuery, detailQuery } from './schema.js';
import { $, h, idText, reconcile, resetKeyed, refreshTimes, setText } from './dom.js';
import { issueRow, urgentRow, issueDetail } from './render.js';
import { renderStatus, ActivityLog, MigrationControl } from './panels.js';

// Exposed for experiments in the console: viewsync.table('label').limit(5) …
window.viewsync = { table, cmp, or, and, not, schema };

const log = new ActivityLog($('activity'));
const client = connect({ url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync/v1`, schema });
window.viewsyncClient = client;

/** The page's live queries by id, in display order. */
const views = new Map();
const offs = new Map();
let selectedId = null;

/**
 * Subscribes `builder` as query `id` (replacing what that id had) and calls `render(view)` now and on every change.
 * Works whether the client hands back the same view for a replaced id or a new one.
 */
function live(id, builder, render) {
  let view;
  try {
    view = client.subscribe(builder, { id });
  } catch (e) {
    // The client checks a query against the declared schema before sending it; a page bug, shown, not fatal.
    log.add('error', `query ${id} not subscribed: ${e.message}`);
    console.error(e);
    return views.get(id);
  }
  if (views.get(id) !== view) {
    offs.get(id)?.();
    offs.set(id, view.on('change', v => { render(v); statusSoon(); }));
    views.set(id, view);
  }
  render(view);
  statusSoon();
  return view;
}

function drop(id) {
  offs.get(id)?.();
  offs.delete(id);
  views.get(id)?.unsubscribe();
  views.delete(id);
  statusSoon();
}

// ---- compatibility helpers

function columnIssue(tableName, column) {
  const c = client.compatibility;
  return c && c.issues ? c.issues.find(i => i.table === tableName && i.column === column && i.kind !== 'coerced') : undefined;
}

function priorityMissing() {
  const i = columnIssue('issue', 'priority');
  return i ? `priority is ${i.kind}: ${i.reason}` : null;
}

// ---- issue list

const filterSelect = $('filter-status');
const sortSelect = $('sort');
filterSelect.replaceChildren(...STATUS_FILTERS.map(([v, label]) => h('option', { value: v }, label)));
sortSelect.replaceChildren(...SORTS.map(([v, label]) => h('option', { value: v }, label)));
const listEl = $('issue-list');
const listNote = $('issues-note');
let listWasComplete = false;

function subscribeIssues() {
  listWasComplete = false;
  resetKeyed(listEl);
  live('issues', issuesQuery(filterSelect.value, sortSelect.value), renderIssues);
}

function renderIssues(view) {
  const flash = listWasComplete && view.status === 'complete';
  setText($('issues-state'), view.status);
  $('issues-state').className = `badge qs-${view.status}`;
  if (view.status === 'unavailable' || view.status === 'rejected') {
    resetKeyed(listEl);
    listNote.hidden = false;
    listNote.className = 'note note-bad';
    listNote.replaceChildren(h('strong', null, `This list is ${view.status}: `), view.reason || 'no reason given',
      h('div', { class: 'muted small' }, 'The other queries keep working. Pick another sort or filter, or run the next migration.'));
  } else if (view.data.length === 0) {
    resetKeyed(listEl);
    listNote.hidden = false;
    listNote.className = 'note';
    setText(listNote, view.status === 'loading' ? 'Loading issues…' : 'No issues match.');
  } else {
    listNote.hidden = true;
    const missing = priorityMissing();
    reconcile(listEl, view.data, {
      key: r => idText(r.id),
      render: r => issueRow(r, { onOpen: openDetail, priorityMissing: missing }),
      flash,
    });
    markSelected();
  }
  setText($('issues-count'), view.status === 'complete' || view.data.length ? `${view.data.length} shown` : '');
  listWasComplete = view.status === 'complete';
}

function markSelected() {
  for (const el of listEl.children) el.classList.toggle('selected', el.dataset.id === idText(selectedId));
}

filterSelect.addEventListener('change', subscribeIssues);
sortSelect.addEventListener('change', subscribeIssues);

// ---- urgent panel

const urgentList = $('urgent-list');
const urgentNote = $('urgent-note');
let urgentWasComplete = false;

function renderUrgent(view) {
  const flash = urgentWasComplete && view.status === 'complete';
  const unavailable = view.status === 'unavailable' || view.status === 'rejected';
  const box = $('urgent-unavailable');
  box.hidden = !unavailable;
  $('urgent-card').classList.toggle('card-bad', unavailable);
  if (unavailable) {
    resetKeyed(urgentList);
    urgentNote.hidden = true;
    $('urgent-unavailable-title').textContent = `This query is ${view.status}`;
    setText($('urgent-reason'), view.reason || 'no reason given');
  } else if (view.data.length === 0) {
    resetKeyed(urgentList);
    urgentNote.hidden = false;
    setText(urgentNote, view.status === 'loading' ? 'Loading…' : 'No urgent open issues. 🎉');
  } else {
    urgentNote.hidden = true;
    reconcile(urgentList, view.data, { key: r => idText(r.id), render: r => urgentRow(r, { onOpen: openDetail }), flash });
  }
  setText($('urgent-state'), view.status);
  $('urgent-state').className = `badge qs-${view.status}`;
  urgentWasComplete = view.status === 'complete';
}

// ---- detail pane

const detailSlot = $('detail-slot');

function openDetail(id) {
  selectedId = id;
  markSelected();
  live('detail', detailQuery(id), renderDetail);
  if (window.matchMedia('(max-width: 900px)').matches) detailSlot.scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function closeDetail() {
  selectedId = null;
  markSelected();
  drop('detail');
  detailSlot.replaceChildren($('detail-placeholder-template').content.cloneNode(true));
}

function renderDetail(view) {
  detailSlot.replaceChildren(issueDetail(view, selectedId, { onClose: closeDetail, priorityMissing: priorityMissing() }));
}

document.addEventListener('keydown', e => {
  if (e.key === 'Escape' && selectedId !== null) closeDetail();
});

// ---- status panel and client events

let statusQueued = false;
function statusSoon() {
  if (statusQueued) return;
  statusQueued = true;
  queueMicrotask(() => {
    statusQueued = false;
    renderStatus(client, views);
  });
}

let everConnected = false;
let lossLogged = false;
client.on('state', s => {
  statusSoon();
  // Logs the transitions a person cares about, not every reconnect attempt.
  if (s === 'connected') {
    log.add('ok', `${everConnected ? 'Reconnected' : 'Connected'} (schema version ${client.schemaVersion ?? '?'}, `
      + `compatibility ${client.compatibility?.status ?? '?'})`);
    everConnected = true;
    lossLogged = false;
  } else if (s === 'disconnected' && everConnected && !lossLogged) {
    log.add('warn', 'Connection lost: reconnecting with backoff');
    lossLogged = true;
  } else if (s === 'failed' || s === 'closed') {
    log.add('error', `Connection ${s}`);
  }
});

client.on('poke', p => {
  statusSoon();
  if (p.reset && client.stats.pokes > 1) log.add('info', `Reset poke: the server resent the whole state (${p.rows} rows)`);
  const issues = views.get('issues');
  if (document.documentElement.dataset.viewsyncReady !== 'true' && issues?.status === 'complete') {
    document.documentElement.dataset.viewsyncReady = 'true';
    log.add('ok', `First results: ${issues.data.length} issues, ${client.stats.rowsReceived} rows synced, `
      + `${Math.round(performance.now())} ms after the page started`);
  }
});

client.on('compatibility', () => {
  statusSoon();
  // The priority column's availability shows in rows and in the detail pane: redraw them.
  const missing = priorityMissing();
  $('prio-head').classList.toggle('degraded', !!missing);
  $('prio-head').title = missing || 'priority 1 (urgent) … 4 (low)';
  resetKeyed(listEl);
  for (const [id, view] of views) {
    if (id === 'issues') { listWasComplete = false; renderIssues(view); }
    if (id === 'detail') renderDetail(view);
  }
});

client.on('schemaChanged', e => {
  const c = e.compatibility || {};
  const n = (c.issues || []).filter(i => i.kind !== 'coerced').length;
  log.add(c.status === 'full' ? 'ok' : 'warn',
    `Schema changed upstream → version ${e.schemaVersion}: compatibility ${c.status}${n ? ` (${n} issue${n > 1 ? 's' : ''})` : ''}`);
});

client.on('error', e => {
  statusSoon();
  log.add('error', `${e.origin} error ${e.kind}${e.queryID ? ` (query ${e.queryID})` : ''}: ${e.message}`);
});

// ---- start

const migrations = new MigrationControl({ onEvent: (kind, text) => log.add(kind, text) });
migrations.start();
subscribeIssues();
live('urgent', urgentQuery(), renderUrgent);
closeDetail();
renderStatus(client, views);
setInterval(() => refreshTimes(), 10_000);
