// docs/openapi.yaml cannot fall behind the code: every /api/ route of the
// route table (src/web/routes.c) is documented with its method, nothing is
// documented that the table does not serve, and the routes that need no
// login are exactly those documented with `security: []`. Reads the two
// files only (no server); the YAML is scanned line by line (two-space path
// keys, four-space method keys), as node has no YAML parser here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

// [{ method, path, auth }] of the route table
function routesOf(text) {
  const out = [];
  const re = /\{\s*M_([A-Z]+),\s*"([^"]+)",\s*\w+,\s*(PUBLIC|LOGIN)\s*,/g;
  for (const m of text.matchAll(re)) out.push({ method: m[1].toLowerCase(), path: m[2], auth: m[3] });
  return out;
}

// [{ method, path, line, public }] of the document's paths section
function operationsOf(text) {
  const out = [];
  const lines = text.split('\n');
  let inPaths = false;
  let path = null;
  let op = null;
  lines.forEach((line, i) => {
    if (/^\S/.test(line)) {
      inPaths = line.startsWith('paths:');
      path = op = null;
      return;
    }
    if (!inPaths) return;
    let m = line.match(/^ {2}(\/\S*):\s*$/);
    if (m) {
      path = m[1];
      op = null;
      return;
    }
    m = line.match(/^ {4}([a-z]+):\s*$/);
    if (m && path) {
      op = METHODS.includes(m[1]) ? { method: m[1], path, line: i + 1, public: false } : null;
      if (op) out.push(op);
      return;
    }
    if (op && /^ {6}security:\s*\[\]\s*$/.test(line)) op.public = true;
  });
  return out;
}

const routesText = fs.readFileSync(root + 'src/web/routes.c', 'utf8');
const routes = routesOf(routesText);
const ops = operationsOf(fs.readFileSync(root + 'docs/openapi.yaml', 'utf8'));
const key = (x) => `${x.method.toUpperCase()} ${x.path}`;

test('the scans find the route table and the documented operations', () => {
  // every entry of the table was understood (a new layout must update routesOf)
  assert.equal(routes.length, [...routesText.matchAll(/\{\s*M_[A-Z]+\s*,/g)].length);
  const api = routes.filter((r) => r.path.startsWith('/api/'));
  assert.ok(api.length >= 30, `only ${api.length} API routes found in routes.c`);
  assert.ok(api.some((r) => key(r) === 'POST /api/v1/movements/{id}/status'));
  assert.ok(ops.some((o) => key(o) === 'GET /api/v1/public/typical' && o.public));
  assert.ok(ops.some((o) => key(o) === 'PATCH /api/v1/units/{id}' && !o.public));
  // each path+method once in the document
  const seen = new Set();
  for (const o of ops) {
    assert.ok(!seen.has(key(o)), `${key(o)} is documented twice (line ${o.line})`);
    seen.add(key(o));
  }
});

test('every API route in routes.c is documented in docs/openapi.yaml', () => {
  const documented = new Set(ops.map(key));
  const missing = routes.filter((r) => r.path.startsWith('/api/') && !documented.has(key(r))).map(key);
  assert.deepEqual(missing, [], 'routes without documentation');
});

test('every documented operation is served by the route table', () => {
  const served = new Set(routes.map(key));
  const extra = ops.filter((o) => !served.has(key(o))).map((o) => `${key(o)} (line ${o.line})`);
  assert.deepEqual(extra, [], 'documented operations the server does not have');
});

test('security: [] is documented exactly on the routes that need no login', () => {
  const auth = new Map(routes.map((r) => [key(r), r.auth]));
  const wrong = ops
    .filter((o) => (auth.get(key(o)) === 'PUBLIC') !== o.public)
    .map((o) => `${key(o)}: ${auth.get(key(o))} in routes.c, ${o.public ? 'security: []' : 'login required'} in the document`);
  assert.deepEqual(wrong, []);
});
