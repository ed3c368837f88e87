// GET /api/v1/users and /api/v1/users/{id}: an administrator's users as the
// /users page lists them (a role in the units they administer), with their
// roles and units by code, never a password; others are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, addUser, testPassword } from '../lib/server.mjs';
import { loginAs, mkUnit, sql } from './_util.mjs';

let env, srv, admin, prov;

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = await loginAs(srv.base, 'admin', env.adminPassword);
  const p = await mkUnit(admin, 'T-UA', 'Tỉnh Ứng An', 'province');
  await mkUnit(admin, 'UA-SNV', 'Sở Nội vụ tỉnh Ứng An', 'department', p.id);
  await mkUnit(admin, 'T-KHAC', 'Tỉnh Khác', 'province');
  addUser(env.db, 'ua.admin', 'admin', 'T-UA');
  addUser(env.db, 'ua.snv', 'reporter', 'UA-SNV');
  addUser(env.db, 'khac.officer', 'officer', 'T-KHAC');
  prov = await loginAs(srv.base, 'ua.admin', testPassword('ua.admin'));
});
after(async () => { await srv.stop(); });

test('the administrator of the country lists every user, by login, with roles and units', async () => {
  const r = await admin.get('/api/v1/users');
  assert.equal(r.status, 200);
  assert.deepEqual(r.data.items.map((u) => u.login), ['admin', 'khac.officer', 'ua.admin', 'ua.snv']);
  assert.equal(r.data.total, 4);
  const snv = r.data.items.find((u) => u.login === 'ua.snv');
  assert.deepEqual(snv.roles, [{ role: 'reporter', unit_id: snv.roles[0].unit_id, unit_code: 'UA-SNV', unit_name: 'Sở Nội vụ tỉnh Ứng An' }]);
  assert.equal(snv.active, true);
  assert.equal(snv.email, null);
  assert.ok(!('password' in snv) && !('password_hash' in snv));
  // words of the login or the name; a role
  assert.deepEqual((await admin.get('/api/v1/users?q=snv')).data.items.map((u) => u.login), ['ua.snv']);
  assert.deepEqual((await admin.get('/api/v1/users?role=officer')).data.items.map((u) => u.login), ['khac.officer']);
  const one = await admin.get(`/api/v1/users/${snv.id}`);
  assert.equal(one.status, 200);
  assert.deepEqual(one.data, snv);
});

test('a province\'s administrator lists the users of their province only; another is 403', async () => {
  const r = await prov.get('/api/v1/users');
  assert.equal(r.status, 200);
  assert.deepEqual(r.data.items.map((u) => u.login), ['ua.admin', 'ua.snv']);
  const other = Number(sql(env.db, "SELECT id FROM users WHERE login = 'khac.officer'"));
  const refused = await prov.get(`/api/v1/users/${other}`);
  assert.equal(refused.status, 403);
  assert.equal(refused.data.error.code, 'forbidden');
});

test('a reporter is refused; bad parameters and ids are 400 and 404', async () => {
  const rep = await loginAs(srv.base, 'ua.snv', testPassword('ua.snv'));
  assert.equal((await rep.get('/api/v1/users')).status, 403);
  assert.equal((await admin.get('/api/v1/users?limit=0')).status, 400);
  assert.equal((await admin.get('/api/v1/users?role=king')).status, 400);
  assert.equal((await admin.get('/api/v1/users/abc')).status, 404);
  assert.equal((await admin.get('/api/v1/users/999999')).status, 404);
});
