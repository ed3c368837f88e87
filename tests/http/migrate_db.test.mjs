// `thidua migrate-db --from PATH --to postgresql://…` moves a province from
// SQLite to PostgreSQL: a demo database with a few records added through the
// API (a file, a person with diacritics, an export job, sessions, tokens, a
// failed login) is copied into a throw-away cluster (scripts/pg-test-cluster.sh)
// with its whole history — the same audit chain, the same rows, the same
// answers from a server on the copy — and a target that is not empty, a
// source that is not a thidua database of this schema version, or a target
// that cannot be reached are refused with exit 2 and nothing written.
// Skipped when PostgreSQL's initdb is not installed.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, makeDb, startServer, Client, thidua, onPg } from '../lib/server.mjs';
import { csrfOf, sql } from './_util.mjs';

// the PostgreSQL programs, as scripts/pg-test-cluster.sh finds them
function pgBin() {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')));
  versions.sort((a, b) => Number(a) - Number(b));
  return versions.length ? path.join(root, versions.at(-1), 'bin') : null;
}
const BINDIR = pgBin();
const HAVE_DEMO = fs.existsSync(path.resolve('data/demo/units.csv'));
// The source is a SQLite file and the target a cluster of this file's own,
// whatever the suite's database: the HTTP suite on SQLite runs it, and the
// run on PostgreSQL (THIDUA_TEST_PG) would only repeat it.
const skip = !BINDIR ? 'PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): make deps-test'
  : !HAVE_DEMO ? 'data/demo/units.csv does not exist'
  : onPg ? 'SQLite to a cluster of its own whatever THIDUA_TEST_PG says: the HTTP suite on SQLite runs it' : false;

const CLUSTER = path.resolve('scripts/pg-test-cluster.sh');
let cluster = null;     // the URI of the throw-away cluster's database "thidua": the main target
const dbUri = (name) => cluster.replace(/^postgresql:\/\/\/thidua\?/, `postgresql:///${name}?`);
const psql = (uri, sql) =>
  execFileSync(path.join(BINDIR, 'psql'), ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', uri, '-c', sql],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 }).trim();
let created = 0;
function freshDb() { // a new, empty database in the cluster
  const name = `target${++created}`;
  psql(cluster, `CREATE DATABASE ${name}`);
  return dbUri(name);
}
// migrate-db with its standard error (the harness's thidua() keeps it only on failure)
function migrateDb(from, to) {
  const r = spawnSync(BIN, ['migrate-db', '--from', from, '--to', to], { encoding: 'utf8', timeout: 600000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

let env;                // the SQLite source (makeDb: demo data)
const src = {};         // what the source answered before the copy
const dst = {};         // what the target looked like right after the copy
let srv;                // a server on the target
let migration;          // the migrate-db run: { code, stdout, stderr }
let tables;             // the source's tables

async function bytes(base, token, p) {
  const r = await fetch(base + p, { headers: { Authorization: 'Bearer ' + token } });
  assert.equal(r.status, 200, p);
  return Buffer.from(await r.arrayBuffer());
}

// a browser's login (a session row), through the form
async function browserLogin(base, login, password) {
  const c = new Client(base);
  const page = await c.get('/login');
  const r = await c.post('/login', { form: { _csrf: csrfOf(page.text), login, password, next: '/' } });
  assert.equal(r.status, 303, r.text);
  return c;
}

const counts = (list, count) => Object.fromEntries(list.map((t) => [t, Number(count(t))]));
const pgCounts = (uri) => counts(tables, (t) => psql(uri, `SELECT count(*) FROM "${t}"`));

describe('migrate-db', { skip }, () => {
  before(async () => {
    cluster = execFileSync(CLUSTER, ['start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    env = makeDb({ demo: true, sqlite: true });
    const s = await startServer(env.db);
    try {
      const admin = new Client(s.base);
      await admin.login('admin', env.adminPassword);
      const officer = new Client(s.base);
      const so = env.demoUsers['sonla.officer'];
      await officer.login('sonla.officer', so.password);
      src.officerToken = officer.token;
      // a person with Vietnamese diacritics in a unit of the officer
      const sonla = (await officer.get('/api/v1/units?q=T-SONLA&active=all')).data.items.find((u) => u.code === 'T-SONLA');
      const p = await officer.post('/api/v1/people', {
        json: { code: 'MDB-001', full_name: 'Nguyễn Thị Ánh Tuyết', gender: 'F', birth_year: 1987, unit_id: sonla.id, position: 'Chuyên viên “Thi đua” – Khen thưởng' },
      });
      assert.equal(p.status, 201, p.text);
      src.personId = p.data.id;
      src.person = (await officer.get(`/api/v1/people/${p.data.id}`)).data;
      src.search = (await officer.get('/api/v1/people?q=' + encodeURIComponent('anh tuyet'))).data;
      src.under = sonla.id;
      src.units = (await officer.get('/api/v1/units?limit=500&under=' + sonla.id)).data;
      assert.ok(src.units.items.length > 10, JSON.stringify(src.units).slice(0, 200));
      // a document attached to the demo's open movement, bytes of every value
      const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n% migrate-db '), Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
        Buffer.from('\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')]);
      const fd = new FormData();
      fd.append('file', new Blob([pdf], { type: 'application/pdf' }), 'Biên bản họp.pdf');
      const up = await admin.req('POST', '/api/v1/movements/DVK2026/files', { raw: fd });
      assert.equal(up.status, 201, up.text);
      src.fileSha = sha256(pdf);
      src.fileId = Number(sql(env.db, 'SELECT max(id) FROM files'));
      // an export job with its output (a blob in job_outputs)
      const job = await admin.waitJob(await admin.post('/api/v1/movements/DVK2024/exports', { json: { what: 'models', format: 'csv' } }));
      assert.equal(job.status, 'done', JSON.stringify(job));
      src.jobFile = job.file;
      src.jobSha = sha256(await bytes(s.base, admin.token, job.file));
      // a browser session and a failed login: rows that are not copied
      src.browserCookies = { ...(await browserLogin(s.base, 'admin', env.adminPassword)).cookies };
      const me = new Client(s.base);
      me.cookies = { ...src.browserCookies };
      assert.equal((await me.get('/api/v1/me')).status, 200);
      const bad = await new Client(s.base).post('/api/v1/login', { json: { login: 'admin', password: 'not-the-password' } });
      assert.equal(bad.status, 401);
    } finally {
      await s.stop(); // the server is stopped before the copy, as the documentation says
    }
    tables = sql(env.db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").split('\n');
    src.counts = counts(tables, (t) => sql(env.db, `SELECT count(*) FROM "${t}"`));
    src.audit = thidua(['audit', 'verify', '--db', env.db]);

    migration = migrateDb(env.db, cluster);
    dst.counts = pgCounts(cluster);
    dst.audit = thidua(['audit', 'verify', '--db', cluster]);
    srv = await startServer(cluster);
  });

  after(async () => {
    try {
      if (srv) await srv.stop();
    } finally {
      if (cluster) execFileSync(CLUSTER, ['stop', cluster], { stdio: 'ignore' });
    }
  });

  test('migrate-db copies the demo database and reports each table on stderr', () => {
    assert.equal(migration.code, 0, migration.stderr);
    assert.match(migration.stdout, /^migrated .*test\.db to postgresql:\/\/\/thidua\?host=.*: \d+ rows in \d+ tables in [\d.]+ s \(\d+ rows\/s; copy [\d.]+ s, keys and indexes [\d.]+ s\)\n$/);
    assert.match(migration.stderr, new RegExp(`^  people +${src.counts.people} rows +[\\d.]+ s$`, 'm'));
    assert.match(migration.stderr, new RegExp(`^  audit_log +${src.counts.audit_log} rows +[\\d.]+ s$`, 'm'));
    assert.match(migration.stderr, new RegExp(`^  login_failures +${src.counts.login_failures} rows +not copied: the login throttle starts afresh$`, 'm'));
    assert.match(migration.stderr, new RegExp(`^  sessions +${src.counts.sessions} rows +not copied: everyone logs in again$`, 'm'));
  });

  test('audit verify on the target: the same chain, the same row count as on the source, exit 0', () => {
    assert.equal(src.audit.code, 0, src.audit.stdout);
    assert.match(src.audit.stdout, /^audit log intact: \d+ rows\n$/);
    assert.equal(dst.audit.code, 0, dst.audit.stdout + dst.audit.stderr);
    assert.equal(dst.audit.stdout, src.audit.stdout);
    assert.equal(dst.audit.stdout, `audit log intact: ${src.counts.audit_log} rows\n`);
  });

  test('every table has as many rows on the target as on the source; sessions and login failures are not copied', () => {
    assert.ok(src.counts.sessions > 0 && src.counts.login_failures > 0, JSON.stringify(src.counts));
    assert.ok(src.counts.files > 0 && src.counts.attachments > 0 && src.counts.job_outputs > 0 && src.counts.api_tokens > 0);
    const want = { ...src.counts, sessions: 0, login_failures: 0 };
    assert.deepEqual(dst.counts, want);
  });

  test('values keep their representation: texts, password hashes, blobs, reals, NULLs', () => {
    const same = (sqlSrc, sqlDst) => assert.equal(psql(cluster, sqlDst), sql(env.db, sqlSrc), sqlDst);
    same('SELECT group_concat(hash, \',\') FROM (SELECT hash FROM audit_log ORDER BY id)', 'SELECT string_agg(hash, \',\' ORDER BY id) FROM audit_log');
    same('SELECT group_concat(login || \':\' || password_hash, \',\') FROM (SELECT * FROM users ORDER BY id)',
      'SELECT string_agg(login || \':\' || password_hash, \',\' ORDER BY id) FROM users');
    same("SELECT full_name || '|' || search || '|' || lower(hex(sort_key)) FROM people WHERE code = 'MDB-001'",
      "SELECT full_name || '|' || search || '|' || encode(sort_key, 'hex') FROM people WHERE code = 'MDB-001'");
    same('SELECT count(*) FROM people WHERE birth_year IS NULL', 'SELECT count(*) FROM people WHERE birth_year IS NULL');
    same('SELECT group_concat(lower(hex(data)), \',\') FROM (SELECT data FROM files ORDER BY id)', "SELECT string_agg(encode(data, 'hex'), ',' ORDER BY id) FROM files");
    same("SELECT count(*) FROM units WHERE sort_key = x''", "SELECT count(*) FROM units WHERE sort_key = ''::bytea");
    // reals: the same 64 bits (big-endian IEEE 754 on both sides)
    for (const [t, k] of [['model_values', 'model_id'], ['model_results', 'report_id'], ['registration_commitments', 'registration_id']]) {
      same(`SELECT count(*) || ':' || group_concat(b, ',') FROM (SELECT lower(hex(ieee754_to_blob(value))) b FROM ${t} ORDER BY ${k}, metric_id)`,
        `SELECT count(*) || ':' || string_agg(encode(float8send(value), 'hex'), ',' ORDER BY ${k}, metric_id) FROM ${t}`);
    }
    assert.ok(src.counts.model_values > 0 && src.counts.model_results > 0);
  });

  test('a server on the target: a demo user logs in with the old password and sees the same units and person', async () => {
    const officer = new Client(srv.base);
    await officer.login('sonla.officer', env.demoUsers['sonla.officer'].password);
    assert.deepEqual((await officer.get('/api/v1/units?limit=500&under=' + src.under)).data, src.units);
    assert.deepEqual((await officer.get(`/api/v1/people/${src.personId}`)).data, src.person);
    assert.equal(src.person.full_name, 'Nguyễn Thị Ánh Tuyết');
    // the word index came along: the search by words without diacritics finds her
    assert.deepEqual((await officer.get('/api/v1/people?q=' + encodeURIComponent('anh tuyet'))).data, src.search);
    assert.ok(src.search.items.some((p) => p.id === src.personId));
  });

  test('API tokens still work on the target; a browser session does not (sessions are not copied)', async () => {
    const c = new Client(srv.base);
    c.token = src.officerToken;
    const me = await c.get('/api/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.data.login, 'sonla.officer');
    const browser = new Client(srv.base);
    browser.cookies = { ...src.browserCookies };
    assert.equal((await browser.get('/api/v1/me')).status, 401);
  });

  test('the uploaded file and the export job\'s output download with the same bytes', async () => {
    const admin = new Client(srv.base);
    await admin.login('admin', env.adminPassword);
    assert.equal(sha256(await bytes(srv.base, admin.token, `/api/v1/files/${src.fileId}`)), src.fileSha);
    assert.equal(sha256(await bytes(srv.base, admin.token, src.jobFile)), src.jobSha);
  });

  test('a new write on the target works (the sequences continue after the copied ids) and the chain still verifies', async () => {
    const admin = new Client(srv.base);
    await admin.login('admin', env.adminPassword);
    const maxUnit = Number(psql(cluster, 'SELECT max(id) FROM units'));
    const maxPerson = Number(psql(cluster, 'SELECT max(id) FROM people'));
    const rows = Number(psql(cluster, 'SELECT count(*) FROM audit_log'));
    const u = await admin.post('/api/v1/units', { json: { code: 'MDB-NEW', name: 'Đơn vị sau chuyển đổi', kind: 'agency', parent_id: 1 } });
    assert.equal(u.status, 201, u.text);
    assert.equal(u.data.id, maxUnit + 1);
    const p = await admin.post('/api/v1/people', { json: { code: 'MDB-002', full_name: 'Trần Văn Đức', gender: 'M', unit_id: u.data.id } });
    assert.equal(p.status, 201, p.text);
    assert.equal(p.data.id, maxPerson + 1);
    const v = thidua(['audit', 'verify', '--db', cluster]);
    assert.equal(v.code, 0, v.stdout);
    assert.equal(v.stdout, `audit log intact: ${rows + 2} rows\n`);
  });

  test('a second migrate-db into the now non-empty target is refused with exit 2 and the reason, and changes nothing', () => {
    const before = pgCounts(cluster);
    const r = migrateDb(env.db, cluster);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^migrate-db: refused: the target holds data already \(rows in [a-z_, ]+( and \d+ more tables)?\): migrate-db fills a new, empty database; nothing was written\n$/);
    assert.deepEqual(pgCounts(cluster), before);
  });

  test('a source that is not a thidua database is refused, and nothing is written to the target', () => {
    const target = freshDb();
    const text = path.join(env.dir, 'notes.txt');
    fs.writeFileSync(text, 'not a database\n');
    let r = migrateDb(text, target);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `migrate-db: refused: ${text} is not a SQLite database, so not a thidua database; nothing was written\n`);
    const other = path.join(env.dir, 'other.db');
    sql(other, 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES (\'x\')');
    r = migrateDb(other, target);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `migrate-db: refused: ${other} is a SQLite database but not a thidua one (no thidua schema_migrations); nothing was written\n`);
    assert.equal(sql(other, 'PRAGMA journal_mode'), 'delete', 'the source is only read');
    r = migrateDb(path.join(env.dir, 'missing.db'), target);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^migrate-db: refused: no file at .*missing\.db \(No such file or directory\); nothing was written\n$/);
    assert.equal(psql(target, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), '0');
  });

  test('a source of another schema version is refused with what to do', () => {
    const target = freshDb();
    const latest = Number(sql(env.db, 'SELECT max(version) FROM schema_migrations'));
    const older = path.join(env.dir, 'older.db');
    fs.copyFileSync(env.db, older);
    sql(older, `DELETE FROM schema_migrations WHERE version = ${latest}`);
    // the version before (migration numbers are assigned ahead: one may be missing in a branch)
    const previous = Number(sql(older, 'SELECT max(version) FROM schema_migrations'));
    let r = migrateDb(older, target);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `migrate-db: refused: ${older} has schema version ${previous}, older than this thidua's ${latest}: open it once with this thidua `
      + `(thidua audit verify --db ${older} migrates it), then run migrate-db again; nothing was written\n`);
    const newer = path.join(env.dir, 'newer.db');
    fs.copyFileSync(env.db, newer);
    sql(newer, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${latest + 1}, 'future.sql', '2030-01-01T00:00:00Z')`);
    r = migrateDb(newer, target);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `migrate-db: refused: ${newer} has schema version ${latest + 1}, written by a newer thidua; this one knows up to ${latest}: `
      + 'run migrate-db with the newer thidua; nothing was written\n');
    assert.equal(psql(target, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), '0');
  });

  test('a target that cannot be reached, or that holds another program\'s tables, is refused', () => {
    let r = migrateDb(env.db, 'postgresql:///thidua?host=/nonexistent-thidua-socket-dir');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\nmigrate-db: refused: the target database cannot be reached; nothing was written\n$/);
    const target = freshDb();
    psql(target, 'CREATE SCHEMA accounting; CREATE TABLE accounting.ledger (id int)');
    r = migrateDb(env.db, target);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'migrate-db: refused: the target holds accounting.ledger, which is not a thidua table: migrate-db fills a new, '
      + 'empty database (createdb -O OWNER NAME); nothing was written\n');
    assert.equal(psql(target, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), '0');
    r = migrateDb(env.db, env.db);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^migrate-db: refused: --to must be a PostgreSQL database/);
  });

  test('a target that holds only thidua\'s empty schema (a server was started on it) is empty enough', () => {
    const target = freshDb();
    const v = thidua(['audit', 'verify', '--db', target]); // opens it: the migrations make the schema
    assert.equal(v.stdout, 'audit log intact: 0 rows\n');
    const r = migrateDb(env.db, target);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(thidua(['audit', 'verify', '--db', target]).stdout, src.audit.stdout);
    assert.equal(psql(target, 'SELECT count(*) FROM unit_kinds'), String(src.counts.unit_kinds));
  });
});
