// Commendation: a proposal's way up the levels — drafted by a ward, returned
// by the province's board with a comment, resubmitted, approved by the
// board, the council and the authority; the rights of each stage, stale
// versions, nominees outside the proposer's subtree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, addUser, startServer, Client, testPassword } from '../lib/server.mjs';
import { mkUnit, mkPerson, csrfOf, loginAs } from './_util.mjs';

let env, srv, admin, prov, ward, ward2, lan, khac;

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  prov = await mkUnit(admin, 'T-SONLA', 'Tỉnh Sơn La', 'province');
  ward = await mkUnit(admin, 'P-CHIENG', 'Phường Chiềng Lề', 'ward', prov.id);
  ward2 = await mkUnit(admin, 'P-TODIEU', 'Phường Tô Hiệu', 'ward', prov.id);
  lan = await mkPerson(admin, { full_name: 'Lò Thị Lan', gender: 'F', unit_id: ward.id, code: 'SL-001' });
  khac = await mkPerson(admin, { full_name: 'Cầm Văn Khác', gender: 'M', unit_id: ward2.id, code: 'SL-002' });
  addUser(env.db, 'cl.reporter', 'reporter', 'P-CHIENG');
  addUser(env.db, 'sl.officer', 'officer', 'T-SONLA');
  addUser(env.db, 'sl.council', 'council', 'T-SONLA');
  addUser(env.db, 'th.officer', 'officer', 'P-TODIEU');
});

after(async () => {
  if (srv) await srv.stop();
});

const as = (login) => loginAs(srv.base, login);

async function draft(c, title = 'Đề nghị khen thưởng năm 2024') {
  const r = await c.post('/api/v1/proposals', { json: { title, round: 'year_end', year: 2024, proposer_code: 'P-CHIENG', summary: 'Hoàn thành xuất sắc nhiệm vụ năm 2024' } });
  assert.equal(r.status, 201, r.text);
  return r.data;
}

test('a ward\'s reporter drafts a proposal with a nominee; the proposal starts as a draft held by the ward', async () => {
  const rep = await as('cl.reporter');
  const p = await draft(rep);
  assert.match(p.code, /^DX-2024-\d{6}$/);
  assert.equal(p.stage, 'draft');
  assert.equal(p.holder_code, 'P-CHIENG');
  assert.deepEqual(p.nominees, []);
  const n = await rep.post(`/api/v1/proposals/${p.id}/nominees`, { json: { person_code: 'SL-001', award: 'BK_BO_TINH', version: p.version } });
  assert.equal(n.status, 201, n.text);
  assert.equal(n.data.nominees.length, 1);
  assert.equal(n.data.nominees[0].person_name, 'Lò Thị Lan');
  assert.equal(n.data.nominees[0].award_name, 'Bằng khen cấp bộ, ban, ngành, tỉnh');
  assert.equal(n.data.version, p.version + 1);
});

test('a nominee outside the proposer\'s subtree is 403; a collective title for a person is 422; a stale version is 409', async () => {
  const rep = await as('cl.reporter');
  const p = await draft(rep);
  const out = await rep.post(`/api/v1/proposals/${p.id}/nominees`, { json: { person_code: 'SL-002', award: 'LDTT', version: p.version } });
  assert.equal(out.status, 403);
  const kind = await rep.post(`/api/v1/proposals/${p.id}/nominees`, { json: { person_code: 'SL-001', award: 'TTLDXS', version: p.version } });
  assert.equal(kind.status, 422);
  assert.equal(kind.data.error.fields.award, 'Danh hiệu này dành cho tập thể, không dành cho cá nhân');
  const ok = await rep.post(`/api/v1/proposals/${p.id}/nominees`, { json: { unit_code: 'P-CHIENG', award: 'TTLDXS', version: p.version } });
  assert.equal(ok.status, 201, ok.text);
  const stale = await rep.post(`/api/v1/proposals/${p.id}/nominees`, { json: { person_code: 'SL-001', award: 'LDTT', version: p.version } });
  assert.equal(stale.status, 409);
  const after = (await rep.get(`/api/v1/proposals/${p.id}`)).data;
  assert.deepEqual(after.nominees.map((x) => [x.subject, x.award]), [['collective', 'TTLDXS']]);
});

test('the whole way: submitted, returned with a comment, resubmitted, approved by board, council and authority; each stage\'s rights', async () => {
  const rep = await as('cl.reporter');
  const off = await as('sl.officer');
  const council = await as('sl.council');
  const other = await as('th.officer');
  let p = await draft(rep, 'Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh');
  p = (await rep.post(`/api/v1/proposals/${p.id}/nominees`, { json: { person_code: 'SL-001', award: 'BK_BO_TINH', version: p.version } })).data;
  const step = (c, action, extra = {}) => c.post(`/api/v1/proposals/${p.id}/steps`, { json: { action, version: p.version, ...extra } });

  // the board cannot act on a draft; the reporter submits it to the province
  const early = await step(off, 'approve');
  assert.equal(early.status, 409);
  assert.equal(early.data.error.code, 'state');
  assert.equal(early.data.error.message, 'Hồ sơ không ở bước chờ xem xét');
  let r = await step(rep, 'submit', { to_unit: 'T-SONLA' });
  assert.equal(r.status, 200, r.text);
  p = r.data;
  assert.equal(p.stage, 'board');
  assert.equal(p.holder_code, 'T-SONLA');
  assert.ok(p.due_on, 'the board\'s step has a deadline');
  assert.equal(p.proposed_on.length, 10);

  // locked for the level below: the reporter can neither add nominees nor approve
  const locked = await rep.post(`/api/v1/proposals/${p.id}/nominees`, { json: { person_code: 'SL-001', award: 'LDTT', version: p.version } });
  assert.equal(locked.status, 409);
  assert.equal((await step(rep, 'approve')).status, 403);
  // another ward's officer has no right at the province; the council not at the board's stage
  assert.equal((await step(other, 'approve')).status, 403);
  assert.equal((await step(council, 'approve')).status, 403);
  // a return needs its comment
  const bare = await step(off, 'return');
  assert.equal(bare.status, 422);
  assert.ok(bare.data.error.fields.comment);
  r = await step(off, 'return', { comment: 'Bổ sung báo cáo thành tích có xác nhận của thủ trưởng' });
  assert.equal(r.status, 200, r.text);
  p = r.data;
  assert.equal(p.stage, 'returned');
  assert.equal(p.holder_code, 'P-CHIENG');

  // the ward edits and resubmits: back to the board that returned it
  r = await rep.patch(`/api/v1/proposals/${p.id}`, { json: { summary: 'Đã bổ sung báo cáo thành tích', version: p.version } });
  assert.equal(r.status, 200, r.text);
  p = r.data;
  r = await step(rep, 'submit');
  assert.equal(r.status, 200, r.text);
  p = r.data;
  assert.equal(p.stage, 'board');
  assert.equal(p.holder_code, 'T-SONLA');

  r = await step(off, 'approve', { comment: 'Đủ hồ sơ' });
  assert.equal(r.status, 200, r.text);
  p = r.data;
  assert.equal(p.stage, 'council');
  assert.equal((await step(off, 'approve')).status, 403, 'the council\'s stage is the council\'s');
  r = await step(council, 'approve', { comment: 'Hội đồng nhất trí' });
  assert.equal(r.status, 200, r.text);
  p = r.data;
  assert.equal(p.stage, 'authority');
  r = await step(off, 'approve');
  assert.equal(r.status, 200, r.text);
  p = r.data;
  assert.equal(p.stage, 'approved');
  assert.deepEqual(p.steps.map((s) => `${s.action}@${s.stage}`),
    ['submit@draft', 'return@board', 'submit@returned', 'approve@board', 'approve@council', 'approve@authority']);
  assert.equal(p.steps[1].comment, 'Bổ sung báo cáo thành tích có xác nhận của thủ trưởng');
  assert.deepEqual(p.steps.map((s) => s.by), ['cl.reporter', 'sl.officer', 'cl.reporter', 'sl.officer', 'sl.council', 'sl.officer']);
  // ended: no more steps
  const more = await step(off, 'reject', { comment: 'x' });
  assert.equal(more.status, 409);
});

test('an award above the level\'s power must be forwarded: the province forwards a Prime Minister\'s certificate to the level above', async () => {
  const rep = await as('cl.reporter');
  const off = await as('sl.officer');
  const council = await as('sl.council');
  let p = await draft(rep, 'Đề nghị Bằng khen của Thủ tướng');
  p = (await rep.post(`/api/v1/proposals/${p.id}/nominees`, { json: { person_code: 'SL-001', award: 'BK_TTG', version: p.version } })).data;
  const step = async (c, action, extra = {}) => {
    const r = await c.post(`/api/v1/proposals/${p.id}/steps`, { json: { action, version: p.version, ...extra } });
    if (r.status === 200) p = r.data;
    return r;
  };
  assert.equal((await step(rep, 'submit')).status, 200);
  assert.equal(p.holder_code, 'T-SONLA', 'the parent when no unit is named');
  assert.equal((await step(off, 'approve')).status, 200);
  assert.equal((await step(council, 'approve')).status, 200);
  const final = await step(off, 'approve');
  assert.equal(final.status, 409);
  assert.equal(final.data.error.fields.action, 'Cấp này không có thẩm quyền tặng mọi hình thức khen thưởng trong hồ sơ: hãy chuyển lên cấp trên');
  assert.equal((await step(off, 'forward', { comment: 'Trình Thủ tướng Chính phủ' })).status, 200);
  assert.equal(p.stage, 'board');
  assert.equal(p.holder_code, 'VN');
  // the province can no longer act on it
  assert.equal((await step(off, 'approve')).status, 403);
  assert.equal((await step(admin, 'reject', { comment: 'Chưa đủ 5 năm liên tục' })).status, 200);
  assert.equal(p.stage, 'rejected');
});

test('the pages: the list shows where each proposal is; the proposal\'s page shows its nominees and history, and its buttons move it', async () => {
  const b = new Client(srv.base);
  const login = await b.get('/login');
  await b.post('/login', { form: { login: 'cl.reporter', password: testPassword('cl.reporter'), next: '/', _csrf: csrfOf(login.text) } });
  const list = await b.get('/proposals');
  assert.equal(list.status, 200);
  assert.match(list.text, /Đề nghị khen thưởng năm 2024/);
  const created = await b.post('/proposals', { form: { _csrf: csrfOf(list.text), proposer_id: String(ward.id), title: 'Đề nghị qua trang', round: 'year_end', year: '2024' } });
  assert.equal(created.status, 303, created.text);
  const url = created.headers.get('location');
  const page = await b.get(url);
  assert.equal(page.status, 200);
  assert.match(page.text, /Thêm người được đề nghị/);
  const add = await b.post(url, { form: { _csrf: csrfOf(page.text), what: 'nominee', subject: 'person', person_id: String(lan.id), award: 'LDTT', version: '1' } });
  assert.equal(add.status, 303, add.text);
  const page2 = await b.get(url);
  assert.match(page2.text, /Lò Thị Lan/);
  assert.match(page2.text, /Lao động tiên tiến/);
  const sub = await b.post(url, { form: { _csrf: csrfOf(page2.text), what: 'step', action: 'submit', to_unit_id: String(prov.id), version: '2' } });
  assert.equal(sub.status, 303, sub.text);
  const page3 = await b.get(url);
  assert.match(page3.text, /Ban Thi đua|với Ban|Tỉnh Sơn La/);
  assert.match(page3.text, /đã trình/i);
});

test('a proposal\'s nominees export as XLSX and CSV', async () => {
  const rep = await as('cl.reporter');
  let p = await draft(rep, 'Đề nghị để xuất danh sách');
  p = (await rep.post(`/api/v1/proposals/${p.id}/nominees`, { json: { person_code: 'SL-001', award: 'LDTT', summary: 'Hoàn thành tốt', version: p.version } })).data;
  const csv = await rep.get(`/proposals/${p.id}/export?format=csv`);
  assert.equal(csv.status, 200);
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines.length, 2);
  assert.match(lines[1], /^1,Lò Thị Lan,SL-001,Phường Chiềng Lề,Lao động tiên tiến,/);
  const x = await rep.get(`/proposals/${p.id}/export?format=xlsx`);
  assert.equal(x.status, 200);
  assert.equal(x.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
});
