// Rendering of issues: list rows, urgent rows, the detail pane and their small parts.

import { h, idText, textColorFor, timeEl } from './dom.js';

const STATUS_LABELS = { open: 'Open', in_progress: 'In progress', closed: 'Closed' };
const PRIORITY_LABELS = { 1: 'Urgent', 2: 'High', 3: 'Medium', 4: 'Low' };

/** The first (only) row of a many-to-one related subquery, or null. */
export function one(rows) {
  return Array.isArray(rows) && rows.length > 0 ? rows[0] : null;
}

export function statusBadge(status, testid) {
  const known = Object.prototype.hasOwnProperty.call(STATUS_LABELS, status);
  return h('span', { class: `badge status-${known ? status : 'unknown'}`, testid, title: `status: ${status ?? 'null'}` },
    status === null || status === undefined ? '—' : (known ? STATUS_LABELS[status] : String(status)));
}

/**
 * The priority: "P1"…"P4" with its name as a tooltip, or "—" when the row carries null for it (after the
 * migration renames the column, `missingReason` says why).
 */
export function priorityCell(priority, testid, missingReason) {
  if (priority === null || priority === undefined) {
    return h('span', { class: 'prio prio-none', testid, title: missingReason || 'no priority' }, '—');
  }
  const name = PRIORITY_LABELS[priority];
  return h('span', { class: `prio prio-${name ? priority : 'other'}`, testid, title: name ? `priority ${priority}: ${name}` : `priority ${priority}` },
    `P${priority}`);
}

export function priorityName(priority) {
  return PRIORITY_LABELS[priority] || null;
}

export function labelChip(label) {
  const fg = textColorFor(label.color);
  const style = fg ? `background:${label.color};color:${fg}` : null;
  return h('span', { class: 'chip', style, title: `label: ${label.name}` }, label.name);
}

/** Label chips of an issue whose `labels` are issue_label rows each with a related `label`. */
export function labelChips(issue) {
  const labels = (issue.labels || []).map(il => one(il.label)).filter(Boolean);
  labels.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return labels.length ? h('span', { class: 'chips' }, labels.map(labelChip)) : null;
}

function initials(name) {
  return (name || '?').split(/\s+/).filter(Boolean).slice(0, 2).map(p => p[0].toUpperCase()).join('');
}

export function person(user, { empty = 'Unassigned' } = {}) {
  if (!user) return h('span', { class: 'person muted' }, empty);
  return h('span', { class: 'person', title: user.email || user.name },
    h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(user.name)), h('span', { class: 'person-name' }, user.name));
}

/** One row of the issue list. */
export function issueRow(issue, { onOpen, priorityMissing }) {
  const id = idText(issue.id);
  const open = () => onOpen(issue.id);
  return h('li', {
    class: 'issue-row', testid: 'issue-row', dataset: { id }, tabindex: '0', role: 'button',
    onclick: open, onkeydown: e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } },
  },
  h('span', { class: 'issue-id' }, `#${id}`),
  h('span', { class: 'issue-main' },
    h('span', { class: 'issue-title', testid: 'issue-title' }, issue.title ?? ''),
    labelChips(issue)),
  h('span', { class: 'issue-status' }, statusBadge(issue.status, 'issue-status')),
  h('span', { class: 'issue-prio' }, priorityCell(issue.priority, 'issue-priority', priorityMissing)),
  h('span', { class: 'issue-assignee' }, person(one(issue.assignee))),
  h('span', { class: 'issue-modified' }, timeEl(issue.modified)));
}

/** One row of the urgent panel. */
export function urgentRow(issue, { onOpen }) {
  const id = idText(issue.id);
  const open = () => onOpen(issue.id);
  return h('li', {
    class: 'urgent-row', testid: 'urgent-row', dataset: { id }, tabindex: '0', role: 'button',
    onclick: open, onkeydown: e => { if (e.key === 'Enter') open(); },
  },
  priorityCell(issue.priority),
  h('span', { class: 'urgent-title' }, h('span', { class: 'issue-id' }, `#${id}`), ' ', issue.title ?? ''),
  statusBadge(issue.status),
  timeEl(issue.modified, 'urgent-time'));
}

/** The detail pane's content for the `detail` view. */
export function issueDetail(view, id, { onClose, priorityMissing }) {
  const issue = view.data[0];
  const close = h('button', { class: 'icon-button', type: 'button', title: 'Close', 'aria-label': 'Close detail', onclick: onClose }, '×');
  if (!issue) {
    let text;
    if (view.status === 'loading') text = 'Loading…';
    else if (view.status === 'complete') text = `Issue #${idText(id)} does not exist (any more).`;
    else text = `${view.status}: ${view.reason || 'no reason given'}`;
    return h('section', { class: 'card detail', testid: 'issue-detail', dataset: { id: idText(id) } },
      h('div', { class: 'card-head' }, h('h2', null, `Issue #${idText(id)}`), close),
      h('p', { class: 'muted' }, text));
  }
  const comments = issue.comments || [];
  const prioName = priorityName(issue.priority);
  return h('section', { class: 'card detail', testid: 'issue-detail', dataset: { id: idText(issue.id) } },
    h('div', { class: 'card-head' },
      h('h2', { class: 'detail-title' }, h('span', { class: 'issue-id' }, `#${idText(issue.id)}`), ' ', issue.title ?? ''),
      close),
    h('dl', { class: 'facts' },
      h('dt', null, 'Status'), h('dd', null, statusBadge(issue.status)),
      h('dt', null, 'Priority'), h('dd', null, priorityCell(issue.priority, null, priorityMissing),
        prioName ? h('span', { class: 'muted' }, ` ${prioName}`) : null,
        issue.priority == null && priorityMissing ? h('span', { class: 'muted small' }, ' not available from the server right now') : null),
      h('dt', null, 'Assignee'), h('dd', null, person(one(issue.assignee))),
      h('dt', null, 'Creator'), h('dd', null, person(one(issue.creator), { empty: '—' })),
      h('dt', null, 'Created'), h('dd', null, timeEl(issue.created)),
      h('dt', null, 'Modified'), h('dd', null, timeEl(issue.modified)),
      h('dt', null, 'Labels'), h('dd', null, labelChips(issue) || h('span', { class: 'muted' }, 'none'))),
    issue.description ? h('p', { class: 'description' }, issue.description) : h('p', { class: 'muted' }, 'No description.'),
    h('h3', null, `Comments`, h('span', { class: 'count' }, comments.length === 20 ? 'latest 20' : String(comments.length))),
    comments.length === 0
      ? h('p', { class: 'muted' }, 'No comments yet.')
      : h('ol', { class: 'comments' }, comments.map(c => h('li', { class: 'comment', testid: 'comment', dataset: { id: idText(c.id) } },
        h('div', { class: 'comment-head' }, person(one(c.author), { empty: 'unknown author' }), timeEl(c.created)),
        h('p', { class: 'comment-body' }, c.body ?? '')))));
}
