// What the client can check of a query against its declared schema before subscribing.

/**
 * The problems of `query` against the declaration `schema`: unknown tables and columns, and `exists`, which
 * protocol v1 cannot serve to a client (it does not send the rows of exists subqueries).
 * @returns {string[]} one sentence per problem, each starting with its path in the query
 */
export function queryProblems(query, schema) {
  const problems = [];
  checkQuery(query, schema, '', problems);
  return problems;
}

/** The tables a query reads, at any depth. */
export function tablesOf(query, out = new Set()) {
  if (!query || typeof query !== 'object') return out;
  out.add(query.table);
  for (const r of query.related || []) tablesOf(r.query, out);
  const walk = c => {
    if (!c || typeof c !== 'object') return;
    if (c.type === 'and' || c.type === 'or') (c.conditions || []).forEach(walk);
    else if (c.type === 'not') walk(c.condition);
    else if (c.type === 'exists') tablesOf(c.query, out);
  };
  walk(query.where);
  return out;
}

function at(prefix, path) {
  return prefix ? (path.startsWith('[') ? prefix + path : prefix + '.' + path) : path;
}

function checkQuery(q, schema, prefix, problems) {
  if (!q || typeof q !== 'object' || Array.isArray(q)) {
    problems.push(`${prefix || 'query'}: not a query object`);
    return;
  }
  if (typeof q.table !== 'string') {
    problems.push(`${at(prefix, 'table')}: missing table name`);
    return;
  }
  const spec = schema.tables[q.table];
  if (!spec) {
    problems.push(`${at(prefix, 'table')}: unknown table ${JSON.stringify(q.table)} (not in the client's schema)`);
    return;
  }
  const column = (path, c) => {
    if (!Object.prototype.hasOwnProperty.call(spec.columns, c)) {
      problems.push(`${path}: unknown column ${JSON.stringify(c)} of table ${JSON.stringify(q.table)}`);
    }
  };
  if (q.where !== undefined && q.where !== null) checkCondition(q.where, q.table, spec, schema, at(prefix, 'where'), problems, column);
  if (q.orderBy !== undefined && q.orderBy !== null) {
    if (!Array.isArray(q.orderBy)) problems.push(`${at(prefix, 'orderBy')}: not an array`);
    else q.orderBy.forEach((o, i) => {
      if (!Array.isArray(o) || typeof o[0] !== 'string' || (o[1] !== 'asc' && o[1] !== 'desc')) {
        problems.push(`${at(prefix, `orderBy[${i}]`)}: not [column, "asc"|"desc"]`);
      } else {
        column(at(prefix, `orderBy[${i}]`), o[0]);
      }
    });
  }
  if (q.limit !== undefined && q.limit !== null && !(Number.isInteger(q.limit) && q.limit >= 0)) {
    problems.push(`${at(prefix, 'limit')}: not an integer >= 0`);
  }
  if (q.start !== undefined && q.start !== null) {
    if (!q.start.row || typeof q.start.row !== 'object') problems.push(`${at(prefix, 'start.row')}: not a row object`);
    else for (const c of Object.keys(q.start.row)) column(at(prefix, `start.row.${c}`), c);
  }
  (q.related || []).forEach((r, i) => {
    const p = at(prefix, `related[${i}]`);
    if (!r || typeof r !== 'object' || typeof r.name !== 'string') {
      problems.push(`${p}: not a related subquery with a name`);
      return;
    }
    checkCorrelation(r.correlation, q.table, r.query, schema, `${p}.correlation`, problems);
    checkQuery(r.query, schema, `${p}.query`, problems);
  });
}

function checkCorrelation(corr, parentTable, child, schema, path, problems) {
  if (!corr || !Array.isArray(corr.parent) || !Array.isArray(corr.child) || corr.parent.length === 0
      || corr.parent.length !== corr.child.length) {
    problems.push(`${path}: parent and child must be non-empty column lists of the same length`);
    return;
  }
  const parentSpec = schema.tables[parentTable];
  corr.parent.forEach((c, i) => {
    if (!parentSpec.columns[c]) problems.push(`${path}.parent[${i}]: unknown column ${JSON.stringify(c)} of table ${JSON.stringify(parentTable)}`);
  });
  const childSpec = child && schema.tables[child.table];
  if (childSpec) {
    corr.child.forEach((c, i) => {
      if (!childSpec.columns[c]) problems.push(`${path}.child[${i}]: unknown column ${JSON.stringify(c)} of table ${JSON.stringify(child.table)}`);
    });
  }
}

const OPS = new Set(['=', '!=', '<', '<=', '>', '>=', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'IS', 'IS NOT']);

function checkCondition(c, tableName, spec, schema, path, problems, column) {
  if (!c || typeof c !== 'object') {
    problems.push(`${path}: not a condition`);
    return;
  }
  switch (c.type) {
    case 'cmp':
      column(`${path}.column`, c.column);
      if (!OPS.has(c.op)) problems.push(`${path}.op: unknown operator ${JSON.stringify(c.op)}`);
      return;
    case 'and':
    case 'or':
      if (!Array.isArray(c.conditions)) problems.push(`${path}.conditions: not an array`);
      else c.conditions.forEach((x, i) => checkCondition(x, tableName, spec, schema, `${path}.conditions[${i}]`, problems, column));
      return;
    case 'not':
      checkCondition(c.condition, tableName, spec, schema, `${path}.condition`, problems, column);
      return;
    case 'exists':
      problems.push(`${path}: exists is not supported by this client: protocol v1 does not send the rows of exists `
          + 'subqueries, so the client cannot evaluate it (use a related subquery instead)');
      return;
    default:
      problems.push(`${path}: unknown condition type ${JSON.stringify(c.type)}`);
  }
}
