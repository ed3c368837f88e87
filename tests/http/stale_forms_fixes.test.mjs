// Stale forms and repeated clicks, as a user of the pages meets them: a rule
// set or a proposal saved by someone else meanwhile gives the form back with
// what was typed (409, a message over the current version); adding another
// nominee is no conflict; a double click lands on the success page; a 409
// for a step refused at this stage is titled so; a proposal is edited on its
// page; a step by the wrong role says whose stage it is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, addUser, startServer, Client, testPassword } from '../lib/server.mjs';
import { csrfOf, formLogin, mkPerson, mkUnit, sql } from './_util.mjs';

let env, srv, admin, ward;

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const prov = await mkUnit(admin, 'T-XFORMS', 'Tỉnh Thử Biểu Mẫu', 'province');
  ward = await mkUnit(admin, 'P-XFORMS', 'Phường Thử Biểu Mẫu', 'ward', prov.id);
  await mkPerson(admin, { full_name: 'Lò Thị Lan', gender: 'F', unit_id: ward.id, code: 'XF-001' });
  await mkPerson(admin, { full_name: 'Cầm Văn Khác', gender: 'M', unit_id: ward.id, code: 'XF-002' });
  addUser(env.db, 'xf.officer', 'officer', 'T-XFORMS');
});

after(async () => {
  if (srv) await srv.stop();
});

const browser = (login = 'admin', password = env.adminPassword) => formLogin(srv.base, login, password);

const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.data; };
const hiddenVersion = (html, what) => Number(html.match(new RegExp(`name="version" value="(\\d+)"><input type="hidden" name="what" value="${what}"`))[1]);
const notice = (v) => `Người khác đã thay đổi bản ghi này sau khi bạn mở biểu mẫu; bản ghi hiện ở phiên bản ${v}. Những gì bạn đã nhập vẫn được giữ bên dưới: hãy đối chiếu với bản ghi hiện tại rồi lưu lại để áp dụng.`;

async function draft(title = 'Đề nghị thử biểu mẫu') {
  return ok(await admin.post('/api/v1/proposals', { json: { title, round: 'year_end', year: 2024, proposer_code: 'P-XFORMS', summary: 'Tóm tắt ban đầu' } }), 201);
}

test('a rule set saved meanwhile: 409 with the form again, the typed rule kept, the message and the current version; saving again applies it', async () => {
  const rs = ok(await admin.post('/api/v1/rule-sets', { json: { award: 'GK', legal_basis: 'Nghị định thử', effective_from: '2090-01-01', rules: 'title LDTT this year' } }), 201);
  const b = await browser();
  const page = await b.get(`/rules/${rs.id}`);
  const csrf = csrfOf(page.text);
  // tab A (the API here) saves first
  ok(await admin.patch(`/api/v1/rule-sets/${rs.id}`, { json: { version: rs.version, legal_basis: 'Nghị định thử, sửa' } }));
  const typed = 'title LDTT last year # gõ ở thẻ B';
  const r = await b.post(`/rules/${rs.id}`, { form: { _csrf: csrf, version: String(rs.version), legal_basis: 'Nghị định B', effective_from: '01/01/2090', rules: typed, active: '1' } });
  assert.equal(r.status, 409);
  assert.ok(r.text.includes(notice(rs.version + 1)), r.text);
  assert.ok(r.text.includes(`>\n${typed}</textarea>`), 'the typed rule stays in the form');
  assert.ok(r.text.includes('value="Nghị định B"'), 'the typed legal basis stays');
  assert.ok(r.text.includes(`<input type="hidden" name="version" value="${rs.version + 1}">`), 'the hidden version is the current one');
  assert.ok(!r.text.includes('<h1>Đã bị người khác thay đổi</h1>'), 'not the bare error page');
  const again = await b.post(`/rules/${rs.id}`, { form: { _csrf: csrf, version: String(rs.version + 1), legal_basis: 'Nghị định B', effective_from: '01/01/2090', rules: typed, active: '1' } });
  assert.equal(again.status, 303, again.text);
  const now = ok(await admin.get(`/api/v1/rule-sets/${rs.id}`));
  assert.equal(now.rules, typed);
  assert.equal(now.legal_basis, 'Nghị định B');
});

test('adding a nominee after another was added meanwhile is no conflict', async () => {
  const p = await draft();
  const b = await browser();
  const page = await b.get(`/proposals/${p.id}`);
  const v = hiddenVersion(page.text, 'nominee');
  ok(await admin.post(`/api/v1/proposals/${p.id}/nominees`, { json: { person_code: 'XF-001', award: 'BK_BO_TINH', version: p.version } }), 201);
  const r = await b.post(`/proposals/${p.id}`, { form: { _csrf: csrfOf(page.text), version: String(v), what: 'nominee', subject: 'person', person_id: String(sql(env.db, "SELECT id FROM people WHERE code = 'XF-002'")), award: 'BK_BO_TINH', summary: 'Thành tích của anh Khác' } });
  assert.equal(r.status, 303, r.text);
  const now = ok(await admin.get(`/api/v1/proposals/${p.id}`));
  assert.deepEqual(now.nominees.map((x) => x.person_name).sort(), ['Cầm Văn Khác', 'Lò Thị Lan']);
  assert.equal(now.nominees.find((x) => x.person_name === 'Cầm Văn Khác').summary, 'Thành tích của anh Khác');
});

test('a stale step on the proposal page: 409, the page again with the comment typed and the message; a double click lands on the success page', async () => {
  const p = await draft('Đề nghị thử bước');
  ok(await admin.post(`/api/v1/proposals/${p.id}/nominees`, { json: { person_code: 'XF-001', award: 'BK_BO_TINH' } }), 201);
  const b = await browser();
  const page = await b.get(`/proposals/${p.id}`);
  const v = hiddenVersion(page.text, 'step');
  const form = { _csrf: csrfOf(page.text), version: String(v), what: 'step', action: 'submit', to_unit_id: '', comment: 'Kính trình Tỉnh' };
  form.to_unit_id = String(sql(env.db, "SELECT id FROM units WHERE code = 'T-XFORMS'"));
  // a double click: the same form twice; both land where the first did, with its message
  const first = await b.post(`/proposals/${p.id}`, { form });
  assert.equal(first.status, 303, first.text);
  const second = await b.post(`/proposals/${p.id}`, { form });
  assert.equal(second.status, 303, second.text);
  assert.equal(second.headers.get('location'), `/proposals/${p.id}`);
  assert.ok(second.headers.getSetCookie().some((c) => c.startsWith('tdflash=Done')), 'the success message again');
  const shown = await b.get(`/proposals/${p.id}`);
  assert.ok(shown.text.includes('Xong: hồ sơ đã được chuyển bước'));
  assert.ok(!shown.text.includes('Đã bị người khác thay đổi'));
  const now = ok(await admin.get(`/api/v1/proposals/${p.id}`));
  assert.deepEqual(now.steps.map((s) => s.action), ['submit'], 'one step, not two');
  // a stale step (another comment, so no repeat): the page again with what was typed
  const stale = await b.post(`/proposals/${p.id}`, { form: { ...form, action: 'approve', comment: 'Đồng ý trình Hội đồng' } });
  assert.equal(stale.status, 409);
  assert.ok(stale.text.includes(notice(now.version)), stale.text);
  assert.ok(stale.text.includes('>Đồng ý trình Hội đồng</textarea>'), 'the typed comment stays');
  assert.ok(stale.text.includes(`name="version" value="${now.version}"><input type="hidden" name="what" value="step">`));
});

test('a 409 for a step refused at this stage is titled so, not "changed by someone else"', async () => {
  const row = sql(env.db, 'SELECT id, version, person_id FROM achievements WHERE decision_id IS NOT NULL AND person_id IS NOT NULL ORDER BY id LIMIT 1').split('|');
  const b = await browser();
  const page = await b.get(`/people/${row[2]}`);
  const del = await b.post(`/achievements/${row[0]}/delete`, { form: { _csrf: csrfOf(page.text), version: row[1] } });
  assert.equal(del.status, 409);
  assert.match(del.text, /<h1>Không thực hiện được ở bước này<\/h1>/);
  assert.match(del.text, /<title>Không thực hiện được ở bước này/);
  assert.ok(!del.text.includes('Đã bị người khác thay đổi'));
  const en = await b.post(`/achievements/${row[0]}/delete`, { form: { _csrf: csrfOf(page.text), version: row[1], lang: 'en' }, headers: { Cookie: 'lang=en' } });
  assert.equal(en.status, 409);
});

test('the proposing unit edits a draft on its page: saved, errors listed with links and kept, a stale edit kept over the current version', async () => {
  const p = await draft('Tiêu đề cũ');
  const b = await browser();
  let page = await b.get(`/proposals/${p.id}`);
  assert.ok(page.text.includes('<summary>Sửa hồ sơ đề nghị</summary>'));
  const csrf = csrfOf(page.text);
  const v = hiddenVersion(page.text, 'edit');
  const bad = await b.post(`/proposals/${p.id}`, { form: { _csrf: csrf, version: String(v), what: 'edit', title: '', round: 'year_end', year: '20xx', summary: 'Tóm tắt mới' } });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /<div class="error-summary error-msg" role="alert" id="error-summary">/);
  assert.match(bad.text, /<a href="#f-title">Tên gọi: Bắt buộc nhập<\/a>/);
  assert.match(bad.text, /<a href="#f-year">Năm: Phải là số nguyên<\/a>/);
  assert.ok(bad.text.includes('name="year" value="20xx"'), 'the year as typed');
  assert.ok(bad.text.includes('>Tóm tắt mới</textarea>'), 'the summary as typed');
  const good = await b.post(`/proposals/${p.id}`, { form: { _csrf: csrf, version: String(v), what: 'edit', title: 'Tiêu đề mới', round: 'unexpected', year: '2025', summary: 'Tóm tắt mới' } });
  assert.equal(good.status, 303, good.text);
  let now = ok(await admin.get(`/api/v1/proposals/${p.id}`));
  assert.deepEqual([now.title, now.round, now.year, now.summary], ['Tiêu đề mới', 'unexpected', 2025, 'Tóm tắt mới']);
  // tab B still at the old version
  const stale = await b.post(`/proposals/${p.id}`, { form: { _csrf: csrf, version: String(v), what: 'edit', title: 'Tiêu đề thẻ B', round: 'year_end', year: '2024', summary: 'Tóm tắt thẻ B' } });
  assert.equal(stale.status, 409);
  assert.ok(stale.text.includes(notice(now.version)));
  assert.ok(stale.text.includes('value="Tiêu đề thẻ B"') && stale.text.includes('>Tóm tắt thẻ B</textarea>'));
  assert.equal(hiddenVersion(stale.text, 'edit'), now.version);
  // a submitted proposal is no longer edited by its proposer on the page
  ok(await admin.post(`/api/v1/proposals/${p.id}/nominees`, { json: { person_code: 'XF-001', award: 'BK_BO_TINH' } }), 201);
  now = ok(await admin.get(`/api/v1/proposals/${p.id}`));
  ok(await admin.post(`/api/v1/proposals/${p.id}/steps`, { json: { action: 'submit', to_unit: 'T-XFORMS', version: now.version } }));
  page = await b.get(`/proposals/${p.id}`);
  assert.ok(!page.text.includes('Sửa hồ sơ đề nghị'));
});

test('an officer in scope at the council stage is told that only the council may act, not "outside your units"', async () => {
  const p = await draft('Đề nghị thử hội đồng');
  ok(await admin.post(`/api/v1/proposals/${p.id}/nominees`, { json: { person_code: 'XF-001', award: 'BK_BO_TINH' } }), 201);
  let now = ok(await admin.get(`/api/v1/proposals/${p.id}`));
  now = ok(await admin.post(`/api/v1/proposals/${p.id}/steps`, { json: { action: 'submit', to_unit: 'T-XFORMS', version: now.version } }));
  now = ok(await admin.post(`/api/v1/proposals/${p.id}/steps`, { json: { action: 'approve', version: now.version } }));
  assert.equal(now.stage, 'council');
  const off = new Client(srv.base);
  await off.login('xf.officer', testPassword('xf.officer'));
  const r = await off.post(`/api/v1/proposals/${p.id}/steps`, { json: { action: 'approve', version: now.version } });
  assert.equal(r.status, 403);
  assert.equal(r.data.error.message, 'Ở bước này chỉ Hội đồng thi đua – khen thưởng mới được xử lý');
  const en = await off.post(`/api/v1/proposals/${p.id}/steps`, { json: { action: 'approve', version: now.version }, headers: { 'Accept-Language': 'en' } });
  assert.equal(en.status, 403);
  // the page's form says the same
  const b = await browser('xf.officer', testPassword('xf.officer'));
  const page = await b.get(`/proposals/${p.id}`);
  const w = await b.post(`/proposals/${p.id}`, { form: { _csrf: csrfOf(page.text), version: String(now.version), what: 'step', action: 'approve', comment: '' } });
  assert.equal(w.status, 403);
  assert.ok(w.text.includes('Ở bước này chỉ Hội đồng thi đua – khen thưởng mới được xử lý'));
  assert.ok(!w.text.includes('Nằm ngoài phạm vi'));
});
