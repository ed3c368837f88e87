// The audit log: every change through the API leaves a row with before and
// after, the rows form a hash chain, and `thidua audit verify` names every
// row that was changed, deleted or added behind thidua's back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client, thidua } from '../lib/server.mjs';
import { copyDb, mkUnit, mkPerson, sql } from './_util.mjs';

let env, srv;
const ids = {};

// what the changes below must leave in the log, in order
const EXPECTED = [
  [1, 'create', 'unit', 'cli'],     // thidua init: the root VN
  [2, 'create', 'user', 'cli'],     // thidua init: admin
  [3, 'create', 'unit', 'admin'],   // T-TTH
  [4, 'create', 'unit', 'admin'],   // TTH-SNV
  [5, 'update', 'unit', 'admin'],   // TTH-SNV renamed
  [6, 'create', 'person', 'admin'],
  [7, 'update', 'person', 'admin'],
  [8, 'create', 'unit', 'admin'],   // TP-DANANG
  [9, 'move', 'unit', 'admin'],     // TTH-SNV under TP-DANANG
  [10, 'deactivate', 'unit', 'admin'], // TTH-SNV
];
const N = EXPECTED.length;

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  const c = new Client(srv.base);
  await c.login('admin', env.adminPassword);
  ids.tth = (await mkUnit(c, 'T-TTH', 'Tỉnh Thừa Thiên Huế', 'province')).id;
  ids.snv = (await mkUnit(c, 'TTH-SNV', 'Sở Nội vụ', 'department', ids.tth)).id;
  const r = await c.patch('/api/v1/units/' + ids.snv, { json: { name: 'Sở Nội vụ tỉnh Thừa Thiên Huế', version: 1 } });
  assert.equal(r.status, 200);
  ids.person = (await mkPerson(c, { code: 'CC-1', full_name: 'Nguyễn Thị Lan', gender: 'F', unit_id: ids.snv })).id;
  assert.equal((await c.patch('/api/v1/people/' + ids.person, { json: { position: 'Chuyên viên', version: 1 } })).status, 200);
  ids.dn = (await mkUnit(c, 'TP-DANANG', 'Thành phố Đà Nẵng', 'city')).id;
  assert.equal((await c.patch('/api/v1/units/' + ids.snv, { json: { parent_id: ids.dn, version: 2 } })).status, 200);
  // a refused change leaves no row
  assert.equal((await c.patch('/api/v1/units/' + ids.snv, { json: { name: 'Cũ', version: 1 } })).status, 409);
  assert.equal((await c.patch('/api/v1/units/' + ids.snv, { json: { active: false, version: 3 } })).status, 200);
  // the checks below work on the file: stop the server first
  await srv.stop();
  srv = null;
});

after(async () => {
  if (srv) await srv.stop();
});

// A copy of the database to tamper with.
const copy = (name) => copyDb(env.db, name);

test('every change made through the API is one audit row, in order, with who did it', () => {
  const rows = sql(env.db, "SELECT id || '|' || action || '|' || entity || '|' || login FROM audit_log ORDER BY id").split('\n');
  assert.equal(rows.length, N);
  rows.forEach((row, i) => {
    const [id, action, entity, login] = row.split('|');
    assert.deepEqual([Number(id), action, entity], EXPECTED[i].slice(0, 3), row);
    if (EXPECTED[i][3] === 'admin') assert.equal(login, 'admin', row);
    else assert.match(login, /^cli:/, row);
  });
  assert.equal(sql(env.db, "SELECT entity_id FROM audit_log WHERE id = 5"), String(ids.snv));
  assert.equal(sql(env.db, "SELECT user_id FROM audit_log WHERE id = 5"), '1');
});

test('the audit row of a unit update has the before and after JSON', () => {
  const before = JSON.parse(sql(env.db, 'SELECT before FROM audit_log WHERE id = 5'));
  const after = JSON.parse(sql(env.db, 'SELECT after FROM audit_log WHERE id = 5'));
  const path = `/1/${ids.tth}/${ids.snv}/`;
  assert.deepEqual(before, { code: 'TTH-SNV', name: 'Sở Nội vụ', kind: 'department', parent_code: 'T-TTH', path, active: true, version: 1 });
  assert.deepEqual(after, { code: 'TTH-SNV', name: 'Sở Nội vụ tỉnh Thừa Thiên Huế', kind: 'department', parent_code: 'T-TTH', path, active: true, version: 2 });
  const move = JSON.parse(sql(env.db, 'SELECT after FROM audit_log WHERE id = 9'));
  assert.equal(move.parent_code, 'TP-DANANG');
  assert.equal(move.path, `/1/${ids.dn}/${ids.snv}/`);
  assert.equal(sql(env.db, "SELECT coalesce(before, 'NULL') FROM audit_log WHERE id = 4"), 'NULL');
  const person = JSON.parse(sql(env.db, 'SELECT after FROM audit_log WHERE id = 7'));
  assert.equal(person.position, 'Chuyên viên');
  assert.equal(person.version, 2);
});

test('thidua audit verify exits 0 on an untouched log: "audit log intact: N rows"', () => {
  const r = thidua(['audit', 'verify', '--db', env.db]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, `audit log intact: ${N} rows\n`);
});

test('a row changed with the sqlite3 shell is named: exit 1, "audit row 3" ... "changed"', () => {
  const db = copy('changed.db');
  sql(db, "UPDATE audit_log SET after = '{}' WHERE id = 3");
  const r = thidua(['audit', 'verify', '--db', db]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^audit row 3: .*changed/m);
  assert.equal(r.stdout, `audit row 3: content was changed after it was written\naudit log: 1 problem in ${N} rows\n`);
});

test('a changed row whose hash was recomputed still breaks the chain at the next row', () => {
  const db = copy('rehashed.db');
  // the forger rewrites row 3 and sets a made-up hash; row 4 still points at the old one
  sql(db, "UPDATE audit_log SET after = '{}', hash = '" + 'f'.repeat(64) + "' WHERE id = 3");
  const r = thidua(['audit', 'verify', '--db', db]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^audit row 3: content was changed after it was written$/m);
  assert.match(r.stdout, /^audit row 4: does not follow row 3 \(chain broken\)$/m);
});

test('a deleted middle row is named', () => {
  const db = copy('middle.db');
  sql(db, 'DELETE FROM audit_log WHERE id = 5');
  const r = thidua(['audit', 'verify', '--db', db]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, `audit row 6: rows 5 to 5 are missing (deleted)\naudit log: 1 problem in ${N - 1} rows\n`);
});

test('a deleted last row is reported too', () => {
  const db = copy('last.db');
  sql(db, `DELETE FROM audit_log WHERE id = ${N}`);
  const r = thidua(['audit', 'verify', '--db', db]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, `audit rows ${N} to ${N} are missing (deleted from the end)\naudit log: 1 problem in ${N - 1} rows\n`);
});

test('a row added behind thidua\'s back is reported', () => {
  const db = copy('added.db');
  const prev = sql(db, `SELECT hash FROM audit_log WHERE id = ${N}`);
  sql(db, `INSERT INTO audit_log (id, at, user_id, login, action, entity, entity_id, prev_hash, hash)
              VALUES (${N + 1}, '2026-01-01T00:00:00Z', 1, 'admin', 'delete', 'unit', 2, '${prev}', '${'0'.repeat(64)}')`);
  const r = thidua(['audit', 'verify', '--db', db]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, new RegExp(`^audit row ${N + 1}: content was changed after it was written$`, 'm'));
  assert.match(r.stdout, new RegExp(`^audit log ends at row ${N + 1} but its head says row ${N} `, 'm'));
});
