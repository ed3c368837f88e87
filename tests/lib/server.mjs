// Starts a real thidua server on 127.0.0.1 for a test file, with a fresh
// database, and stops it with SIGTERM at the end, failing on a sanitizer
// report or a non-zero exit.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import crypto from 'node:crypto';
import { assertConforms, documentValidator } from './openapi.mjs';

// A test user's password: fixed per login, and strong enough for the
// password policy (libpwquality refuses one that contains the login).
export function testPassword(login) {
  return 'Mk-' + crypto.createHash('sha256').update(login).digest('hex').slice(0, 12) + '-x';
}

export const BIN = process.env.THIDUA_BIN || path.resolve('build/asan/thidua');
// The test build (build/asan, -DTHIDUA_TEST_HOOKS) hashes passwords with the
// cheapest argon2id when this is set: the suites hash and check thousands of
// passwords, 64 MiB each otherwise. Every process the tests start inherits
// it; the release binary ignores it. THIDUA_TEST_CHEAP_PASSWORDS= (empty) keeps
// the real cost.
if (process.env.THIDUA_TEST_CHEAP_PASSWORDS === undefined) process.env.THIDUA_TEST_CHEAP_PASSWORDS = '1';
else if (process.env.THIDUA_TEST_CHEAP_PASSWORDS === '') delete process.env.THIDUA_TEST_CHEAP_PASSWORDS;
const WRAP = (process.env.THIDUA_WRAP || '').split(' ').filter(Boolean);
export const SLOW = !!process.env.THIDUA_SLOW;

export function thidua(args, opts = {}) {
  // Runs a subcommand; returns { code, stdout, stderr } (stderr whatever the exit code).
  const r = spawnSync(BIN, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], input: opts.input, timeout: 600000, maxBuffer: 1 << 30 });
  if (r.error && r.status === null) return { code: null, stdout: r.stdout || '', stderr: `${r.stderr || ''}${r.error.message}` };
  return { code: r.status, stdout: r.stdout || '', stderr: r.stderr || '' };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

export function tmpdir(prefix = 'thidua-test-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  madeDirs.push(dir);
  return dir;
}

// What a test file made is removed when its process ends, pass or fail: its
// directories (SQLite files, CSV, outboxes) and its PostgreSQL databases. A
// whole run otherwise leaves about 1 GB under /tmp and fills its clusters to
// 0.9 GB each; a CI machine with little disk then fails with "No space left
// on device" (it did, on 2026-11-30). THIDUA_TEST_KEEP=1 keeps them to look at.
const madeDirs = [];
const madePgDbs = [];
process.on('exit', () => {
  if (process.env.THIDUA_TEST_KEEP) return;
  if (madePgDbs.length) {
    try {
      psql(PG, madePgDbs.map((n) => `DROP DATABASE IF EXISTS "${n}" WITH (FORCE);`).join('\n'));
    } catch { /* the cluster is gone already: removed with it */ }
  }
  for (const d of madeDirs) fs.rmSync(d, { recursive: true, force: true });
});

// The database of a test: a SQLite file in the test's directory, or, when
// THIDUA_TEST_PG holds the URI of a PostgreSQL cluster (as printed by
// scripts/pg-test-cluster.sh start: postgresql:///thidua?host=DIR&user=ROLE),
// a new database of that cluster with a name of its own. `db` is what
// `--db` takes either way.
export const PG = process.env.THIDUA_TEST_PG || '';
export const onPg = !!PG;
// a PostgreSQL database has no key file beside it: the servers and commands of
// the suite sign award certificates with this fixed test master key
if (onPg && !process.env.THIDUA_MASTER_KEY) process.env.THIDUA_MASTER_KEY = '6d'.repeat(32);
export const isPgUri = (db) => /^postgres(ql)?:/.test(db);

// The URI of database `name` on the cluster of `uri` (same host and user).
export function pgUri(uri, name) {
  const u = new URL(uri);
  u.pathname = '/' + name;
  return u.toString();
}
// The name of the database of a URI.
export const pgName = (uri) => decodeURIComponent(new URL(uri).pathname.slice(1));

// Runs SQL with psql on the database of `uri`; returns its trimmed stdout, rows
// on lines, columns separated by '|', NULL as '' (as the sqlite3 shell prints them).
export function psql(uri, sql) {
  return execFileSync('psql', ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-d', uri],
    { encoding: 'utf8', input: sql, stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

// A new, empty database on the test cluster, named uniquely; its URI. With
// `template`, a copy of that (unused) database of the cluster. The test
// cluster's own locale is C; a ministry's server has its country's, so a
// new database takes the ICU collation THIDUA_TEST_PG_ICU names ("vi" by
// default; "" for the cluster's), as `createdb` would give it there: a text
// the code compares or sorts must read the same as on SQLite under it.
const ICU = process.env.THIDUA_TEST_PG_ICU ?? 'vi';
let pgDbs = 0;
export function pgCreateDb(label = 'db', template = null) {
  const slug = String(label).toLowerCase().replace(/\.db$/, '').replace(/[^a-z0-9]+/g, '_').slice(0, 24);
  const name = `t${process.pid}_${++pgDbs}_${crypto.randomBytes(3).toString('hex')}_${slug}`;
  madePgDbs.push(name);
  const from = template ? ` TEMPLATE "${pgName(template)}"` : ICU ? ` TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${ICU}' LOCALE 'C.UTF-8'` : '';
  // FILE_COPY: copying the files is faster than logging every page (PostgreSQL 15's default); older servers know neither
  try {
    psql(PG, `CREATE DATABASE "${name}"${from} STRATEGY FILE_COPY`);
  } catch {
    psql(PG, `CREATE DATABASE "${name}"` + (template ? from : ''));
  }
  return pgUri(PG, name);
}

// The directory of a test's files beside its database (password files, CSV):
// the SQLite file's directory, or the one makeDb was given for a PostgreSQL URI.
const pgDirs = new Map();
export function dbDir(db) {
  if (!isPgUri(db)) return path.dirname(db);
  if (!pgDirs.has(db)) pgDirs.set(db, tmpdir());
  return pgDirs.get(db);
}
export function setDbDir(db, dir) { if (isPgUri(db)) pgDirs.set(db, dir); }

// Creates a database: init (admin password read back), optionally the demo.
// sqlite: a SQLite file even when the suite runs on PostgreSQL (a test of
// moving a SQLite database, of a file's backup)
export function makeDb({ demo = false, dir = tmpdir(), sqlite = false } = {}) {
  return copyOfNew(demo, dir, onPg && !sqlite);
}

// Loading the demo takes 3 s under AddressSanitizer on SQLite, 13 s on
// PostgreSQL, and even a bare init 0.3 s on SQLite and 0.5 s on PostgreSQL
// (its migrations; about 75 a run), so the first test file of a run to need
// one makes it once for this build of the binary, this day and this
// database (a SQLite file, or one cluster), and every file then works on its
// own copy: the SQLite file and its key file copied, or CREATE DATABASE ...
// TEMPLATE on the cluster. The copies are alike to the byte, passwords
// included (env.json keeps what init and demo printed). Template files older
// than an hour are removed.
function copyOfNew(demo, dir, pg) {
  const st = fs.statSync(BIN);
  const day = new Date().toISOString().slice(0, 10);
  const kind = demo ? 'demo' : 'init';
  const key = crypto.createHash('sha256').update(`${BIN}\0${st.size}\0${st.mtimeMs}\0${day}\0${pg ? PG : 'sqlite'}`).digest('hex').slice(0, 16);
  const prefix = `thidua-test-${kind}-`;
  const cache = path.join(os.tmpdir(), prefix + key);
  const tpl = `tpl_${kind}_${key}`;
  if (!fs.existsSync(path.join(cache, 'env.json'))) {
    const made = newDb({ demo, dir: tmpdir(), sqlite: !pg });
    const tmp = fs.mkdtempSync(cache + '.tmp-');
    if (pg) {
      try { psql(PG, `CREATE DATABASE "${tpl}" TEMPLATE "${pgName(made.db)}"`); } catch { /* another process made it */ }
      psql(PG, `DROP DATABASE IF EXISTS "${pgName(made.db)}"`);
    } else {
      for (const f of fs.readdirSync(made.dir)) if (f.startsWith('test.db')) fs.copyFileSync(path.join(made.dir, f), path.join(tmp, f));
    }
    fs.writeFileSync(path.join(tmp, 'env.json'), JSON.stringify({ adminPassword: made.adminPassword, demoUsers: made.demoUsers }));
    try { fs.renameSync(tmp, cache); } catch { fs.rmSync(tmp, { recursive: true, force: true }); } // another process was first
    fs.rmSync(made.dir, { recursive: true, force: true });
    for (const f of fs.readdirSync(os.tmpdir())) {
      const p = path.join(os.tmpdir(), f);
      try {
        if (f.startsWith(prefix) && f !== prefix + key && Date.now() - fs.statSync(p).mtimeMs > 3600e3) fs.rmSync(p, { recursive: true, force: true });
      } catch { /* removed by another process meanwhile */ }
    }
  }
  const meta = JSON.parse(fs.readFileSync(path.join(cache, 'env.json'), 'utf8'));
  let db;
  if (pg) {
    db = pgCreateDb(kind === 'demo' ? 'demo' : 'db', pgUri(PG, tpl));
    pgDirs.set(db, dir);
  } else {
    for (const f of fs.readdirSync(cache)) if (f.startsWith('test.db')) fs.copyFileSync(path.join(cache, f), path.join(dir, f));
    db = path.join(dir, 'test.db');
  }
  return { db, dir, ...meta };
}

function newDb({ demo, dir, sqlite }) {
  const pg = onPg && !sqlite;
  const db = pg ? pgCreateDb(demo ? 'demo' : 'db') : path.join(dir, 'test.db');
  if (pg) pgDirs.set(db, dir);
  const init = thidua(['init', '--db', db]);
  if (init.code !== 0) throw new Error('init failed: ' + init.stderr);
  const m = init.stdout.match(/^admin password: (\S+)$/m);
  if (!m) throw new Error('init printed no admin password line');
  const out = { db, dir, adminPassword: m[1], demoUsers: {} };
  if (demo) {
    const d = thidua(['demo', '--db', db]);
    if (d.code !== 0) throw new Error('demo failed: ' + d.stderr);
    for (const line of d.stdout.split('\n')) {
      const u = line.match(/^demo user (\S+)\s+(\S+)\s+on (\S+)\s+password: (\S+)$/);
      if (u) out.demoUsers[u[1]] = { role: u[2], unit: u[3], password: u[4] };
    }
  }
  return out;
}

// Adds a user with one role via the CLI; returns the password.
export function addUser(db, login, role, unitCode, password = testPassword(login)) {
  const dir = dbDir(db);
  const pf = path.join(dir, login + '.pw');
  fs.writeFileSync(pf, password + '\n');
  const r = thidua(['user', 'add', '--db', db, '--login', login, '--role', role, '--unit', unitCode, '--password-file', pf]);
  if (r.code !== 0) throw new Error('user add failed: ' + r.stderr);
  return password;
}

export async function startServer(db, extraArgs = []) {
  const port = await freePort();
  const args = ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--threads', '2', ...extraArgs];
  const cmd = WRAP.length ? WRAP[0] : BIN;
  const cmdArgs = WRAP.length ? [...WRAP.slice(1), BIN, ...args] : args;
  const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  child.stdout.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (SLOW ? 60000 : 15000);
  for (;;) {
    try {
      const r = await fetch(base + '/healthz');
      if (r.ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error('server did not start: ' + stderr); }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base, port, child,
    log: () => stderr,
    // Graceful stop; resolves to { code, signal, log } and throws on sanitizer reports.
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const r = await exited;
      if (/ERROR: AddressSanitizer|runtime error:|LeakSanitizer|ERROR SUMMARY: [1-9]|Invalid (read|write)|definitely lost/.test(stderr))
        throw new Error('sanitizer report from the server:\n' + stderr);
      if (WRAP.length && r.code === 99) throw new Error('valgrind found errors in the server:\n' + stderr);
      return { ...r, log: stderr };
    },
    kill9() { child.kill('SIGKILL'); return exited; },
  };
}

// A tiny client: JSON in and out, bearer token, cookies kept per client.
// Every response to a path of the API document (and to any /api/ path) is
// checked against docs/openapi.yaml (tests/lib/openapi.mjs): a response the
// document does not describe throws, failing the test that made the request.
// `openapi` replaces the document's validator (for the validator's own tests).
export class Client {
  constructor(base, { openapi } = {}) {
    this.base = base; this.token = null; this.cookies = {};
    this.openapi = openapi || documentValidator();
  }
  async req(method, p, { json, form, headers = {}, raw } = {}) {
    const h = { ...headers };
    if (this.token) h['Authorization'] = 'Bearer ' + this.token;
    const ck = Object.entries(this.cookies).map(([k, v]) => `${k}=${v}`).join('; ');
    if (ck) h['Cookie'] = ck;
    let body;
    if (json !== undefined) { h['Content-Type'] = 'application/json'; body = typeof json === 'string' ? json : JSON.stringify(json); }
    if (form !== undefined) { h['Content-Type'] = 'application/x-www-form-urlencoded'; body = new URLSearchParams(form).toString(); }
    if (raw !== undefined) body = raw;
    let r;
    try {
      r = await fetch(this.base + p, { method, headers: h, body, redirect: 'manual' });
    } catch (e) {
      // A kept-alive connection the server closed while this process was
      // blocked (a synchronous command line of 30 s on a loaded machine
      // outlives the server's idle timeout; undici's timer to drop it could
      // not run): a GET is asked again on a new connection, as a browser
      // does. Anything else, and a write, fails as it came.
      const code = e.cause && e.cause.code;
      if (method !== 'GET' || !['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE'].includes(code)) throw e;
      r = await fetch(this.base + p, { method, headers: h, body, redirect: 'manual' });
    }
    for (const c of r.headers.getSetCookie ? r.headers.getSetCookie() : []) {
      const [kv] = c.split(';');
      const i = kv.indexOf('=');
      this.cookies[kv.slice(0, i)] = kv.slice(i + 1);
    }
    const text = await r.text();
    let data = null;
    if ((r.headers.get('content-type') || '').includes('json')) { try { data = JSON.parse(text); } catch { /* keep text */ } }
    assertConforms(this.openapi, { method, path: p, status: r.status, headers: r.headers, text });
    return { status: r.status, headers: r.headers, text, data };
  }
  get(p, o) { return this.req('GET', p, o); }
  post(p, o) { return this.req('POST', p, o); }
  patch(p, o) { return this.req('PATCH', p, o); }
  // Follows a background job (a 202 answer with its Location) to its end;
  // returns the final job: { status: 'done'|'failed', result, errors, ... }.
  async waitJob(r, { timeout = 600000 } = {}) {
    if (r.status !== 202) throw new Error(`expected 202 with a job, got ${r.status} ${r.text}`);
    const loc = r.headers.get('location');
    const deadline = Date.now() + timeout;
    for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
      const j = await this.get(loc);
      if (j.status !== 200) throw new Error(`GET ${loc}: ${j.status} ${j.text}`);
      if (j.data.status === 'done' || j.data.status === 'failed') return j.data;
      if (Date.now() > deadline) throw new Error(`job ${loc} still ${j.data.status}`);
      await new Promise((res) => setTimeout(res, wait));
    }
  }
  async login(login, password) {
    const r = await this.post('/api/v1/login', { json: { login, password } });
    if (r.status !== 200) throw new Error(`login ${login} failed: ${r.status} ${r.text}`);
    this.token = r.data.token;
    return r.data;
  }
}
