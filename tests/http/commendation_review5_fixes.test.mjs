// Commendation and votes, as the demo's users meet them (fifth user review):
// a ballot refused for too many choices comes back with the boxes the voter
// ticked; an eligibility check with no rule set in force names the award,
// the date the rules were chosen for and the date they apply from; a
// proposal's history says at which review step each approval was given; a
// decision refused for a nominee names the nominee with the award, so a
// person proposed for two awards is told apart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { csrfOf, formLogin, sql } from './_util.mjs';

let env, srv, tw, admin;

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  tw = await as('tw.officer');
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
});

after(async () => {
  if (srv) await srv.stop();
});

async function as(login) {
  const c = new Client(srv.base);
  await c.login(login, env.demoUsers[login].password);
  return c;
}

const browser = (login, lang) => formLogin(srv.base, login, env.demoUsers[login].password, lang);
const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.data; };

// the boxes of the page's ballot form: candidate id → ticked
function ballotBoxes(html) {
  const form = html.match(/<form method="post" action="\/votes\/\d+" class="card" id="ballot">[\s\S]*?<\/form>/);
  assert.ok(form, 'the page has the ballot form');
  return Object.fromEntries([...form[0].matchAll(/<input type="checkbox" name="choices" value="(\d+)"( checked)?>/g)]
    .map((m) => [Number(m[1]), !!m[2]]));
}

test('a ballot refused for too many choices comes back with the boxes the voter ticked, not cached; nothing is cast', async () => {
  const r = ok(await tw.post('/api/v1/votes', { json: { title: 'Bình xét thử — tối đa 2', threshold_pct: 50, base: 'all_members',
    voters: ['hue.rep', 'quangtri.rep'], max_choices: 2,
    candidates: [{ label: 'Nguyễn Văn An' }, { label: 'Trần Thị Bình' }, { label: 'Lê Văn Cường' }] } }), 201);
  ok(await tw.post(`/api/v1/votes/${r.id}/open`));
  const [a, b, c] = r.candidates.map((x) => x.id);
  const hue = await browser('hue.rep');
  const page = await hue.get(`/votes/${r.id}`);
  assert.deepEqual(ballotBoxes(page.text), { [a]: false, [b]: false, [c]: false });
  const three = await hue.post(`/votes/${r.id}`, { form: [['_csrf', csrfOf(page.text)], ['what', 'ballot'], ['choices', String(a)], ['choices', String(c)], ['choices', String(b)]] });
  assert.equal(three.status, 422);
  assert.match(three.text, /Chọn quá số lượng cho phép của cuộc bỏ phiếu này/);
  assert.deepEqual(ballotBoxes(three.text), { [a]: true, [b]: true, [c]: true });
  assert.equal(three.headers.get('cache-control'), 'no-store');
  // one box chosen twice: the same, with that box ticked
  const twice = await hue.post(`/votes/${r.id}`, { form: [['_csrf', csrfOf(page.text)], ['what', 'ballot'], ['choices', String(b)], ['choices', String(b)]] });
  assert.equal(twice.status, 422);
  assert.match(twice.text, /Một ứng viên được chọn hai lần/);
  assert.deepEqual(ballotBoxes(twice.text), { [a]: false, [b]: true, [c]: false });
  assert.equal(sql(env.db, `SELECT ballots || ' ' || (SELECT count(*) FROM vote_cast WHERE round_id = ${r.id}) FROM vote_rounds WHERE id = ${r.id}`), '0 0');
  // the voter unticks one and casts: counted once
  const cast = await hue.post(`/votes/${r.id}`, { form: [['_csrf', csrfOf(page.text)], ['what', 'ballot'], ['choices', String(a)], ['choices', String(c)]] });
  assert.equal(cast.status, 200, cast.text);
  assert.match(cast.text, /Bạn đã bỏ phiếu/);
  assert.equal(sql(env.db, `SELECT count(*) FROM vote_cast WHERE round_id = ${r.id}`), '1');
  // another voter's fresh page shows no box ticked
  const qt = await browser('quangtri.rep');
  assert.deepEqual(ballotBoxes((await qt.get(`/votes/${r.id}`)).text), { [a]: false, [b]: false, [c]: false });
});
