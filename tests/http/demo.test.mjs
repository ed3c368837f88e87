// The demo data set (data/demo/units.csv, compiled in): it loads, its users
// log in with their printed passwords, search and scope work on real names.
// Skipped while the binary has no demo data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeDb, startServer, Client, thidua } from '../lib/server.mjs';

const HAVE = fs.existsSync(path.resolve('data/demo/units.csv'));
let env, srv, admin, reporter;

before(async () => {
  if (!HAVE) return;
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  reporter = new Client(srv.base);
  const qy = env.demoUsers['quangyen.reporter'];
  assert.ok(qy, 'thidua demo printed the user quangyen.reporter');
  await Promise.all([admin.login('admin', env.adminPassword), reporter.login('quangyen.reporter', qy.password)]);
});

after(async () => {
  if (srv) await srv.stop();
});

const opts = { skip: HAVE ? false : 'data/demo/units.csv does not exist yet' };

async function byCode(code) {
  const r = await admin.get('/api/v1/units?active=all&limit=500&q=' + encodeURIComponent(code));
  const hit = r.data.items.find((x) => x.code === code);
  assert.ok(hit, `unit ${code} exists`);
  return hit;
}

test('thidua demo loads and prints its users with their roles', opts, () => {
  assert.deepEqual([env.demoUsers['sonla.officer'].role, env.demoUsers['sonla.officer'].unit], ['officer', 'T-SONLA']);
  assert.deepEqual([env.demoUsers['quangyen.reporter'].role, env.demoUsers['quangyen.reporter'].unit], ['reporter', 'QN-QUANGYEN']);
  assert.deepEqual([env.demoUsers['camau.viewer'].role, env.demoUsers['camau.viewer'].unit], ['viewer', 'T-CAMAU']);
  for (const u of Object.values(env.demoUsers)) assert.match(u.password, /^\S{8,}$/);
});

test('demo: the curated units are there, under the right parents', opts, async () => {
  assert.equal((await byCode('TP-DANANG')).name, 'Thành phố Đà Nẵng');
  const qy = await byCode('QN-QUANGYEN');
  assert.equal(qy.name, 'Thị xã Quảng Yên');
  assert.equal(qy.parent_code, 'T-QUANGNINH');
  const ql = await admin.get('/api/v1/units?q=quang%20ninh&kind=province');
  assert.deepEqual(ql.data.items.map((x) => x.name), ['Tỉnh Quảng Ninh']);
});

test('demo: Thị xã Quảng Yên has at least 34 units below it', opts, async () => {
  const qy = await byCode('QN-QUANGYEN');
  const r = await admin.get(`/api/v1/units?under=${qy.id}&limit=1`);
  assert.ok(r.data.total >= 34, `${r.data.total} units below QN-QUANGYEN`);
});

test('demo: search without diacritics finds Đà Nẵng and Thừa Thiên Huế', opts, async () => {
  const dn = await admin.get('/api/v1/units?q=da%20nang&kind=city');
  assert.deepEqual(dn.data.items.map((x) => x.name), ['Thành phố Đà Nẵng']);
  const hue = await admin.get('/api/v1/units?q=thua%20thien%20hue&kind=province');
  assert.deepEqual(hue.data.items.map((x) => x.name), ['Tỉnh Thừa Thiên Huế']);
});

test('demo: the Quảng Yên reporter sees exactly the people of Quảng Yên', opts, async () => {
  const qy = await byCode('QN-QUANGYEN');
  const all = await admin.get(`/api/v1/people?under=${qy.id}&limit=1`);
  const mine = await reporter.get('/api/v1/people?limit=1');
  assert.equal(mine.status, 200);
  assert.ok(all.data.total > 0);
  assert.equal(mine.data.total, all.data.total);
  const sl = await byCode('T-SONLA');
  const other = await reporter.get(`/api/v1/people?under=${sl.id}`);
  assert.equal(other.status, 403);
});

test('demo: the audit log of the demo data is intact', opts, () => {
  const r = thidua(['audit', 'verify', '--db', env.db]);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /^audit log intact: \d+ rows\n$/);
});
