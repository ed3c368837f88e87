// Helpers shared by the HTTP tests (the harness itself is tests/lib/server.mjs).
import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import assert from 'node:assert/strict';
import { testPassword, isPgUri, psql, pgCreateDb, dbDir, setDbDir, Client } from '../lib/server.mjs';

// Runs SQL on a test's database, with the sqlite3 shell or, for a PostgreSQL
// URI, with psql; returns the trimmed output: rows on lines, columns
// separated by '|', NULL as ''. Write SQL both accept (CAST(x AS INTEGER)
// for a truth value, string_agg-free aggregates...) or branch on onPg.
export function sql(db, text) {
  if (isPgUri(db)) return psql(db, text);
  return execFileSync('sqlite3', [db, text], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 }).trim();
}

// A copy of a test's database that no server uses, to change on its own:
// the SQLite file (and its WAL) under `name` in the same directory, or a new
// database of the cluster made from it as a template. Returns its --db.
export function copyDb(db, name) {
  if (isPgUri(db)) {
    const copy = pgCreateDb(name, db);
    setDbDir(copy, dbDir(db));
    return copy;
  }
  const dest = path.join(path.dirname(db), name);
  fs.copyFileSync(db, dest);
  for (const ext of ['-wal', '-shm']) if (fs.existsSync(db + ext)) fs.copyFileSync(db + ext, dest + ext);
  return dest;
}

// The same while a server may be using the database: VACUUM INTO a new file,
// or on PostgreSQL (where a template must have no other session) pg_dump
// into a new database.
export function snapshotDb(db, name) {
  if (isPgUri(db)) {
    const copy = pgCreateDb(name);
    setDbDir(copy, dbDir(db));
    execFileSync('sh', ['-c', 'pg_dump --no-owner -d "$1" | psql -X -q -v ON_ERROR_STOP=1 -d "$2" >/dev/null', 'sh', db, copy],
      { stdio: ['ignore', 'ignore', 'pipe'] });
    return copy;
  }
  const dest = path.join(path.dirname(db), name);
  sql(db, `VACUUM INTO '${dest}'`);
  return dest;
}

// Another process takes the database's write lock and keeps it until the
// returned function is called (and resolves): the sqlite3 shell in BEGIN
// IMMEDIATE, or psql holding the writers' advisory lock (src/base/db_pg.c).
export async function holdWriteLock(db) {
  const holder = isPgUri(db)
    ? spawn('psql', ['-X', '-A', '-t', '-q', '-d', db], { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn('sqlite3', [db], { stdio: ['pipe', 'pipe', 'pipe'] });
  holder.stdin.write(isPgUri(db) ? "BEGIN;\nSELECT pg_advisory_xact_lock(127991793612129);\nSELECT 'held';\n"
    : "BEGIN IMMEDIATE;\nINSERT INTO login_failures (key, at) VALUES ('held', 0);\nSELECT 'held';\n");
  await new Promise((res) => holder.stdout.on('data', (d) => { if (String(d).includes('held')) res(); }));
  return async () => {
    holder.stdin.end('ROLLBACK;\n');
    await new Promise((res) => holder.on('exit', res));
  };
}

// Who holds or waits for the writers' lock of a PostgreSQL database (for the
// message of a failed assertion); '' on SQLite, whose lock is not visible.
export function writeLockHolders(db) {
  if (!isPgUri(db)) return '';
  return 'writers\' lock (pid|granted|state|since|query):\n' + psql(db, "SELECT a.pid, l.granted, a.state, a.state_change, left(a.query, 80) " +
    "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.database = " +
    '(SELECT oid FROM pg_database WHERE datname = current_database())');
}

// Sends raw bytes over TCP and collects everything until the server closes
// the connection or `ms` pass. Resolves { text, closed, error }.
export function rawHttp(port, data, ms = 3000) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let text = '';
    let done = false;
    const finish = (closed, error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ text, closed, error });
    };
    const timer = setTimeout(() => finish(false, null), ms);
    s.on('data', (d) => { text += d.toString('latin1'); });
    s.on('error', (e) => finish(true, e.code || String(e)));
    s.on('close', () => finish(true, null));
    s.on('connect', () => s.write(data));
  });
}

// The value of the first hidden _csrf input of a page.
export function csrfOf(html) {
  const m = html.match(/<input type="hidden" name="_csrf" value="([0-9a-f]+)">/);
  assert.ok(m, 'the page has a hidden _csrf input');
  return m[1];
}

// A browser's session: the login form posted with the page's CSRF token,
// then pages and their forms as that user (lang: the language cookie).
// an API client logged in as a user: by default with the password addUser
// gave it (testPassword); the demo's users pass env.demoUsers[login].password
export async function loginAs(base, login, password = testPassword(login)) {
  const c = new Client(base);
  await c.login(login, password);
  return c;
}

// a page form sent as a browser sends it: the page read first for its CSRF token
export async function postForm(c, pagePath, action, fields) {
  const page = await c.get(pagePath);
  assert.equal(page.status, 200);
  return c.post(action, { form: { _csrf: csrfOf(page.text), ...fields } });
}

export async function formLogin(base, login, password, lang) {
  const c = new Client(base);
  if (lang) c.cookies.lang = lang;
  const page = await c.get('/login');
  const r = await c.post('/login', { form: { _csrf: csrfOf(page.text), login, password, next: '/' } });
  assert.equal(r.status, 303, r.text);
  return c;
}

// All Set-Cookie lines of a response.
export function setCookies(res) {
  return res.headers.getSetCookie ? res.headers.getSetCookie() : [];
}

export async function mkUnit(c, code, name, kind, parentId = 1) {
  const r = await c.post('/api/v1/units', { json: { code, name, kind, parent_id: parentId } });
  assert.equal(r.status, 201, `create unit ${code}: ${r.text}`);
  return r.data;
}

export async function mkPerson(c, fields) {
  const r = await c.post('/api/v1/people', { json: fields });
  assert.equal(r.status, 201, `create person ${fields.full_name}: ${r.text}`);
  return r.data;
}

// A message's translation from locale/LANG.po (msgid itself when untranslated
// or absent), read from the source catalog the binary embeds.
export function poTranslation(lang, msgid) {
  const file = path.resolve('locale', lang + '.po');
  if (!fs.existsSync(file)) return null;
  const text = fs.readFileSync(file, 'utf8');
  const esc = msgid.replace(/[\\"]/g, (c) => '\\' + c).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = text.match(new RegExp('^msgid "' + esc + '"\\nmsgstr "((?:[^"\\\\]|\\\\.)*)"$', 'm'));
  if (!m || !m[1]) return null;
  return m[1].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
}

// the text of an HTML attribute or element as the server escaped it (buf_html)
export const unescape = (s) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Runs a subcommand without blocking the event loop (the server and other
// clients keep going meanwhile); resolves { code, stdout, stderr }.
export function thiduaAsync(bin, args) {
  return new Promise((resolve) => {
    execFile(bin, args, { encoding: 'utf8', timeout: 120000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

// Like addUser of the harness, without blocking: several can hash their
// passwords in parallel. Resolves to the password.
export async function addUserAsync(bin, db, login, role, unitCode, password = testPassword(login)) {
  const pf = path.join(dbDir(db), login + '.pw');
  fs.writeFileSync(pf, password + '\n');
  const r = await thiduaAsync(bin, ['user', 'add', '--db', db, '--login', login, '--role', role, '--unit', unitCode, '--password-file', pf]);
  if (r.code !== 0) throw new Error('user add failed: ' + r.stderr);
  return password;
}
