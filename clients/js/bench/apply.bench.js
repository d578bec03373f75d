// How long the client takes to apply one small poke and bring its views up to date, as the rows it holds grow.
// Reference, measured in the same run: JSON.parse of the same poke's three messages (what any client pays).
//
//   node bench/apply.bench.js            # 1,000 / 10,000 / 50,000 issues, 3 views
//
// The client re-evaluates each view a poke touches from the rows it holds (docs/client.md: built for what one
// client group's queries hold, not for a whole database), so the cost grows with the rows of the touched table.
import {performance} from 'node:perf_hooks';
import {connect, table} from '../src/index.js';

const schema = {tables: {
  issue: {columns: {id: {type: 'int8'}, title: {type: 'text'}, status: {type: 'text'}, priority: {type: 'int4'},
    modified: {type: 'timestamptz'}}, primaryKey: ['id'],
  relationships: {comments: {table: 'comment', parent: ['id'], child: ['issue_id']}}},
  comment: {columns: {id: {type: 'int8'}, issue_id: {type: 'int8'}, body: {type: 'text'}}, primaryKey: ['id']},
}};
const STATUSES = ['open', 'in_progress', 'closed'];

function issue(id, modified) {
  return {op: 'put', table: 'issue', key: {id},
    value: {id, title: `Issue ${id}`, status: STATUSES[id % 3], priority: 1 + (id % 4), modified}};
}

class Socket {
  constructor() {
    this.readyState = 0;
    Socket.last = this;
    queueMicrotask(() => {
      this.readyState = 1;
      this.onopen({});
    });
  }
  send() {}
  close() {}
  deliver(text) {
    this.onmessage({data: text});
  }
}

function pokeMessages(n, base, cookie, rows) {
  return [JSON.stringify({type: 'pokeStart', pokeID: `p${n}`, baseCookie: base, schemaVersion: 1, reset: base === null}),
    JSON.stringify({type: 'pokePart', pokeID: `p${n}`, rows, queries: []}),
    JSON.stringify({type: 'pokeEnd', pokeID: `p${n}`, cookie})];
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function run(size) {
  const client = connect({url: 'ws://bench.invalid/sync/v1', schema, WebSocket: Socket, pingIntervalMs: 0});
  await new Promise(r => setTimeout(r, 0));
  const ws = Socket.last;
  ws.deliver(JSON.stringify({type: 'connected', protocolVersion: 1, serverVersion: 'bench', schemaVersion: 1,
    compatibility: {status: 'full', issues: []}}));
  const views = [
    client.subscribe(table('issue').where('status', '=', 'open').orderBy('modified', 'desc').limit(50), {id: 'list'}),
    client.subscribe(table('issue').where('priority', '<=', 1).orderBy('priority').orderBy('modified', 'desc')
      .limit(10), {id: 'urgent'}),
    client.subscribe(table('issue').where('id', '=', 7).related('comments', q => q.limit(20)), {id: 'detail'}),
  ];
  let changes = 0;
  for (const v of views) v.on('change', () => changes++);
  const seed = [];
  for (let id = 1; id <= size; id++) seed.push(issue(id, 1_700_000_000_000_000 + id));
  for (const m of pokeMessages(0, null, 'c0', seed)) ws.deliver(m);
  let cookie = 'c0';
  let lastOpen = null;
  const clientMs = [];
  const parseMs = [];
  for (let n = 1; n <= 300; n++) {
    const id = 1 + ((n * 7919) % size);
    if (STATUSES[id % 3] === 'open') lastOpen = id;
    const next = `c${n}`;
    const msgs = pokeMessages(n, cookie, next, [issue(id, 1_800_000_000_000_000 + n)]);
    let t = performance.now();
    for (const m of msgs) JSON.parse(m);
    parseMs.push(performance.now() - t);
    t = performance.now();
    for (const m of msgs) ws.deliver(m);
    clientMs.push(performance.now() - t);
    cookie = next;
  }
  if (client.cookie !== cookie) throw new Error(`the client is at ${client.cookie}, not ${cookie}`);
  if (views[0].data.length !== 50 || views[0].data[0].id !== lastOpen) {
    throw new Error(`the list did not follow: it starts with ${views[0].data[0]?.id}, not ${lastOpen}`);
  }
  client.close();
  return {size, clientMs: median(clientMs.slice(50)), parseMs: median(parseMs.slice(50))};
}

console.log('rows held | apply + 3 views, median ms | JSON.parse of the poke, median ms | ratio');
for (const size of [1_000, 10_000, 50_000]) {
  const r = await run(size);
  console.log(`${r.size} | ${r.clientMs.toFixed(3)} | ${r.parseMs.toFixed(4)} | ${(r.clientMs / r.parseMs).toFixed(0)}×`);
}
