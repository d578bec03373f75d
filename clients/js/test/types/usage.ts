// Type-checks index.d.ts against the way the README uses the client (npm run typecheck; JsClientIT runs it).
import { connect, table, cmp, and, or, not, type Schema, type View } from '../../src/index.js';

const schema: Schema = {tables: {
  issue: {columns: {id: {type: 'int8'}, title: {type: 'text'}, status: {type: 'text'}, modified: {type: 'timestamptz'}},
          primaryKey: ['id'],
          relationships: {comments: {table: 'comment', parent: ['id'], child: ['issue_id']}}},
  comment: {columns: {id: {type: 'int8'}, issue_id: {type: 'int8'}, body: {type: 'text'}}, primaryKey: ['id']}}};
const client = connect({url: 'http://127.0.0.1:4848', schema});
const q = table('issue').where('status', '=', 'open').where(or(cmp('id', '<', 5), not(cmp('id', 'IN', [7, 8]))))
  .orderBy('modified', 'desc').limit(50).related('comments', c => c.orderBy('id').limit(10));
const view: View = client.subscribe(q, {id: 'open'});
const off = view.on('change', v => {
  const s: 'loading' | 'complete' | 'unavailable' | 'rejected' = v.status;
  for (const row of v.data) console.log(row.title, s, v.reason);
});
off();
client.on('compatibility', r => console.log(r.status, r.issues.length));
client.on('state', s => console.log(s));
const st: string = client.state;
const ck: string | null = client.cookie;
view.unsubscribe();
client.close();
// @ts-expect-error an unknown operator is a type error
table('issue').where('status', '==', 'open');
console.log(st, ck, and);
