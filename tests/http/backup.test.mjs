// `thidua backup` copies the database consistently while the server runs and
// writes: the copy passes SQLite's integrity check and the audit chain check.
// On PostgreSQL it refuses and names pg_dump: the tests of the copy are
// about SQLite's file and are skipped there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, makeDb, startServer, Client, thidua, onPg } from '../lib/server.mjs';
import { mkUnit, sql, thiduaAsync } from './_util.mjs';

let env, srv, c, parent;
let dest, backup;
const acked = [];
let ackedBefore = 0, ackedAfter = 0;

const FILE = onPg && 'thidua backup copies a SQLite file; PostgreSQL is backed up with pg_dump';

before(async () => {
  env = makeDb();
  dest = path.join(env.dir, 'backup.db');
  if (onPg) return;
  srv = await startServer(env.db);
  c = new Client(srv.base);
  await c.login('admin', env.adminPassword);
  parent = await mkUnit(c, 'BK', 'Đơn vị sao lưu', 'agency');

  // a writer creating units (and one person each) as fast as it can while the backup runs
  let run = true;
  const writer = (async () => {
    for (let i = 0; run; i++) {
      const code = 'BK-' + i;
      const r = await c.post('/api/v1/units', { json: { code, name: 'Đơn vị ' + i, kind: 'subunit', parent_id: parent.id } });
      assert.equal(r.status, 201, r.text);
      const p = await c.post('/api/v1/people', { json: { code: 'CC-BK-' + i, full_name: 'Người số ' + i, gender: 'M', unit_id: r.data.id } });
      assert.equal(p.status, 201, p.text);
      acked.push(code);
    }
  })();
  while (acked.length < 5) await new Promise((r) => setTimeout(r, 10));
  ackedBefore = acked.length;
  backup = await thiduaAsync(BIN, ['backup', dest, '--db', env.db]);
  ackedAfter = acked.length;
  // keep writing a little after the copy, then stop
  await new Promise((r) => setTimeout(r, 100));
  run = false;
  await writer;
});

after(async () => {
  if (srv) await srv.stop();
});

test('thidua backup succeeds while the server is writing', { skip: FILE }, () => {
  assert.equal(backup.code, 0, backup.stderr);
  assert.equal(backup.stdout, `backup written to ${dest}\n`);
  assert.ok(acked.length > ackedAfter, 'the server kept writing after the backup');
});

test('the copy opens with sqlite3 and PRAGMA integrity_check says ok', { skip: FILE }, () => {
  assert.ok(fs.existsSync(dest));
  assert.equal(sql(dest, 'PRAGMA integrity_check'), 'ok');
  assert.equal(sql(dest, 'PRAGMA journal_mode'), 'delete');
  assert.ok(!fs.existsSync(dest + '-wal'), 'the copy is one file');
});

test('the copy is one consistent moment: every unit acknowledged before the backup, none made after it', { skip: FILE }, () => {
  const units = sql(dest, "SELECT code FROM units WHERE code LIKE 'BK-%'").split('\n').filter(Boolean);
  const have = new Set(units);
  for (const code of acked.slice(0, ackedBefore)) assert.ok(have.has(code), `${code} was acknowledged before the backup started`);
  assert.ok(units.length <= ackedAfter + 1, `${units.length} units in the copy, ${ackedAfter} acknowledged when it ended`);
  // a unit and its person are written in separate transactions; every person's unit is there
  assert.equal(sql(dest, 'SELECT count(*) FROM people p LEFT JOIN units u ON u.id = p.unit_id WHERE u.id IS NULL'), '0');
  assert.equal(sql(dest, 'PRAGMA foreign_key_check'), '');
});

test('thidua audit verify passes on the copy', { skip: FILE }, () => {
  // on a file copy of the backup: opening it with thidua turns it to WAL mode,
  // which the test of the copy's journal mode must not see (in any order)
  const copy = path.join(env.dir, 'backup-verify.db');
  fs.copyFileSync(dest, copy);
  const r = thidua(['audit', 'verify', '--db', copy]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const rows = Number(sql(copy, 'SELECT count(*) FROM audit_log'));
  assert.equal(r.stdout, `audit log intact: ${rows} rows\n`);
  // one row per unit and per person written before the copy, plus init and the parent unit
  const units = Number(sql(copy, "SELECT count(*) FROM units WHERE code LIKE 'BK-%'"));
  const people = Number(sql(copy, "SELECT count(*) FROM people"));
  assert.equal(rows, 3 + units + people);
});

test('backup refuses to overwrite an existing file', () => {
  if (onPg) fs.writeFileSync(dest, '');
  const r = thidua(['backup', dest, '--db', env.db]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `${dest} exists already; choose a new file\n`);
});

test('on PostgreSQL backup refuses and names pg_dump', { skip: !onPg && 'PostgreSQL only' }, () => {
  const other = path.join(env.dir, 'backup-pg.db');
  const r = thidua(['backup', other, '--db', env.db]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /pg_dump/);
  assert.ok(!fs.existsSync(other), 'no file written');
});
