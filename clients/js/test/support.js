// Helpers of the tests that run against a real viewsync server: VIEWSYNC_TEST_URL (http://host:port) and
// VIEWSYNC_TEST_PG (a postgresql:// URI of its upstream, read and changed with psql). Tests using serverTest are
// skipped without them, and fail instead when VIEWSYNC_TEST_REQUIRED=1.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';

export const SERVER_URL = process.env.VIEWSYNC_TEST_URL;
export const PG = process.env.VIEWSYNC_TEST_PG;
export const REQUIRED = process.env.VIEWSYNC_TEST_REQUIRED === '1';
const missing = [!SERVER_URL && 'VIEWSYNC_TEST_URL', !PG && 'VIEWSYNC_TEST_PG'].filter(Boolean);

/**
 * A test that needs the real server: skipped (or, when required, failed) without one.
 * @param {string} name
 * @param {object|Function} options node:test options ({timeout}, default 120 s), or the test function
 * @param {Function} [fn]
 */
export function serverTest(name, options, fn) {
  if (typeof options === 'function') {
    fn = options;
    options = {};
  }
  test(name, {timeout: 120000, ...options}, async t => {
    if (missing.length) {
      const why = `needs a real server: set ${missing.join(' and ')}`;
      if (REQUIRED) assert.fail(`VIEWSYNC_TEST_REQUIRED=1 but ${why}`);
      t.skip(why);
      return;
    }
    await fn(t);
  });
}

/**
 * Runs `sql` (one or more statements, all in one transaction) on the upstream with psql and returns its unaligned,
 * tuples-only output, trimmed. The SQL goes through stdin, so it may be larger than a command-line argument.
 */
export function psql(sql) {
  return execFileSync('psql', [PG, '-v', 'ON_ERROR_STOP=1', '-X', '-q', '-A', '-t', '-1', '-f', '-'],
    {encoding: 'utf8', input: sql, maxBuffer: 256 * 1024 * 1024}).trim();
}

/** Postgres' rows (the oracle) as JSON, in the given order. */
export function oracle(select, orderBy) {
  return JSON.parse(psql(`SELECT coalesce(json_agg(x ORDER BY ${orderBy}), '[]') FROM (${select}) x`));
}

/** A table name no other test (or run) uses. */
export function uniqueName(prefix) {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/** A promise resolved after `ms` milliseconds. */
export function sleep(ms) {
  return new Promise(r => setTimeout(r, ms));
}

/** Polls `cond` every 25 ms until it holds; throws after `ms` with `what` (a string or a function giving one). */
export async function until(cond, what, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    if (cond()) return;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await sleep(25);
  }
}
