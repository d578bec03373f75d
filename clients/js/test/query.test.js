import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {table, cmp, and, or, not, exists} from '../src/index.js';

const docPath = fileURLToPath(new URL('../../../docs/queries.md', import.meta.url));

/** The ```json blocks of the "### Examples" section of docs/queries.md, parsed. */
function docExamples() {
  const md = readFileSync(docPath, 'utf8');
  const from = md.indexOf('### Examples');
  assert.ok(from >= 0, 'docs/queries.md has an "### Examples" section');
  const rest = md.slice(from + '### Examples'.length);
  const end = rest.search(/^#{2,3} /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/```json\n([\s\S]*?)```/g)].map(m => JSON.parse(m[1]));
}

const schema = {tables: {
  issues: {columns: {id: {type: 'int8'}, status: {type: 'text'}, priority: {type: 'int4'}, created: {type: 'timestamptz'}},
    primaryKey: ['id'],
    relationships: {
      comments: {table: 'comments', parent: ['id'], child: ['issue_id']},
      labels: {table: 'labels', parent: ['id'], child: ['issue_id']},
    }},
  comments: {columns: {id: {type: 'int8'}, issue_id: {type: 'int8'}, author_id: {type: 'int8'}, created: {type: 'timestamptz'}},
    primaryKey: ['id'],
    relationships: {author: {table: 'users', parent: ['author_id'], child: ['id']}}},
  users: {columns: {id: {type: 'int8'}, name: {type: 'text'}}, primaryKey: ['id']},
  labels: {columns: {issue_id: {type: 'int8'}, name: {type: 'text'}}, primaryKey: ['issue_id', 'name']},
}};

// One builder expression per example, in the order of the doc.
const builders = [
  () => table('issues').where('status', '=', 'open').where('priority', 'IN', [1, 2]).orderBy('created', 'desc').limit(50),
  () => table('issues').where('status', '=', 'open').orderBy('created', 'desc').limit(50)
    .start({created: 1700000000000000, id: 812}, {exclusive: true}),
  () => table('issues').limit(20).related('comments', q => q.orderBy('created', 'desc').limit(3)),
  () => table('comments').related('author'),
  () => table('issues').related('comments', q => q.related('author')),
  () => table('issues')
    .where(exists('labels', q => q.where('name', '=', 'bug')))
    .where(exists('comments', undefined, {negated: true})),
];

test('the docs have the examples this test covers', () => {
  assert.equal(docExamples().length, builders.length);
});

/**
 * The one spelling difference allowed: docs/queries.md leaves out `"negated": false` (optional, default false) in
 * its exists example, while the builder writes `negated` always, as the canonical writer (QueryJson.write) does.
 */
function withNegated(node) {
  if (Array.isArray(node)) return node.map(withNegated);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) out[k] = withNegated(v);
  if (node.type === 'exists' && !('negated' in node)) out.negated = false;
  return out;
}

docExamples().forEach((expected, i) => {
  test(`builder produces docs/queries.md example ${i + 1} exactly`, () => {
    const ast = builders[i]().ast(schema);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(ast)), withNegated(expected));
    // Field order as the doc spells it: table, where, orderBy, limit, start, related.
    const order = ['table', 'where', 'orderBy', 'limit', 'start', 'related'];
    const keys = Object.keys(ast);
    assert.deepStrictEqual(keys, order.filter(k => keys.includes(k)));
  });
});

test('explicit relationship form needs no schema', () => {
  const ast = table('issues').related('comments', {table: 'comments', parent: ['id'], child: ['issue_id']},
    q => q.orderBy('created', 'desc').limit(3)).limit(20).ast();
  assert.deepStrictEqual(ast, docExamples()[2]);
});

test('related by name without a schema throws, naming the relationship', () => {
  const b = table('issues').related('comments');
  assert.throws(() => b.ast(), /comments/);
  assert.throws(() => b.ast(), /issues/);
});

test('an unknown relationship throws, naming it', () => {
  assert.throws(() => table('issues').related('watchers').ast(schema), /unknown relationship "watchers" of table "issues"/);
  assert.throws(() => table('issues').where(exists('nope')).ast(schema), /unknown relationship "nope"/);
});

test('builders are immutable', () => {
  const a = table('issues').where('status', '=', 'open');
  const b = a.orderBy('id').limit(3);
  assert.deepStrictEqual(a.ast(), {table: 'issues', where: {type: 'cmp', column: 'status', op: '=', value: 'open'}});
  assert.deepStrictEqual(b.ast(), {table: 'issues', where: {type: 'cmp', column: 'status', op: '=', value: 'open'},
    orderBy: [['id', 'asc']], limit: 3});
});

test('condition helpers', () => {
  const ast = table('issues').where(or(cmp('status', '=', 'open'), not(and(cmp('priority', '>', 2), cmp('priority', 'IS NOT', null))))).ast();
  assert.deepStrictEqual(ast.where, {type: 'or', conditions: [
    {type: 'cmp', column: 'status', op: '=', value: 'open'},
    {type: 'not', condition: {type: 'and', conditions: [
      {type: 'cmp', column: 'priority', op: '>', value: 2},
      {type: 'cmp', column: 'priority', op: 'IS NOT', value: null}]}}]});
  // exists nested in helpers is resolved too, negated always written
  const e = table('issues').where(not(exists('comments'))).ast(schema);
  assert.deepStrictEqual(e.where, {type: 'not', condition: {type: 'exists',
    correlation: {parent: ['id'], child: ['issue_id']}, query: {table: 'comments'}, negated: false}});
});

test('bad arguments are refused', () => {
  assert.throws(() => table('issues').orderBy('id', 'up'), /asc/);
  assert.throws(() => table('issues').limit(-1), /limit/);
  assert.throws(() => table(''), /table/);
});
