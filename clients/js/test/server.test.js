// Against a real viewsync server: VIEWSYNC_TEST_URL (http://host:port) and VIEWSYNC_TEST_PG (a postgresql:// URI
// of its upstream, changed with psql). Skipped without them, failed instead when VIEWSYNC_TEST_REQUIRED=1
// (see support.js).
import assert from 'node:assert/strict';
import net from 'node:net';
import {connect, table} from '../src/index.js';
import {oracle, psql, serverTest, SERVER_URL as URL_, uniqueName, until} from './support.js';

/** Waits until the view is complete with exactly the oracle's rows. */
async function converges(view, select, orderBy) {
  let expected;
  await until(() => {
    expected = oracle(select, orderBy);
    return view.status === 'complete' && JSON.stringify(view.data) === JSON.stringify(expected);
  }, () => `view ${view.id} (${view.status} ${JSON.stringify(view.data)}) to equal ${JSON.stringify(expected)}`);
}

function itemsSchema(name, extra = {}) {
  return {tables: {[name]: {columns: {id: {type: 'int8'}, title: {type: 'text'}, n: {type: 'int4'}, ...extra}, primaryKey: ['id']}}};
}

serverTest('a view converges to what Postgres holds through INSERT, UPDATE and DELETE', async () => {
  const name = uniqueName('js_items');
  psql(`CREATE TABLE ${name} (id int8 PRIMARY KEY, title text, n int4);
        INSERT INTO ${name} VALUES (1, 'one', 1), (2, 'two', 7), (3, NULL, NULL)`);
  const client = connect({url: URL_, schema: itemsSchema(name), backoff: {initialMs: 50, maxMs: 500}});
  const errors = [];
  client.on('error', e => errors.push(e));
  try {
    const all = client.subscribe(table(name).orderBy('id'), {id: 'all'});
    const big = client.subscribe(table(name).where('n', '>', 5).orderBy('n', 'desc').limit(2), {id: 'big'});
    const allSql = `SELECT id, title, n FROM ${name}`;
    const bigSql = `SELECT id, title, n FROM ${name} WHERE n > 5 ORDER BY n DESC, id LIMIT 2`;
    await converges(all, allSql, 'id');
    await converges(big, bigSql, 'n DESC, id');
    assert.equal(all.data.length, 3);
    psql(`INSERT INTO ${name} VALUES (4, 'four', 9), (5, 'five', 6)`);
    await converges(all, allSql, 'id');
    await converges(big, bigSql, 'n DESC, id');
    assert.deepEqual(big.data.map(r => r.id), [4, 2]);
    psql(`UPDATE ${name} SET title = 'TWO', n = 10 WHERE id = 2; UPDATE ${name} SET n = 8 WHERE id = 3`);
    await converges(all, allSql, 'id');
    await converges(big, bigSql, 'n DESC, id');
    assert.deepEqual(big.data.map(r => r.id), [2, 4]);
    psql(`DELETE FROM ${name} WHERE id IN (2, 4)`);
    await converges(all, allSql, 'id');
    await converges(big, bigSql, 'n DESC, id');
    assert.deepEqual(big.data.map(r => r.id), [3, 5]);
    assert.equal(client.state, 'connected');
    assert.deepEqual(errors, []);
  } finally {
    client.close();
    psql(`DROP TABLE IF EXISTS ${name}`);
  }
});

/** A TCP proxy whose connections can be cut, and which can refuse new ones for a while. */
async function startProxy(target) {
  const sockets = new Set();
  let refusing = false;
  const server = net.createServer(down => {
    if (refusing) {
      down.destroy();
      return;
    }
    const up = net.connect(target.port, target.hostname);
    sockets.add(down);
    sockets.add(up);
    const cut = () => {
      down.destroy();
      up.destroy();
      sockets.delete(down);
      sockets.delete(up);
    };
    down.on('error', cut).on('close', cut);
    up.on('error', cut).on('close', cut);
    down.pipe(up);
    up.pipe(down);
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    cutAll() {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    refuse(on) {
      refusing = on;
    },
    close() {
      this.cutAll();
      return new Promise(r => server.close(r));
    },
  };
}

serverTest('after its connection is cut, the client reconnects with its cookie and gets only what changed', async () => {
  const name = uniqueName('js_resume');
  psql(`CREATE TABLE ${name} (id int8 PRIMARY KEY, title text, n int4);
        INSERT INTO ${name} SELECT g, 'row ' || g, g FROM generate_series(1, 20) g`);
  const proxy = await startProxy(new URL(URL_));
  const sent = [];
  class RecordingWebSocket extends globalThis.WebSocket {
    send(data) {
      sent.push(JSON.parse(data));
      super.send(data);
    }
  }
  const client = connect({url: `ws://127.0.0.1:${proxy.port}/sync/v1`, schema: itemsSchema(name),
    WebSocket: RecordingWebSocket, backoff: {initialMs: 50, maxMs: 300}});
  const pokes = [];
  client.on('poke', p => pokes.push({...p, connects: client.stats.connects}));
  try {
    const view = client.subscribe(table(name).orderBy('id'), {id: 'all'});
    const sql = `SELECT id, title, n FROM ${name}`;
    await converges(view, sql, 'id');
    const cookieBefore = client.cookie;
    assert.ok(cookieBefore, 'a cookie after the first poke');
    const connectsBefore = client.stats.connects;

    proxy.refuse(true);
    proxy.cutAll();
    await until(() => client.state !== 'connected', 'the client to notice the cut');
    psql(`INSERT INTO ${name} VALUES (21, 'new', 21); UPDATE ${name} SET title = 'changed' WHERE id = 5;
          DELETE FROM ${name} WHERE id = 7`);
    await new Promise(r => setTimeout(r, 500)); // a few refused reconnects
    assert.equal(view.data.length, 20, 'nothing changes while disconnected');
    proxy.refuse(false);

    await converges(view, sql, 'id');
    const connects = sent.filter(m => m.type === 'connect');
    assert.ok(connects.length >= 2);
    assert.equal(connects[0].cookie, null);
    assert.equal(connects.at(-1).cookie, cookieBefore, 'the reconnect carried the cookie');
    assert.ok(client.stats.connects > connectsBefore);
    const firstAfter = pokes.find(p => p.connects > connectsBefore);
    assert.ok(firstAfter, 'a poke after the reconnect');
    assert.equal(firstAfter.reset, false, 'the first poke after the reconnect is not a reset');
    assert.ok(firstAfter.rows <= 3, `only the changed rows were sent again (${firstAfter.rows})`);
    assert.equal(client.stats.resets, 1);
  } finally {
    client.close();
    await proxy.close();
    psql(`DROP TABLE IF EXISTS ${name}`);
  }
});

serverTest('a renamed column: degraded compatibility, queries on it unavailable, others complete with null', async () => {
  const name = uniqueName('js_compat');
  psql(`CREATE TABLE ${name} (id int8 PRIMARY KEY, title text, rank int4);
        INSERT INTO ${name} VALUES (1, 'a', 30), (2, 'b', 10), (3, 'c', 20)`);
  const schema = {tables: {[name]: {columns: {id: {type: 'int8'}, title: {type: 'text'}, rank: {type: 'int4'}}, primaryKey: ['id']}}};
  const client = connect({url: URL_, schema, backoff: {initialMs: 50, maxMs: 500}});
  const reports = [];
  client.on('compatibility', c => reports.push(c));
  try {
    const byRank = client.subscribe(table(name).orderBy('rank'), {id: 'by-rank'});
    const plain = client.subscribe(table(name).orderBy('id'), {id: 'plain'});
    await converges(byRank, `SELECT id, title, rank FROM ${name}`, 'rank');
    await converges(plain, `SELECT id, title, rank FROM ${name}`, 'id');
    assert.equal(client.compatibility.status, 'full');
    const before = reports.length;

    psql(`ALTER TABLE ${name} RENAME COLUMN rank TO rank_renamed`);
    await until(() => reports.length > before && reports.at(-1).status === 'degraded', 'a degraded compatibility event');
    const issue = reports.at(-1).issues.find(i => i.table === name && i.column === 'rank');
    assert.ok(issue, JSON.stringify(reports.at(-1)));
    assert.equal(issue.kind, 'missing');
    await until(() => byRank.status === 'unavailable', () => `by-rank unavailable (is ${byRank.status})`);
    assert.deepEqual(byRank.data, []);
    assert.ok(byRank.reason);
    await until(() => plain.status === 'complete' && plain.data.length === 3 && plain.data.every(r => r.rank === null),
      () => `plain complete with null ranks: ${plain.status} ${JSON.stringify(plain.data)}`);
    assert.deepEqual(plain.data.map(r => [r.id, r.title]), [[1, 'a'], [2, 'b'], [3, 'c']]);

    psql(`ALTER TABLE ${name} RENAME COLUMN rank_renamed TO rank`);
    await until(() => reports.at(-1).status === 'full', 'a full compatibility event');
    await converges(byRank, `SELECT id, title, rank FROM ${name}`, 'rank');
    await converges(plain, `SELECT id, title, rank FROM ${name}`, 'id');
    assert.deepEqual(byRank.data.map(r => r.id), [2, 3, 1]);
  } finally {
    client.close();
    psql(`DROP TABLE IF EXISTS ${name}`);
  }
});
