// The memo of catalogues (src/web/cache.c, memo_get): the unit kinds, the
// award choices and the count of roots are kept per worker for the change
// stamp the request read, so a page reads them without a round trip while
// the database is unchanged — and sees a change made anywhere (here by
// another connection, as another server or psql would) at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { sql, mkUnit } from './_util.mjs';

let env, srv, admin, prov;

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  prov = await mkUnit(admin, 'MM-A', 'Tỉnh Ghi Nhớ', 'province');
});

after(async () => {
  if (srv) await srv.stop();
});

// every worker answers: ask often enough that each has the catalogue kept
async function repeat(p, n = 6) {
  let last;
  for (let i = 0; i < n; i++) {
    last = await admin.get(p);
    assert.equal(last.status, 200, last.text);
  }
  return last;
}

test('a unit kind added or deactivated in the database is offered, or not, at once', async () => {
  const before = await repeat('/units/new');
  assert.doesNotMatch(before.text, /value="memo_kind"/);
  sql(env.db, "INSERT INTO unit_kinds (code, level, name_vi, name_en, name_hi, active) VALUES ('memo_kind', 9, 'Loại Ghi Nhớ', 'Memo kind', 'स्मृति', 1)");
  for (let i = 0; i < 6; i++) {
    const r = await admin.get('/units/new');
    assert.match(r.text, /<option value="memo_kind"[^>]*>Loại Ghi Nhớ<\/option>/);
  }
  await repeat(`/units/${prov.id}`);
  sql(env.db, "UPDATE unit_kinds SET active = 0 WHERE code = 'memo_kind'");
  for (let i = 0; i < 6; i++) {
    assert.doesNotMatch((await admin.get('/units/new')).text, /value="memo_kind"/);
    assert.doesNotMatch((await admin.get(`/units/${prov.id}`)).text, /value="memo_kind"/);
  }
});

test('an award added to the catalogue is a choice of the unit page at once', async () => {
  const p = `/units/${prov.id}`;
  const before = await repeat(p);
  assert.match(before.text, /value="title:TTLDTT"/, 'the catalogue is offered');
  assert.doesNotMatch(before.text, /title:MEMO_AWARD/);
  sql(env.db, 'INSERT INTO awards (code, kind, subjects, level, authority_level, yearly, bonus_person, bonus_collective, bonus_basis, position, name_vi, name_en, name_hi) ' +
    "VALUES ('MEMO_AWARD', 'title', 'collective', 'grassroots', 'grassroots', 1, NULL, 500, NULL, 999, 'Tập thể Ghi Nhớ', 'Memo Collective', 'स्मृति सामूहिक')");
  for (let i = 0; i < 6; i++) {
    const r = await admin.get(p);
    assert.match(r.text, /<option value="title:MEMO_AWARD"[^>]*>Tập thể Ghi Nhớ<\/option>/);
  }
});
