// The completions returned for correction: the home page lists the newest
// eight and links to /tasks/returned, which lists every one in the reader's
// scope, a page at a time (it said "22 more" and linked nowhere).
// Seed 003: 30 completions of Cà Mau's programme returned in September 2025.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer } from '../lib/server.mjs';
import { formLogin, sql } from './_util.mjs';

let env, srv, admin;
const items = (html) => [...html.matchAll(/<li id="home-returned-(\d+)">/g)].map((m) => Number(m[1]));

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  admin = await formLogin(srv.base, 'admin', env.adminPassword);
});
after(async () => { await srv.stop(); });

test('the home page shows eight and links to all thirty', async () => {
  const r = await admin.get('/');
  assert.equal(r.status, 200);
  assert.equal(items(r.text).length, 8);
  assert.match(r.text, /<p><a href="\/tasks\/returned">Mọi báo cáo hoàn thành bị trả lại \(30\)<\/a><\/p>/);
});

test('/tasks/returned lists all thirty, newest first, and pages them', async () => {
  const all = await admin.get('/tasks/returned');
  assert.equal(all.status, 200);
  assert.match(all.text, /<h1>Bị trả lại, chờ báo cáo lại<\/h1>/);
  const ids = items(all.text);
  assert.equal(ids.length, 30);
  const want = sql(env.db, `SELECT t.id FROM tasks t JOIN task_reports rr ON rr.task_id = t.id AND rr.review = 'returned'
    ORDER BY rr.reviewed_on DESC, t.code, t.id`).split('\n').map(Number);
  assert.deepEqual(ids, want);
  const page = await admin.get('/tasks/returned?limit=10&offset=20');
  assert.deepEqual(items(page.text), want.slice(20, 30));
  assert.match(page.text, /21–30 \/ 30/);
  assert.equal((await admin.get('/tasks/returned?offset=-1')).status, 400);
});

test('a reporter sees those of their units; a reporter of a unit with none is told so; a viewer is refused', async () => {
  const skhcn = await formLogin(srv.base, 'camau.skhcn', env.demoUsers['camau.skhcn'].password);
  const mine = await skhcn.get('/tasks/returned');
  assert.equal(mine.status, 200);
  assert.match(mine.text, /<h1>Bị trả lại, cần báo cáo lại<\/h1>/);
  const n = Number(sql(env.db, `SELECT count(*) FROM tasks t JOIN units u ON u.id = t.lead_id JOIN task_reports rr ON rr.task_id = t.id
    AND rr.review = 'returned' WHERE u.code = 'T-CAMAU-SKHCN'`));
  assert.equal(n, 3);
  assert.equal(items(mine.text).length, 3);
  const other = Object.entries(env.demoUsers).find(([, u]) => u.role === 'reporter' && !u.unit.startsWith('T-CAMAU'));
  const far = await formLogin(srv.base, other[0], other[1].password);
  const none = await far.get('/tasks/returned');
  assert.equal(none.status, 200);
  assert.match(none.text, /Không có báo cáo hoàn thành nào chờ báo cáo lại\./);
  const viewer = Object.entries(env.demoUsers).find(([, u]) => u.role === 'viewer');
  const v = await formLogin(srv.base, viewer[0], viewer[1].password);
  assert.equal((await v.get('/tasks/returned')).status, 403);
});
