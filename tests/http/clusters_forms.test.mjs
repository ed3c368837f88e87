// The clusters' forms as a tester found them on the demo (docs/CLUSTERS.md):
// a criterion's movement metric chosen by name from the movement's own
// metrics, an unknown one refused at its field (page and API); a card past
// the scoring deadline shown closed and read-only, the organiser's reopen
// kept; a card's errors each at its box and in the summary under the
// criterion's number and name, nothing typed lost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, addUser, startServer, Client, testPassword } from '../lib/server.mjs';
import { mkUnit } from './_util.mjs';

let env, srv, admin, officer, repA, demo, demoSrv;
const units = {};

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  await mkUnit(admin, 'HD-TW', 'Hội đồng Thi đua – Khen thưởng Trung ương', 'central');
  for (const [code, name] of [['P-A', 'Tỉnh An'], ['P-B', 'Tỉnh Bình']]) units[code] = await mkUnit(admin, code, name, 'province');
  addUser(env.db, 'tw.officer', 'officer', 'HD-TW');
  addUser(env.db, 'a.reporter', 'reporter', 'P-A');
  officer = new Client(srv.base);
  await officer.login('tw.officer', testPassword('tw.officer'));
  repA = new Client(srv.base);
  await repA.login('a.reporter', testPassword('a.reporter'));
});

after(async () => {
  if (srv) await srv.stop();
  if (demoSrv) await demoSrv.stop();
});

async function demoLogin(login) {
  if (!demoSrv) {
    demo = makeDb({ demo: true });
    demoSrv = await startServer(demo.db);
  }
  const c = new Client(demoSrv.base);
  await c.login(login, login === 'admin' ? demo.adminPassword : demo.demoUsers[login].password);
  return c;
}

const NO_METRIC = 'Phong trào không có tiêu chí đo này';
const NO_MOVEMENT = 'Không có phong trào này';

test('a movement criterion\'s metric is one of the movement\'s own, chosen by its name; an unknown metric or movement is refused at its field, nothing stored', async () => {
  const c = await demoLogin('admin');
  const k = await c.post('/api/v1/clusters', { json: { code: 'KHOI-DVK-M', name: 'Khối dân vận', kind: 'bloc', organiser_code: 'VN' } });
  assert.equal(k.status, 201, k.text);
  const y = await c.post(`/api/v1/clusters/${k.data.id}/years`, { json: { year: 2024, members: ['QN-QUANGYEN', 'T-SONLA'], cross_mode: 'all' } });
  assert.equal(y.status, 201, y.text);
  const base = `/api/v1/clusters/${k.data.id}/years/2024`;
  const page = `/clusters/${k.data.id}/years/2024`;
  // the API: the metric a code of the movement, or 422 under the criterion's code
  for (const [rule, msg] of [
    [{ source: 'movement', movement: 'DVK2024', metric: 'khong_co_chi_tieu_nay', thresholds: [[1e9, 1]] }, NO_METRIC],
    [{ source: 'movement', movement: 'DVK2024', metric: '', thresholds: [[1e9, 1]] }, NO_METRIC],
    [{ source: 'movement', movement: 'SL-CCHC-CDS', metric: 'vnd', thresholds: [[1e9, 1]] }, NO_METRIC],
    [{ source: 'movement', movement: 'KHONG-CO', metric: 'vnd', thresholds: [[1e9, 1]] }, NO_MOVEMENT],
  ]) {
    const bad = await c.req('PUT', base + '/criteria', { json: { version: y.data.version, criteria: [{ code: 'R2', title: 'Nguồn lực huy động', kind: 'score', max: 5, rule }] } });
    assert.equal(bad.status, 422, bad.text);
    assert.deepEqual(bad.data.error.fields, { R2: msg });
  }
  assert.deepEqual((await c.get(base)).data.criteria, []);
  // the form: no code to type; the movement's choices under its name, its metrics by name and unit
  const form = await c.get(page);
  assert.doesNotMatch(form.text, /name="c_metric"/);
  assert.match(form.text, new RegExp('<optgroup label="Phong trào DVK2024 — [^"]+"><option value="movement:DVK2024">Số mô hình được đánh giá hiệu quả</option>'
    + '<option value="movement:DVK2024:vnd">Kinh phí huy động \\(VND\\)</option><option value="movement:DVK2024:households">Hộ được hỗ trợ \\(hộ\\)</option>'));
  assert.match(form.text, /<option value="movement:SL-CCHC-CDS:st_tasks">Nhiệm vụ khoa học và công nghệ cấp tỉnh \(nhiệm vụ\)<\/option>/);
  // a metric or a movement that does not exist, posted anyway: the error at the select, what was typed kept
  const post = (c_source, version) => c.post(page, { form: { what: 'criterion', version, c_code: 'R2', c_title: 'Nguồn lực huy động', c_kind: 'score',
    c_max: '5', c_source, c_thresholds: '1.000.000.000 = 1\n5.000.000.000 = 3' } });
  for (const [src, msg] of [['movement:DVK2024:khong_co_chi_tieu_nay', NO_METRIC], ['movement:KHONG-CO', NO_MOVEMENT], ['movement:KHONG-CO:vnd', NO_MOVEMENT]]) {
    const r = await post(src, y.data.version);
    assert.equal(r.status, 422, r.text);
    assert.match(r.text, /<select id="f-c_source" name="c_source" aria-describedby="h-c_source e-c_source" aria-invalid="true">/);
    assert.ok(r.text.includes(`<p class="field-error" id="e-c_source">${msg}</p>`), r.text);
    assert.ok(r.text.includes(`<option value="${src}" selected>${src}</option>`));
    assert.match(r.text, /<input id="f-c_code" name="c_code"[^>]* value="R2"/);
  }
  assert.deepEqual((await c.get(base)).data.criteria, []);
  // chosen from the list: stored as the API's codes, shown selected when edited, and the card's points follow
  const ok = await post('movement:DVK2024:vnd', y.data.version);
  assert.equal(ok.status, 303, ok.text);
  const sheet = (await c.get(base)).data;
  assert.deepEqual(sheet.criteria.map((x) => [x.code, x.rule]),
    [['R2', { source: 'movement', movement: 'DVK2024', metric: 'vnd', thresholds: [[1000000000, 1], [5000000000, 3]] }]]);
  const edit = await c.get(`${page}?edit=R2`);
  assert.match(edit.text, /<option value="movement:DVK2024:vnd" selected>Kinh phí huy động \(VND\)<\/option>/);
  const card = await c.req('PUT', base + '/scorecards', { json: { scorer: 'T-SONLA', target: 'QN-QUANGYEN', points: {} } });
  assert.equal(card.status, 201, card.text);
  assert.deepEqual(card.data.scores.map((x) => [x.criterion, x.points, x.from_rule]), [['R2', 3, true]]);
});
