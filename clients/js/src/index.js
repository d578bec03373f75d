// @viewsync/client: the browser client of viewsync's sync protocol v1 (docs/protocol.md).

export {connect, SyncClient, syncUrl, wireSchema, PROTOCOL_VERSION} from './client.js';
export {View} from './view.js';
export {table, cmp, and, or, not, exists, QueryBuilder} from './query.js';
export {evaluate, compareValues, compareText} from './evaluate.js';
