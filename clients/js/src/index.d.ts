// Hand-written types of @viewsync/client.

export type Op = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN' | 'NOT IN' | 'LIKE' | 'ILIKE' | 'IS' | 'IS NOT';
export type Scalar = null | boolean | number | string;
export type Dir = 'asc' | 'desc';

export interface Correlation { parent: string[]; child: string[]; }
export interface CmpCondition { type: 'cmp'; column: string; op: Op; value: Scalar | Scalar[]; }
export interface AndCondition { type: 'and'; conditions: Condition[]; }
export interface OrCondition { type: 'or'; conditions: Condition[]; }
export interface NotCondition { type: 'not'; condition: Condition; }
export interface ExistsCondition { type: 'exists'; correlation: Correlation; query: QueryAST; negated: boolean; }
export type Condition = CmpCondition | AndCondition | OrCondition | NotCondition | ExistsCondition;
/** A condition made by the helpers; `exists(…)` is resolved against the schema when the AST is built. */
export type ConditionInput = Condition | DeferredExists | { type: 'and' | 'or'; conditions: ConditionInput[] } | { type: 'not'; condition: ConditionInput };
export interface DeferredExists { readonly name: string; readonly negated: boolean; }

export interface QueryAST {
  table: string;
  where?: Condition;
  orderBy?: [string, Dir][];
  limit?: number;
  start?: { row: Record<string, Scalar>; exclusive: boolean };
  related?: { name: string; correlation: Correlation; query: QueryAST }[];
}

export interface Relationship { table: string; parent: string[]; child: string[]; }
export interface ColumnDecl { type: string; }
export interface TableDecl {
  columns: Record<string, ColumnDecl>;
  primaryKey: string[];
  /** Client-side only: not sent to the server. */
  relationships?: Record<string, Relationship>;
}
export interface Schema { tables: Record<string, TableDecl>; }

export type SubqueryFn = (q: QueryBuilder) => QueryBuilder | void;

export class QueryBuilder {
  readonly tableName: string;
  where(column: string, op: Op, value: Scalar | Scalar[]): QueryBuilder;
  where(cond: ConditionInput): QueryBuilder;
  orderBy(column: string, dir?: Dir): QueryBuilder;
  limit(n: number | null): QueryBuilder;
  start(row: Record<string, Scalar> | null, options?: { exclusive?: boolean }): QueryBuilder;
  related(name: string, fn?: SubqueryFn): QueryBuilder;
  related(name: string, relationship: Relationship, fn?: SubqueryFn): QueryBuilder;
  /** The plain AST; `schema` resolves relationships by name. */
  ast(schema?: Schema): QueryAST;
  toJSON(): QueryAST;
}

export function table(name: string): QueryBuilder;
export function cmp(column: string, op: Op, value: Scalar | Scalar[]): CmpCondition;
export function and(...conds: ConditionInput[]): ConditionInput;
export function or(...conds: ConditionInput[]): ConditionInput;
export function not(cond: ConditionInput): ConditionInput;
export function exists(name: string, fn?: SubqueryFn | null, options?: { negated?: boolean }): DeferredExists;
export function exists(name: string, relationship: Relationship, fn?: SubqueryFn | null, options?: { negated?: boolean }): DeferredExists;

export type ClientState = 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';
export type ViewStatus = 'loading' | 'complete' | 'unavailable' | 'rejected';

export interface CompatibilityIssue {
  table: string;
  column?: string;
  kind: 'unavailable' | 'missing' | 'coerced' | string;
  reason: string;
  clientType?: string;
  serverType?: string;
}
export interface CompatibilityReport { status: 'full' | 'degraded'; issues: CompatibilityIssue[]; }
export interface SyncError {
  origin: 'server' | 'client';
  kind: string;
  message: string;
  queryID?: string;
  details?: any;
}
export interface PokeEvent { pokeID: string; cookie: string; reset: boolean; rows: number; }
export interface SchemaChangedEvent { schemaVersion: number; compatibility: CompatibilityReport; }
export interface Stats { connects: number; pokes: number; resets: number; rowsReceived: number; }
export interface QueryErrorDetail { kind: string; path: string; message: string; }

export type Row = Readonly<Record<string, any>>;

export interface ConnectOptions {
  /** ws://host:port/sync/v1, or http(s)://host:port (mapped to ws(s)://host:port/sync/v1). */
  url: string;
  schema: Schema;
  auth?: string;
  clientGroupID?: string;
  clientID?: string;
  backoff?: { initialMs?: number; maxMs?: number };
  /** 0: never ping. */
  pingIntervalMs?: number;
  WebSocket?: { new (url: string): WebSocket };
}

export interface ClientEvents {
  state: ClientState;
  compatibility: CompatibilityReport;
  poke: PokeEvent;
  error: SyncError;
  schemaChanged: SchemaChangedEvent;
}

export class View {
  readonly id: string;
  readonly query: QueryAST;
  readonly data: ReadonlyArray<Row>;
  readonly status: ViewStatus;
  readonly reason: string | null;
  readonly errors: ReadonlyArray<QueryErrorDetail>;
  readonly closed: boolean;
  on(event: 'change', fn: (view: View) => void): () => void;
  unsubscribe(): void;
}

export class SyncClient {
  readonly url: string;
  readonly schema: Schema;
  readonly state: ClientState;
  readonly cookie: string | null;
  readonly schemaVersion: number | null;
  readonly serverVersion: string | null;
  readonly compatibility: CompatibilityReport | null;
  readonly clientGroupID: string;
  readonly clientID: string;
  readonly stats: Readonly<Stats>;
  on<E extends keyof ClientEvents>(event: E, fn: (arg: ClientEvents[E]) => void): () => void;
  subscribe(query: QueryBuilder | QueryAST, options?: { id?: string }): View;
  rows(tableName: string): ReadonlyArray<Row>;
  close(): void;
}

export function connect(options: ConnectOptions): SyncClient;
export function syncUrl(url: string): string;
export function wireSchema(schema: Schema): Schema;
export const PROTOCOL_VERSION: 1;
export function evaluate(query: QueryAST, ctx: {
  rows(table: string): Row[];
  primaryKey(table: string): string[];
  columnType(table: string, column: string): string | undefined;
}): ReadonlyArray<Row>;
export function compareValues(a: unknown, b: unknown, type?: string): number;
export function compareText(a: string, b: string): number;
