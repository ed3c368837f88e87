// The clusters' forms as a tester found them on the demo (docs/CLUSTERS.md):
// a criterion's movement metric chosen by name from the movement's own
// metrics, an unknown one refused at its field (page and API); a card past
// the scoring deadline shown closed and read-only, the organiser's reopen
// kept; a card's errors each at its box and in the summary under the
// criterion's number and name, nothing typed lost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, addUser, startServer, Client, testPassword } from '../lib/server.mjs';
import { mkUnit, sql } from './_util.mjs';

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

test('a criterion saved on the page while another one of the year has gone bad (its metric removed): the page names that one, nothing stored', async () => {
  const c = await demoLogin('admin');
  const k = await c.post('/api/v1/clusters', { json: { code: 'KHOI-DVK-B', name: 'Khối dân vận B', kind: 'bloc', organiser_code: 'VN' } });
  const y = await c.post(`/api/v1/clusters/${k.data.id}/years`, { json: { year: 2024, members: ['QN-QUANGYEN', 'T-SONLA'], cross_mode: 'all' } });
  assert.equal(y.status, 201, y.text);
  const base = `/api/v1/clusters/${k.data.id}/years/2024`, page = `/clusters/${k.data.id}/years/2024`;
  const set = await c.req('PUT', base + '/criteria', { json: { version: y.data.version, criteria: [{ code: 'OLD-R', title: 'Nguồn lực', kind: 'score', max: 5,
    rule: { source: 'movement', movement: 'DVK2024', metric: 'vnd', thresholds: [[1e9, 1]] } }] } });
  assert.equal(set.status, 200, set.text);
  // the metric it reads is gone since (a rule stored before metrics were checked reads the same)
  sql(demo.db, `UPDATE cluster_criteria SET rule = replace(rule, '"vnd"', '"bo_di"') WHERE code = 'OLD-R'`);
  const r = await c.post(page, { form: { what: 'criterion', version: String(set.data.version), c_code: 'NEW-R', c_title: 'Phong trào mới', c_kind: 'score', c_max: '3' } });
  assert.equal(r.status, 422, r.text);
  assert.match(r.text, /OLD-R/);
  assert.match(r.text, new RegExp(NO_METRIC));
  assert.deepEqual((await c.get(base)).data.criteria.map((x) => x.code), ['OLD-R']);
});

test('past the scoring deadline a card is shown closed and read-only, with the deadline; the organiser still reopens a submitted card, which its scorer then edits', async () => {
  const hue = await demoLogin('hue.cum');
  const cl = (await hue.get('/api/v1/clusters?q=bac%20trung%20bo')).data.items.find((x) => x.code === 'CUM-BTB');
  const members = (await hue.get(`/api/v1/clusters/${cl.id}/years/2024`)).data.members;
  const [tth, ht] = ['T-THUATHIENHUE', 'T-HATINH'].map((code) => members.find((u) => u.code === code).id);
  const CLOSED = 'Đã hết hạn chấm điểm vào cuối ngày %s: phiếu chỉ được xem, không thể lưu hay nộp nữa. Chỉ cơ quan tổ chức mới mở lại được phiếu đã nộp.';
  // 2024 closed on 15/03/2025: Thừa Thiên Huế's card for Hà Tĩnh (none yet) cannot be filled in
  const p = await hue.get(`/clusters/${cl.id}/years/2024/score?scorer=${tth}&target=${ht}`);
  assert.equal(p.status, 200);
  assert.ok(p.text.includes(`<p class="notice-closed" id="card-closed">${CLOSED.replace('%s', '15/03/2025')}</p>`), p.text);
  assert.doesNotMatch(p.text, /name="do" value="(save|submit)"/);
  assert.match(p.text, /<input id="p-1.1" name="points.1.1" class="points" inputmode="decimal" size="6" data-kind="score" data-max="1000" value="" readonly>/);
  assert.match(p.text, /<input id="e-1.1" name="evidence.1.1" value="" readonly>/);
  // the year's matrix: no 'Chấm điểm' link to start a card past the deadline, the closed notice instead
  const year = await hue.get(`/clusters/${cl.id}/years/2024`);
  assert.equal(year.status, 200);
  assert.ok(year.text.includes('<p class="notice-closed" id="scoring-closed">Đã hết hạn chấm điểm vào cuối ngày 15/03/2025: không thể lập phiếu chấm mới.</p>'), year.text);
  const matrix = year.text.slice(year.text.indexOf('id="cards"'), year.text.indexOf('</table>', year.text.indexOf('id="cards"')));
  assert.doesNotMatch(matrix, />Chấm điểm<span class="sr">/);
  const row = matrix.slice(matrix.indexOf('<th scope="row">Tỉnh Thừa Thiên Huế</th>'));
  const cells = [...row.slice(0, row.indexOf('</tr>')).matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1]);
  assert.deepEqual(cells, Array(members.length).fill('—'));
  // the 2023 card it submitted (closed 14/03/2024): read-only, the same words; the organiser sees the reopen form
  const p23 = await hue.get(`/clusters/${cl.id}/years/2023/score?scorer=${tth}&target=${ht}`);
  assert.ok(p23.text.includes(`<p class="notice-closed" id="card-closed">${CLOSED.replace('%s', '14/03/2024')}</p>`));
  assert.doesNotMatch(p23.text, /name="do" value="(save|submit)"|id="reopen"/);
  const adm = await demoLogin('admin');
  const org = await adm.get(`/clusters/${cl.id}/years/2023/score?scorer=${tth}&target=${ht}`);
  assert.match(org.text, /<form method="post" action="\/clusters\/\d+\/years\/2023" class="card" id="reopen">/);
  const cards = (await adm.get(`/api/v1/clusters/${cl.id}/years/2023/scorecards`)).data.items;
  const c23 = cards.find((x) => x.scorer.code === 'T-THUATHIENHUE' && x.target.code === 'T-HATINH');
  const re = await adm.post(`/api/v1/scorecards/${c23.id}/reopen`, { json: { version: c23.version, reason: 'Nhập nhầm điểm tiêu chí 1.1' } });
  assert.equal(re.status, 200, re.text);
  // reopened: open to its scorer past the deadline, no closed notice
  const open = await hue.get(`/clusters/${cl.id}/years/2023/score?scorer=${tth}&target=${ht}`);
  assert.doesNotMatch(open.text, /id="card-closed"/);
  assert.match(open.text, /<button type="submit" name="do" value="save">Lưu<\/button>/);
  assert.doesNotMatch(open.text, /<input id="p-1.1" [^>]*readonly/);
});

test('a card\'s errors: each next to its box with aria-invalid and aria-describedby, the summary under the criterion\'s number and name, no field keys, what was typed kept', async () => {
  const c = await officer.post('/api/v1/clusters', { json: { code: 'CUM-ERR', name: 'Cụm CUM-ERR', kind: 'cluster', organiser_code: 'HD-TW' } });
  assert.equal(c.status, 201, c.text);
  const y = await officer.post(`/api/v1/clusters/${c.data.id}/years`, { json: { year: 2023, members: ['P-A', 'P-B'], cross_mode: 'all' } });
  assert.equal(y.status, 201, y.text);
  const s = await officer.req('PUT', `/api/v1/clusters/${c.data.id}/years/2023/criteria`, { json: { version: y.data.version, criteria: [
    { code: 'I', title: 'Thực hiện nhiệm vụ chính trị', kind: 'group' },
    { code: '1.1', parent: 'I', title: 'Tăng trưởng kinh tế', kind: 'score', max: 10 },
    { code: '1.2', parent: 'I', title: 'Thu ngân sách nhà nước', kind: 'score', max: 10 },
    { code: '1.3', parent: 'I', title: 'Thu hút đầu tư', kind: 'score', max: 10 }] } });
  assert.equal(s.status, 200, s.text);
  const page = `/clusters/${c.data.id}/years/2023/score`;
  const NUMBER = 'Phải là số viết như 1.500.000,5 (dấu chấm nhóm hàng nghìn, dấu phẩy trước phần thập phân)';
  const RANGE = 'Điểm phải từ 0 đến điểm tối đa của tiêu chí, có tối đa hai chữ số thập phân';
  const r = await repA.post(page, { form: { scorer: units['P-A'].id, target: units['P-B'].id, kind: 'cross', version: 0, do: 'save',
    'points.1.1': '8,5', 'evidence.1.1': 'Báo cáo số 12', 'points.1.2': '9.5', 'evidence.1.2': 'Quyết toán 2023', 'points.1.3': '12' } });
  assert.equal(r.status, 422, r.text);
  const summary = r.text.slice(r.text.indexOf('<div class="error-summary'), r.text.indexOf('</div>', r.text.indexOf('<div class="error-summary')));
  assert.equal(summary, '<div class="error-summary error-msg" role="alert" id="error-summary" tabindex="-1" autofocus>\n<p><b>Phiếu chưa được lưu</b> (2)</p>\n<ul>\n'
    + `<li><a href="#p-1.2">1.2 Thu ngân sách nhà nước: ${NUMBER}</a></li>\n`
    + `<li><a href="#p-1.3">1.3 Thu hút đầu tư: ${RANGE}</a></li>\n</ul>\n`);
  assert.doesNotMatch(r.text, /points\.1\.[23]:|>points:|>1\.3:/);
  // each box: its error beside it, what was typed kept
  assert.ok(r.text.includes('<input id="p-1.2" name="points.1.2" class="points" inputmode="decimal" size="6" data-kind="score" data-max="1000" value="9.5" '
    + `aria-invalid="true" aria-describedby="pe-1.2"><p class="field-error" id="pe-1.2">${NUMBER}</p>`), r.text);
  assert.ok(r.text.includes('<input id="p-1.3" name="points.1.3" class="points" inputmode="decimal" size="6" data-kind="score" data-max="1000" value="12" '
    + `aria-invalid="true" aria-describedby="pe-1.3"><p class="field-error" id="pe-1.3">${RANGE}</p>`));
  assert.ok(r.text.includes('<input id="p-1.1" name="points.1.1" class="points" inputmode="decimal" size="6" data-kind="score" data-max="1000" value="8,5">'));
  assert.ok(r.text.includes('<input id="e-1.1" name="evidence.1.1" value="Báo cáo số 12">'));
  assert.ok(r.text.includes('<input id="e-1.2" name="evidence.1.2" value="Quyết toán 2023">'));
  assert.deepEqual((await repA.get(`/api/v1/clusters/${c.data.id}/years/2023/scorecards`)).data.items, []);
  // an evidence with a control character: at the evidence box, named as the criterion's evidence
  const e = await repA.post(page, { form: { scorer: units['P-A'].id, target: units['P-B'].id, kind: 'cross', version: 0, do: 'save',
    'points.1.1': '8', 'evidence.1.1': 'Báo cáo\u0007' } });
  assert.equal(e.status, 422, e.text);
  const CTRL = 'Minh chứng không được chứa ký tự điều khiển (được xuống dòng)';
  assert.ok(e.text.includes(`<li><a href="#e-1.1">1.1 Tăng trưởng kinh tế — Minh chứng: ${CTRL}</a></li>`), e.text);
  assert.ok(e.text.includes(`aria-invalid="true" aria-describedby="ee-1.1"><p class="field-error" id="ee-1.1">${CTRL}</p>`));
  // submitting a card with a criterion left empty: the box says so
  const sub = await repA.post(page, { form: { scorer: units['P-A'].id, target: units['P-B'].id, kind: 'cross', version: 0, do: 'submit',
    'points.1.1': '8', 'points.1.2': '7' } });
  assert.equal(sub.status, 422, sub.text);
  assert.ok(sub.text.includes('<li><a href="#p-1.3">1.3 Thu hút đầu tư: Mọi tiêu chí phải có điểm trước khi nộp phiếu</a></li>'), sub.text);
  assert.match(sub.text, /aria-describedby="pe-1.3"><p class="field-error" id="pe-1.3">Mọi tiêu chí phải có điểm trước khi nộp phiếu<\/p>/);
});
