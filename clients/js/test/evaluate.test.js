import {test} from 'node:test';
import assert from 'node:assert/strict';
import {evaluate, compareText, compareValues} from '../src/evaluate.js';
import {context} from '../src/evaluate.js';
import {table} from '../src/index.js';

const schema = {tables: {
  t: {columns: {id: {type: 'int8'}, a: {type: 'int4'}, s: {type: 'text'}, b: {type: 'bool'}, big: {type: 'int8'}, f: {type: 'float8'}},
    primaryKey: ['id']},
  c: {columns: {id: {type: 'int8'}, t_id: {type: 'int8'}, n: {type: 'int4'}}, primaryKey: ['id']},
  k2: {columns: {x: {type: 'int4'}, y: {type: 'text'}, v: {type: 'int4'}}, primaryKey: ['x', 'y']},
}};

function ctxOf(rows) {
  return context(schema, name => rows[name] || []);
}

const rows = {
  t: [
    {id: 1, a: 1, s: 'abc', b: true, big: 5, f: 1.5},
    {id: 2, a: null, s: null, b: null, big: '9007199254740993', f: 'NaN'},
    {id: 3, a: 3, s: 'ABC', b: false, big: '-9007199254740993', f: 'Infinity'},
    {id: 4, a: 2, s: '100%', b: true, big: 9007199254740991, f: -2},
  ],
};

const ids = (q, r = rows) => evaluate(q.ast ? q.ast(schema) : q, ctxOf(r)).map(x => x.id);

test('comparisons with NULL are unknown, and not of unknown is unknown', () => {
  assert.deepEqual(ids(table('t').where('a', '=', null)), []);
  assert.deepEqual(ids(table('t').where('a', '!=', null)), []);
  assert.deepEqual(ids(table('t').where('a', '!=', 1)), [3, 4]); // id 2 (a NULL) is unknown
  assert.deepEqual(ids({table: 't', where: {type: 'not', condition: {type: 'cmp', column: 'a', op: '=', value: 1}}}), [3, 4]);
  // unknown OR true is true; unknown AND false is false, so NOT of it is true
  assert.deepEqual(ids({table: 't', where: {type: 'or', conditions: [
    {type: 'cmp', column: 'a', op: '>', value: 2}, {type: 'cmp', column: 'id', op: '=', value: 2}]}}), [2, 3]);
  assert.deepEqual(ids({table: 't', where: {type: 'not', condition: {type: 'and', conditions: [
    {type: 'cmp', column: 'a', op: '>', value: 2}, {type: 'cmp', column: 'id', op: '=', value: 2}]}}}), [1, 3, 4]); // id 2: not(unknown)
  // empty and is true, empty or is false
  assert.deepEqual(ids({table: 't', where: {type: 'and', conditions: []}}), [1, 2, 3, 4]);
  assert.deepEqual(ids({table: 't', where: {type: 'or', conditions: []}}), []);
});

test('IS and IS NOT are never unknown', () => {
  assert.deepEqual(ids(table('t').where('a', 'IS', null)), [2]);
  assert.deepEqual(ids(table('t').where('a', 'IS NOT', null)), [1, 3, 4]);
  assert.deepEqual(ids(table('t').where('b', 'IS', true)), [1, 4]);
  assert.deepEqual(ids(table('t').where('b', 'IS NOT', true)), [2, 3]);
  assert.deepEqual(ids({table: 't', where: {type: 'not', condition: {type: 'cmp', column: 'b', op: 'IS', value: false}}}), [1, 2, 4]);
});

test('IN and NOT IN, with empty lists', () => {
  assert.deepEqual(ids(table('t').where('a', 'IN', [1, 3])), [1, 3]);
  assert.deepEqual(ids(table('t').where('a', 'NOT IN', [1, 3])), [4]); // NULL matches neither
  assert.deepEqual(ids(table('t').where('a', 'IN', [])), []);
  assert.deepEqual(ids(table('t').where('a', 'NOT IN', [])), [1, 2, 3, 4]); // every row, NULL too
  assert.deepEqual(ids({table: 't', where: {type: 'not', condition: {type: 'cmp', column: 'a', op: 'IN', value: []}}}), [1, 2, 3, 4]);
});

test('LIKE is case-sensitive with % _ and backslash escapes; ILIKE folds ASCII only', () => {
  assert.deepEqual(ids(table('t').where('s', 'LIKE', 'a%')), [1]);
  assert.deepEqual(ids(table('t').where('s', 'LIKE', '_B_')), [3]);
  assert.deepEqual(ids(table('t').where('s', 'LIKE', '%')), [1, 3, 4]); // NULL is unknown
  assert.deepEqual(ids(table('t').where('s', 'LIKE', '100\\%')), [4]);
  assert.deepEqual(ids(table('t').where('s', 'LIKE', '1\\0_%')), [4]);
  assert.deepEqual(ids(table('t').where('s', 'LIKE', '100\\_')), []);
  assert.deepEqual(ids(table('t').where('s', 'LIKE', 'a.c')), []); // regex characters are literal
  assert.deepEqual(ids(table('t').where('s', 'ILIKE', 'abc')), [1, 3]);
  assert.deepEqual(ids(table('t').where('s', 'ILIKE', 'A_C')), [1, 3]);
  assert.deepEqual(ids(table('t').where('s', 'LIKE', null)), []);
  const u = {t: [{id: 1, s: 'ÉTÉ'}, {id: 2, s: 'été'}, {id: 3, s: '😀x'}]};
  assert.deepEqual(ids(table('t').where('s', 'ILIKE', 'été'), u), [2]); // non-ASCII letters keep their case
  assert.deepEqual(ids(table('t').where('s', 'LIKE', '_x'), u), [3]); // _ is one character (a code point)
});

test('every character outside % _ \\ is literal in LIKE patterns, - and regular-expression syntax too', () => {
  // '-' is no syntax character: escaping it made an invalid 'u' RegExp, so evaluating threw (found by oracle.test.js)
  const texts = ['x-y', 'a/b', '[a]', '(x)', '.*', '^$', 'a+b', '{1}', 'a|b', 'q?', 'back\\slash', 'xay'];
  const r = {t: texts.map((s, i) => ({id: i + 1, s}))};
  for (const [i, s] of texts.entries()) {
    const pattern = s.replace(/[\\%_]/g, '\\$&');
    assert.deepEqual(ids(table('t').where('s', 'LIKE', pattern), r), [i + 1], pattern);
    assert.deepEqual(ids(table('t').where('s', 'ILIKE', pattern.toUpperCase()), r), [i + 1], pattern);
  }
  assert.deepEqual(ids(table('t').where('s', 'LIKE', '%-%'), r), [1]);
  assert.deepEqual(ids(table('t').where('s', 'LIKE', '[a-z]%'), r), []);
  assert.deepEqual(ids(table('t').where('s', 'ILIKE', '_-_'), r), [1]);
});

test('NULLs sort first ascending and last descending; the order is completed with the key', () => {
  assert.deepEqual(ids(table('t').orderBy('a')), [2, 1, 4, 3]);
  assert.deepEqual(ids(table('t').orderBy('a', 'desc')), [3, 4, 1, 2]);
  assert.deepEqual(ids(table('t').orderBy('b')), [2, 3, 1, 4]); // null, false, true; ties by id
  assert.deepEqual(ids(table('t').orderBy('b', 'desc')), [1, 4, 3, 2]); // key completion stays ascending
  const k = {k2: [{x: 2, y: 'b', v: 1}, {x: 1, y: 'z', v: 1}, {x: 1, y: 'a', v: 1}, {x: 2, y: 'a', v: 0}]};
  const got = evaluate(table('k2').orderBy('v', 'desc').ast(), ctxOf(k)).map(r => `${r.x}${r.y}`);
  assert.deepEqual(got, ['1a', '1z', '2b', '2a']);
});

test('text sorts by code points (UTF-8 bytes), not UTF-16 code units', () => {
  // U+FF61 is one UTF-16 unit above the surrogates of U+1F600, but below it as a code point.
  const r = {t: [{id: 1, s: '😀'}, {id: 2, s: '｡'}, {id: 3, s: 'Z'}, {id: 4, s: 'a'}, {id: 5, s: 'é'}]};
  assert.deepEqual(ids(table('t').orderBy('s'), r), [3, 4, 5, 2, 1]);
  assert.ok(compareText('😀', '｡') > 0);
  assert.ok('😀' < '｡', 'JavaScript compares UTF-16 units the other way');
  assert.equal(compareText('ab', 'ab'), 0);
  assert.ok(compareText('ab', 'abc') < 0);
});

test('int8 beyond 2^53 arrives as a decimal string and compares as an integer', () => {
  assert.deepEqual(ids(table('t').orderBy('big')), [3, 1, 4, 2]);
  assert.deepEqual(ids(table('t').where('big', '>', 9007199254740991)), [2]);
  assert.deepEqual(ids(table('t').where('big', '=', '9007199254740993')), [2]);
  assert.deepEqual(ids(table('t').where('big', '<', 0)), [3]);
  assert.ok(compareValues('9007199254740993', 9007199254740992, 'int8') > 0);
  assert.ok(compareValues('9007199254740993', 9007199254740992.5) > 0);
  assert.ok(compareValues('10', '9', 'int8') > 0); // not text order
  assert.ok(compareValues('10', '9', 'text') < 0);
  // data keeps values as the wire gave them
  assert.equal(evaluate(table('t').where('id', '=', 2).ast(), ctxOf(rows))[0].big, '9007199254740993');
});

test('float specials: NaN sorts after Infinity', () => {
  assert.deepEqual(ids(table('t').orderBy('f')), [4, 1, 3, 2]);
});

test('start: at or strictly after the start row position, then limit', () => {
  const q = table('t').orderBy('a');
  assert.deepEqual(ids(q.start({a: 2, id: 4})), [4, 3]);
  assert.deepEqual(ids(q.start({a: 2, id: 4}, {exclusive: true})), [3]);
  assert.deepEqual(ids(q.start({a: 2, id: 0}, {exclusive: true})), [4, 3]); // the start row need not exist
  assert.deepEqual(ids(q.start({a: null, id: 2}, {exclusive: true}).limit(2)), [1, 4]);
  assert.deepEqual(ids(table('t').orderBy('a', 'desc').start({a: 2, id: 4}, {exclusive: true})), [1, 2]);
  assert.deepEqual(ids(q.limit(0)), []);
});

test('related: per parent, with the child order, filter and limit', () => {
  const r = {
    t: [{id: 1, a: 1}, {id: 2, a: null}, {id: 3, a: 3}],
    c: [{id: 10, t_id: 1, n: 5}, {id: 11, t_id: 1, n: 7}, {id: 12, t_id: 1, n: 6}, {id: 13, t_id: 3, n: 1},
      {id: 14, t_id: 3, n: 9}, {id: 15, t_id: null, n: 1}, {id: 16, t_id: 3, n: null}],
  };
  const q = table('t').related('cs', {table: 'c', parent: ['id'], child: ['t_id']},
    c => c.where('n', '>', 1).orderBy('n', 'desc').limit(2));
  const out = evaluate(q.ast(), ctxOf(r));
  assert.deepEqual(out.map(x => [x.id, x.cs.map(c => c.id)]), [[1, [11, 12]], [2, []], [3, [14]]]);
  assert.ok(Object.isFrozen(out) && Object.isFrozen(out[0]) && Object.isFrozen(out[0].cs));
  // many-to-one is still an array; a NULL correlates with nothing
  const m = evaluate(table('c').orderBy('id').related('parent', {table: 't', parent: ['t_id'], child: ['id']}).ast(), ctxOf(r));
  assert.deepEqual(m.map(x => x.parent.map(p => p.id)), [[1], [1], [1], [3], [3], [], [3]]);
  // the parent's limit applies to parents, the child's per parent
  const lim = evaluate(table('t').limit(1).related('cs', {table: 'c', parent: ['id'], child: ['t_id']}, c => c.limit(1)).ast(), ctxOf(r));
  assert.deepEqual(lim.map(x => [x.id, x.cs.map(c => c.id)]), [[1, [10]]]);
});
