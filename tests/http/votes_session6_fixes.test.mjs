// Votes, found in the reviews of 2026-11-30 and fixed: voters named by login
// in any case (as one logs in), and two candidates of one name told apart on
// the ballot by their units.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, addUser, startServer, Client, testPassword } from '../lib/server.mjs';
import { mkUnit, mkPerson } from './_util.mjs';

let env, srv, admin, org;
const COUNCIL = ['hd6.01', 'hd6.02', 'hd6.03'];

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  await mkUnit(admin, 'TW6', 'Hội đồng Thi đua – Khen thưởng Trung ương', 'agency');
  addUser(env.db, 'tw6.officer', 'officer', 'TW6');
  for (const l of COUNCIL) addUser(env.db, l, 'council', 'TW6');
  org = new Client(srv.base);
  await org.login('tw6.officer', testPassword('tw6.officer'));
});

after(async () => {
  if (srv) await srv.stop();
});

test('voters are named by their login in any case, as they log in; an unknown one is still refused', async () => {
  const r = await org.post('/api/v1/votes', {
    json: { title: 'Suy tôn', threshold_pct: 50, base: 'all_members', voters: ['HD6.01', 'Hd6.02', 'hd6.03'], candidates: [{ label: 'A' }] },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.voters, 3);
  const bad = await org.post('/api/v1/votes', {
    json: { title: 'Suy tôn', threshold_pct: 50, base: 'all_members', voters: ['HD6.09'], candidates: [{ label: 'A' }] },
  });
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.data.error.fields.voters, 'Không có người dùng đang hoạt động với tên đăng nhập này');
});

test('two candidates of one name are told apart on the ballot by their units', async () => {
  const a = await mkUnit(admin, 'TW6-A', 'Vụ Thi đua', 'department', (await admin.get('/api/v1/units?q=TW6&limit=1')).data.items[0].id);
  const b = await mkUnit(admin, 'TW6-B', 'Vụ Khen thưởng', 'department', a.parent_id);
  await mkPerson(admin, { full_name: 'Nguyễn Văn An', gender: 'M', unit_id: a.id, code: 'TW6-P1' });
  await mkPerson(admin, { full_name: 'Nguyễn Văn An', gender: 'M', unit_id: b.id, code: 'TW6-P2' });
  const r = await org.post('/api/v1/votes', {
    json: { title: 'Bầu chọn', threshold_pct: 50, base: 'all_members', voters: COUNCIL, candidates: [{ person_code: 'TW6-P1' }, { person_code: 'TW6-P2' }] },
  });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.data.candidates.map((c) => c.label), ['Nguyễn Văn An', 'Nguyễn Văn An']);
  const opened = await org.post(`/api/v1/votes/${r.data.id}/open`);
  assert.equal(opened.status, 200, opened.text);
  const voter = new Client(srv.base);
  await voter.login('hd6.01', testPassword('hd6.01'));
  const page = await voter.get(`/votes/${r.data.id}`);
  assert.equal(page.status, 200);
  const ballot = [...page.text.matchAll(/<label class="check"><input type="checkbox" name="choices" value="\d+"> ([^<]*)<span class="muted">\(([^)]*)\)<\/span><\/label>/g)]
    .map((m) => [m[1].trim(), m[2]]);
  assert.deepEqual(ballot, [['Nguyễn Văn An', 'Vụ Thi đua'], ['Nguyễn Văn An', 'Vụ Khen thưởng']]);
});
