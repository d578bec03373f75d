// The client schema the page declares (the shape it was "built against") and the queries it subscribes to.
//
// Types are Postgres typnames. Relationships are client-side only: the query builder turns
// `.related('assignee')` into a correlation; they are not sent to the server.

import { table } from '/client/index.js';

export const schema = {
  tables: {
    users: {
      columns: {
        id: { type: 'int8' },
        name: { type: 'text' },
        email: { type: 'text' },
        created: { type: 'timestamptz' },
      },
      primaryKey: ['id'],
    },
    label: {
      columns: {
        id: { type: 'int8' },
        name: { type: 'text' },
        color: { type: 'text' },
      },
      primaryKey: ['id'],
    },
    issue: {
      columns: {
        id: { type: 'int8' },
        title: { type: 'text' },
        description: { type: 'text' },
        status: { type: 'text' },
        priority: { type: 'int4' },
        assignee_id: { type: 'int8' },
        creator_id: { type: 'int8' },
        created: { type: 'timestamptz' },
        modified: { type: 'timestamptz' },
      },
      primaryKey: ['id'],
      relationships: {
        comments: { table: 'comment', parent: ['id'], child: ['issue_id'] },
        assignee: { table: 'users', parent: ['assignee_id'], child: ['id'] },
        creator: { table: 'users', parent: ['creator_id'], child: ['id'] },
        labels: { table: 'issue_label', parent: ['id'], child: ['issue_id'] },
      },
    },
    comment: {
      columns: {
        id: { type: 'int8' },
        issue_id: { type: 'int8' },
        author_id: { type: 'int8' },
        body: { type: 'text' },
        created: { type: 'timestamptz' },
      },
      primaryKey: ['id'],
      relationships: {
        author: { table: 'users', parent: ['author_id'], child: ['id'] },
      },
    },
    issue_label: {
      columns: {
        issue_id: { type: 'int8' },
        label_id: { type: 'int8' },
      },
      primaryKey: ['issue_id', 'label_id'],
      relationships: {
        label: { table: 'label', parent: ['label_id'], child: ['id'] },
      },
    },
  },
};

/** Status filter choices: value → label. */
export const STATUS_FILTERS = [
  ['all', 'All statuses'],
  ['open', 'Open'],
  ['in_progress', 'In progress'],
  ['closed', 'Closed'],
];

/** Sort choices: value → label and orderBy terms. */
export const SORTS = [
  ['modified-desc', 'Recently modified', [['modified', 'desc']]],
  ['created-desc', 'Newest', [['created', 'desc']]],
  ['priority-asc', 'Priority (urgent first)', [['priority', 'asc'], ['modified', 'desc']]],
  ['title-asc', 'Title (A–Z)', [['title', 'asc']]],
];

export const LIST_LIMIT = 50;

/** The issue list: filtered by status, sorted, with assignee and labels. */
export function issuesQuery(status, sortValue) {
  let q = table('issue');
  if (status && status !== 'all') q = q.where('status', '=', status);
  const sort = SORTS.find(s => s[0] === sortValue) || SORTS[0];
  for (const [column, dir] of sort[2]) q = q.orderBy(column, dir);
  return q.limit(LIST_LIMIT)
    .related('assignee')
    .related('labels', l => l.related('label'));
}

/** Urgent open issues: filters and sorts on priority, so it is unavailable while that column is missing. */
export function urgentQuery() {
  return table('issue')
    .where('priority', '<=', 1)
    .where('status', '!=', 'closed')
    .orderBy('priority')
    .orderBy('modified', 'desc')
    .limit(10)
    .related('assignee');
}

/** One issue with everything the detail pane shows. */
export function detailQuery(id) {
  return table('issue')
    .where('id', '=', id)
    .related('assignee')
    .related('creator')
    .related('labels', l => l.related('label'))
    .related('comments', c => c.orderBy('created', 'desc').limit(20).related('author'));
}
