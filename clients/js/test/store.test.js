// Unit tests of the client's protocol logic over an in-process fake WebSocket.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {connect, table} from '../src/index.js';

const schema = {tables: {
  issue: {columns: {id: {type: 'int8'}, title: {type: 'text'}, status: {type: 'text'}},
    primaryKey: ['id'], relationships: {comments: {table: 'comment', parent: ['id'], child: ['issue_id']}}},
  comment: {columns: {id: {type: 'int8'}, issue_id: {type: 'int8'}, body: {type: 'text'}}, primaryKey: ['id']},
}};
const FULL = {status: 'full', issues: []};

/** A fresh fake WebSocket class; `instances` are the sockets the client opened, in order. */
function fakeSockets() {
  const instances = [];
  class FakeWebSocket {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.sent = [];
      this.closedWith = null;
      instances.push(this);
    }
    send(text) {
      if (this.readyState !== 1) throw new Error('not open');
      this.sent.push(JSON.parse(text));
    }
    close(code, reason) {
      this.readyState = 3;
      this.closedWith = {code, reason};
    }
    // the server's side
    open() {
      this.readyState = 1;
      this.onopen && this.onopen({});
    }
    deliver(msg) {
      this.onmessage && this.onmessage({data: typeof msg === 'string' ? msg : JSON.stringify(msg)});
    }
    serverClose(code, reason = '') {
      this.readyState = 3;
      this.onclose && this.onclose({code, reason});
    }
    connected(compatibility = FULL, schemaVersion = 1) {
      this.deliver({type: 'connected', protocolVersion: 1, serverVersion: '0.1.0', schemaVersion, compatibility});
    }
    poke(pokeID, baseCookie, cookie, {reset = false, rows = [], queries = []} = {}) {
      this.deliver({type: 'pokeStart', pokeID, baseCookie, schemaVersion: 1, reset});
      this.deliver({type: 'pokePart', pokeID, rows, queries});
      this.deliver({type: 'pokeEnd', pokeID, cookie});
    }
  }
  return {FakeWebSocket, instances};
}

async function until(cond, what, ms = 2000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 2));
  }
}

function setup(options = {}) {
  const {FakeWebSocket, instances} = fakeSockets();
  const client = connect({url: 'http://127.0.0.1:1', schema, WebSocket: FakeWebSocket, backoff: {initialMs: 1, maxMs: 2},
    pingIntervalMs: 0, clientGroupID: 'g1', clientID: 'c1', ...options});
  const errors = [];
  client.on('error', e => errors.push(e));
  return {client, instances, errors};
}

const put = (id, title, status = 'open') => ({op: 'put', table: 'issue', key: {id}, value: {id, title, status}});

async function connected(client, instances, n = 1) {
  await until(() => instances.length >= n, `socket ${n}`);
  const ws = instances[n - 1];
  ws.open();
  ws.connected();
  assert.equal(client.state, 'connected');
  return ws;
}

test('connect message, URL mapping, subscriptions only after connected', async () => {
  const {client, instances} = setup({auth: 'tok'});
  const v = client.subscribe(table('issue').where('status', '=', 'open'), {id: 'open'});
  await until(() => instances.length === 1, 'socket');
  const ws = instances[0];
  assert.equal(ws.url, 'ws://127.0.0.1:1/sync/v1');
  ws.open();
  assert.deepEqual(ws.sent, [{type: 'connect', protocolVersion: 1, clientGroupID: 'g1', clientID: 'c1', cookie: null, auth: 'tok',
    schema: {tables: {issue: {columns: {id: {type: 'int8'}, title: {type: 'text'}, status: {type: 'text'}}, primaryKey: ['id']},
      comment: {columns: {id: {type: 'int8'}, issue_id: {type: 'int8'}, body: {type: 'text'}}, primaryKey: ['id']}}}}]);
  ws.connected(FULL, 7);
  assert.equal(client.schemaVersion, 7);
  assert.equal(client.serverVersion, '0.1.0');
  assert.deepEqual(ws.sent[1], {type: 'subscribe', queryID: 'open', query: v.query});
  assert.equal(v.status, 'loading');
  client.close();
  assert.equal(client.state, 'closed');
});

test('a poke is applied whole at pokeEnd: listeners never see half of one', async () => {
  const {client, instances} = setup();
  const v = client.subscribe(table('issue').orderBy('id'), {id: 'all'});
  const ws = await connected(client, instances);
  const seen = [];
  v.on('change', view => seen.push([view.status, view.data.map(r => r.id), client.rows('issue').length, client.cookie]));
  client.on('poke', p => seen.push(['poke', p]));
  ws.deliver({type: 'pokeStart', pokeID: 'p1', baseCookie: null, schemaVersion: 1, reset: false});
  ws.deliver({type: 'pokePart', pokeID: 'p1', rows: [put(1, 'a')], queries: []});
  assert.equal(client.rows('issue').length, 0, 'nothing applied before pokeEnd');
  assert.deepEqual(v.data, []);
  ws.deliver({type: 'pokePart', pokeID: 'p1', rows: [put(2, 'b')], queries: [{queryID: 'all', status: 'complete'}]});
  assert.equal(v.status, 'loading');
  assert.equal(client.cookie, null);
  assert.deepEqual(seen, []);
  ws.deliver({type: 'pokeEnd', pokeID: 'p1', cookie: 'c:1'});
  assert.deepEqual(seen, [['complete', [1, 2], 2, 'c:1'], ['poke', {pokeID: 'p1', cookie: 'c:1', reset: false, rows: 2}]]);
  assert.ok(Object.isFrozen(v.data) && Object.isFrozen(v.data[0]));
  // a poke that does not change the view does not call its listener
  seen.length = 0;
  ws.poke('p2', 'c:1', 'c:2', {rows: [{op: 'put', table: 'comment', key: {id: 9}, value: {id: 9, issue_id: 1, body: 'x'}}]});
  assert.deepEqual(seen.map(s => s[0]), ['poke']);
  assert.deepEqual(client.stats, {connects: 1, pokes: 2, resets: 0, rowsReceived: 3});
  client.close();
});

test('reset clears every row first; del of a row not held is ignored; put replaces', async () => {
  const {client, instances, errors} = setup();
  const v = client.subscribe(table('issue').orderBy('id'));
  const ws = await connected(client, instances);
  ws.poke('p1', null, 'c:1', {rows: [put(1, 'a'), put(2, 'b')]});
  ws.poke('p2', 'c:1', 'c:2', {rows: [put(1, 'A'), {op: 'del', table: 'issue', key: {id: 99}}, {op: 'del', table: 'issue', key: {id: 2}}]});
  assert.deepEqual(v.data.map(r => [r.id, r.title]), [[1, 'A']]);
  ws.poke('p3', null, 'c:9', {reset: true, rows: [put(3, 'c')]});
  assert.deepEqual(client.rows('issue').map(r => r.id), [3]);
  assert.deepEqual(v.data.map(r => r.id), [3]);
  assert.equal(client.stats.resets, 1);
  assert.equal(client.cookie, 'c:9');
  assert.deepEqual(errors, []);
  client.close();
});

test('an out-of-step poke is not applied; the client reconnects with its cookie and resubscribes', async () => {
  const {client, instances, errors} = setup();
  const v = client.subscribe(table('issue'), {id: 'q'});
  const ws = await connected(client, instances);
  ws.poke('p1', null, 'c:1', {rows: [put(1, 'a')], queries: [{queryID: 'q', status: 'complete'}]});
  ws.poke('p2', 'c:0', 'c:2', {rows: [put(2, 'b')]});
  assert.deepEqual(client.rows('issue').map(r => r.id), [1]);
  assert.equal(client.cookie, 'c:1');
  assert.equal(errors.length, 1);
  assert.equal(errors[0].kind, 'out_of_step');
  assert.equal(errors[0].origin, 'client');
  assert.ok(ws.closedWith, 'the old socket is closed');
  const ws2 = await connected(client, instances, 2);
  assert.equal(ws2.sent[0].cookie, 'c:1');
  assert.deepEqual(ws2.sent[1], {type: 'subscribe', queryID: 'q', query: {table: 'issue'}});
  assert.equal(v.status, 'complete');
  // a null base cookie against the client's cookie is out of step too, unless it is a reset
  ws2.poke('p3', null, 'c:3', {rows: [put(3, 'c')]});
  assert.equal(errors.at(-1).kind, 'out_of_step');
  const ws3 = await connected(client, instances, 3);
  ws3.poke('p4', null, 'c:4', {reset: true, rows: [put(4, 'd')]});
  assert.deepEqual(client.rows('issue').map(r => r.id), [4]);
  client.close();
});

test('reconnects after any close but 4001, sending the cookie; subscribe/unsubscribe while away go at connect', async () => {
  const {client, instances, errors} = setup();
  const states = [];
  client.on('state', s => states.push(s));
  const a = client.subscribe(table('issue'), {id: 'a'});
  const ws = await connected(client, instances);
  ws.poke('p1', null, 'c:1', {rows: [put(1, 'a')]});
  for (const [i, code] of [1001, 1012, 1013, 4002, 4008, 1006].entries()) {
    instances.at(-1).serverClose(code);
    assert.equal(client.state, 'disconnected');
    const next = await connected(client, instances, i + 2);
    assert.equal(next.sent[0].cookie, 'c:1', `after ${code}`);
  }
  instances.at(-1).serverClose(1001);
  a.unsubscribe();
  client.subscribe(table('comment'), {id: 'b'});
  const last = await connected(client, instances, instances.length + 1);
  assert.deepEqual(last.sent.slice(1).map(m => [m.type, m.queryID]), [['unsubscribe', 'a'], ['subscribe', 'b']]);
  last.deliver({type: 'error', kind: 'unknown_query', message: 'no query a', queryID: 'a'});
  assert.deepEqual(errors, [], 'an unknown_query for an unsubscribe sent at connect is quiet');
  assert.ok(states.includes('disconnected') && states.includes('connecting'));
  client.close();
});

test('close code 4001 is final', async () => {
  const {client, instances, errors} = setup();
  await until(() => instances.length === 1, 'socket');
  instances[0].open();
  instances[0].serverClose(4001, 'unsupported');
  assert.equal(client.state, 'failed');
  assert.equal(errors[0].kind, 'unsupported_protocol');
  await new Promise(r => setTimeout(r, 30));
  assert.equal(instances.length, 1, 'no reconnect');
  client.close();
});

test('unsupported_protocol error is final too', async () => {
  const {client, instances, errors} = setup();
  await until(() => instances.length === 1, 'socket');
  instances[0].open();
  instances[0].deliver({type: 'error', kind: 'unsupported_protocol', message: 'no', details: {min: 2, max: 2}});
  assert.equal(client.state, 'failed');
  assert.deepEqual(errors[0], {origin: 'server', kind: 'unsupported_protocol', message: 'no', details: {min: 2, max: 2}});
  await new Promise(r => setTimeout(r, 30));
  assert.equal(instances.length, 1);
  client.close();
});

test('compatibility events on connected (when it changed) and on schemaChanged', async () => {
  const {client, instances} = setup();
  const events = [];
  client.on('compatibility', c => events.push(['compatibility', c.status]));
  client.on('schemaChanged', s => events.push(['schemaChanged', s.schemaVersion, s.compatibility.status]));
  const ws = await connected(client, instances);
  assert.deepEqual(events, [['compatibility', 'full']]);
  const degraded = {status: 'degraded', issues: [{table: 'issue', column: 'status', kind: 'missing', clientType: 'text', reason: 'gone'}]};
  ws.deliver({type: 'schemaChanged', schemaVersion: 2, compatibility: degraded});
  assert.deepEqual(events.slice(1), [['compatibility', 'degraded'], ['schemaChanged', 2, 'degraded']]);
  assert.equal(client.schemaVersion, 2);
  assert.deepEqual(client.compatibility, degraded);
  ws.serverClose(1001);
  const ws2 = await until(() => instances.length === 2, 'socket 2').then(() => instances[1]);
  ws2.open();
  ws2.connected(degraded, 2);
  assert.equal(events.length, 3, 'the same report again is no event');
  ws2.serverClose(1001);
  await connected(client, instances, 3);
  assert.deepEqual(events.at(-1), ['compatibility', 'full']);
  client.close();
});

test('invalid_query rejects the view; statuses and unavailable come from pokes', async () => {
  const {client, instances, errors} = setup();
  const v = client.subscribe(table('issue'), {id: 'x'});
  const u = client.subscribe(table('issue').orderBy('status'), {id: 'u'});
  const ws = await connected(client, instances);
  ws.poke('p1', null, 'c:1', {rows: [put(1, 'a')], queries: [{queryID: 'x', status: 'complete'},
    {queryID: 'u', status: 'unavailable', reason: 'no column status'}]});
  assert.deepEqual(u.data, []);
  assert.equal(u.status, 'unavailable');
  assert.equal(u.reason, 'no column status');
  assert.equal(v.data.length, 1);
  const changes = [];
  v.on('change', view => changes.push(view.status));
  const details = {errors: [{kind: 'TYPE_MISMATCH', path: 'where.value', message: 'bad'}]};
  ws.deliver({type: 'error', kind: 'invalid_query', message: 'the query does not validate', queryID: 'x', details});
  assert.deepEqual(changes, ['rejected']);
  assert.equal(v.status, 'rejected');
  assert.equal(v.reason, 'the query does not validate');
  assert.deepEqual(v.errors, details.errors);
  assert.deepEqual(v.data, []);
  assert.equal(errors[0].queryID, 'x');
  client.close();
});

test('an unreadable message is a protocol violation: reconnect', async () => {
  const {client, instances, errors} = setup();
  const ws = await connected(client, instances);
  ws.deliver('{not json');
  assert.equal(errors[0].kind, 'protocol_violation');
  await connected(client, instances, 2);
  instances[1].deliver({type: 'pokePart', pokeID: 'zz', rows: [], queries: []});
  assert.equal(errors[1].kind, 'protocol_violation');
  await connected(client, instances, 3);
  // a row of an undeclared table rejects the whole poke
  instances[2].poke('p', null, 'c:1', {rows: [put(1, 'a'), {op: 'put', table: 'nope', key: {id: 1}, value: {id: 1}}]});
  assert.equal(errors[2].kind, 'protocol_violation');
  assert.equal(client.rows('issue').length, 0);
  assert.equal(client.cookie, null);
  client.close();
});

test('subscribe validates against the declared schema and refuses exists', async () => {
  const {client} = setup();
  assert.throws(() => client.subscribe(table('nope')), /unknown table "nope"/);
  assert.throws(() => client.subscribe(table('issue').where('nope', '=', 1).orderBy('zip')), e =>
    /unknown column "nope"/.test(e.message) && /unknown column "zip"/.test(e.message));
  assert.throws(() => client.subscribe({table: 'issue', where: {type: 'exists', correlation: {parent: ['id'], child: ['issue_id']},
    query: {table: 'comment'}}}), /exists is not supported.*protocol v1 does not send the rows of exists/);
  assert.throws(() => client.subscribe(table('issue').related('comments', q => q.where('x', '=', 1))), /related\[0\]\.query\.where\.column: unknown column "x"/);
  client.close();
});

test('related rows by relationship name; replacing a query by id', async () => {
  const {client, instances} = setup();
  const v = client.subscribe(table('issue').orderBy('id').related('comments', q => q.orderBy('id', 'desc').limit(1)), {id: 'r'});
  const ws = await connected(client, instances);
  ws.poke('p1', null, 'c:1', {rows: [put(1, 'a'), put(2, 'b'),
    {op: 'put', table: 'comment', key: {id: 5}, value: {id: 5, issue_id: 1, body: 'x'}},
    {op: 'put', table: 'comment', key: {id: 6}, value: {id: 6, issue_id: 1, body: 'y'}}],
  queries: [{queryID: 'r', status: 'complete'}]});
  assert.deepEqual(v.data.map(r => [r.id, r.comments.map(c => c.id)]), [[1, [6]], [2, []]]);
  const same = client.subscribe(table('issue').orderBy('id', 'desc'), {id: 'r'});
  assert.equal(same, v);
  assert.equal(v.status, 'loading');
  assert.deepEqual(v.data.map(r => r.id), [2, 1]);
  assert.deepEqual(ws.sent.at(-1), {type: 'subscribe', queryID: 'r', query: {table: 'issue', orderBy: [['id', 'desc']]}});
  client.close();
});

test('pings: a connection silent for a whole interval after a ping is reconnected', async () => {
  const {client, instances} = setup({pingIntervalMs: 20});
  const ws = await connected(client, instances);
  await until(() => ws.sent.some(m => m.type === 'ping'), 'a ping');
  await until(() => instances.length === 2, 'a reconnect after no pong', 1000);
  client.close();
});
