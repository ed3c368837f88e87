// Stale forms on the units, people, tasks, indicator-definition and cluster-year pages:
// two sessions open the same edit form, one saves, the other's save comes
// back as the form again (409) with what was typed, the current version in
// its hidden field and the message; saving that form again applies it.
// English counts of tasks and days in the language's plural form
// ("1 task", "2 tasks", "1 day late", "1 line").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { csrfOf, formLogin, mkPerson, mkUnit, sql } from './_util.mjs';

let env, srv, admin, ward;
const en = { headers: { 'Accept-Language': 'en' } };

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const prov = await mkUnit(admin, 'T-XCONF', 'Tỉnh Thử Xung Đột', 'province');
  ward = await mkUnit(admin, 'P-XCONF', 'Phường Thử Xung Đột', 'ward', prov.id);
});

after(async () => {
  if (srv) await srv.stop();
});

const password = (login) => (login === 'admin' ? env.adminPassword : env.demoUsers[login].password);

const browser = (login = 'admin') => formLogin(srv.base, login, password(login));

const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.data; };
const notice = (v) => `Người khác đã thay đổi bản ghi này sau khi bạn mở biểu mẫu; bản ghi hiện ở phiên bản ${v}. Những gì bạn đã nhập vẫn được giữ bên dưới: hãy đối chiếu với bản ghi hiện tại rồi lưu lại để áp dụng.`;
const hidden = (v) => `<input type="hidden" name="version" value="${v}">`;

// the stale save's page: 409, the typed text kept, the current version, the message, not the bare error page
function assertStale(r, v, typed) {
  assert.equal(r.status, 409, r.text);
  assert.ok(r.text.includes(notice(v)), 'the message over the current version');
  for (const t of typed) assert.ok(r.text.includes(t), `what was typed stays in the form: ${t}`);
  assert.ok(r.text.includes(hidden(v)), 'the hidden version is the current one');
  assert.ok(!r.text.includes(hidden(v - 1)), 'no form keeps the stale version');
  assert.ok(!r.text.includes('<h1>Đã bị người khác thay đổi</h1>'), 'not the bare error page');
}

test('units: a unit edited in another session meanwhile: 409 with the form again over the current version; saving again applies it', async () => {
  const unit = await mkUnit(admin, 'P-XCONF-A', 'Tổ Thử A', 'subunit', ward.id);
  const [a, b] = [await browser(), await browser()];
  const pa = await a.get(`/units/${unit.id}`);
  const pb = await b.get(`/units/${unit.id}`);
  assert.ok(pb.text.includes(hidden(unit.version)));
  ok(await a.post(`/units/${unit.id}`, { form: { _csrf: csrfOf(pa.text), action: 'edit', version: String(unit.version), code: 'P-XCONF-A', name: 'Tổ Thử A (phiên A)', kind: 'subunit' } }), 303);
  const form = { _csrf: csrfOf(pb.text), action: 'edit', version: String(unit.version), code: 'P-XCONF-A', name: 'Tổ Thử A gõ ở phiên B', kind: 'subunit' };
  const r = await b.post(`/units/${unit.id}`, { form });
  assertStale(r, unit.version + 1, ['id="f-name" name="name" value="Tổ Thử A gõ ở phiên B"']);
  assert.equal(ok(await admin.get(`/api/v1/units/${unit.id}`)).name, 'Tổ Thử A (phiên A)');
  ok(await b.post(`/units/${unit.id}`, { form: { ...form, _csrf: csrfOf(r.text), version: String(unit.version + 1) } }), 303);
  const now = ok(await admin.get(`/api/v1/units/${unit.id}`));
  assert.equal(now.name, 'Tổ Thử A gõ ở phiên B');
  assert.equal(now.version, unit.version + 2);
});

test('people: a person edited in another session meanwhile: 409 with the form again over the current version; saving again applies it', async () => {
  const p = await mkPerson(admin, { full_name: 'Lò Văn Xung', gender: 'M', unit_id: ward.id, code: 'XC-001', position: 'Cán bộ' });
  const [a, b] = [await browser(), await browser()];
  const pa = await a.get(`/people/${p.id}`);
  const pb = await b.get(`/people/${p.id}`);
  const base = { version: String(p.version), full_name: 'Lò Văn Xung', gender: 'M', birth_year: '', code: 'XC-001', unit_id: String(ward.id), active: '1' };
  ok(await a.post(`/people/${p.id}`, { form: { ...base, _csrf: csrfOf(pa.text), position: 'Phó trưởng phòng' } }), 303);
  const form = { ...base, _csrf: csrfOf(pb.text), position: 'Chức vụ gõ ở phiên B' };
  const r = await b.post(`/people/${p.id}`, { form });
  assertStale(r, p.version + 1, ['id="f-position" name="position" value="Chức vụ gõ ở phiên B"']);
  assert.equal(ok(await admin.get(`/api/v1/people/${p.id}`)).position, 'Phó trưởng phòng');
  ok(await b.post(`/people/${p.id}`, { form: { ...form, _csrf: csrfOf(r.text), version: String(p.version + 1) } }), 303);
  assert.equal(ok(await admin.get(`/api/v1/people/${p.id}`)).position, 'Chức vụ gõ ở phiên B');
});

function day(n) {
  const d = new Date(Date.now() + 7 * 3600e3 + n * 86400e3);
  return d.toISOString().slice(0, 10);
}

async function programme(officer, code) {
  return ok(await officer.post('/api/v1/programmes', { json: { code, title: `Kế hoạch ${code}`, kind: 'plan', owner_code: 'T-CAMAU-BCD57' } }), 201);
}

async function task(officer, p, code, extra = {}) {
  return ok(await officer.post('/api/v1/tasks', {
    json: { programme_id: p.id, code, title: 'Số hoá hồ sơ', lead_code: 'T-CAMAU-SKHCN', assigned_on: day(-30), due_on: day(5), ...extra },
  }), 201);
}

test('tasks: a task corrected in another session meanwhile: 409 with the correction form again over the current version; saving again applies it', async () => {
  const officer = new Client(srv.base);
  await officer.login('camau.officer', password('camau.officer'));
  const p = await programme(officer, 'KH-XCONF');
  const t = await task(officer, p, 'XC-1');
  const lead = sql(env.db, "SELECT id FROM units WHERE code = 'T-CAMAU-SKHCN'");
  const [a, b] = [await browser('camau.officer'), await browser('camau.officer')];
  const pa = await a.get(`/tasks/${t.id}`);
  const pb = await b.get(`/tasks/${t.id}`);
  const base = { version: String(t.version), title: 'Số hoá hồ sơ', lead_id: String(lead), source_doc: '', source_article: '', product: '' };
  ok(await a.post(`/tasks/${t.id}/edit`, { form: { ...base, _csrf: csrfOf(pa.text), title: 'Số hoá hồ sơ (phiên A)' } }), 303);
  const form = { ...base, _csrf: csrfOf(pb.text), title: 'Số hoá hồ sơ gõ ở phiên B', product: 'Kho dữ liệu số' };
  const r = await b.post(`/tasks/${t.id}/edit`, { form });
  assertStale(r, t.version + 1, ['id="f-edit-title" name="title" required value="Số hoá hồ sơ gõ ở phiên B"', 'id="f-edit-product" name="product" value="Kho dữ liệu số"']);
  assert.ok(r.text.includes('<details class="card" id="edit-task" open>'), 'the correction form is open');
  assert.equal(ok(await officer.get(`/api/v1/tasks/${t.id}`)).title, 'Số hoá hồ sơ (phiên A)');
  ok(await b.post(`/tasks/${t.id}/edit`, { form: { ...form, _csrf: csrfOf(r.text), version: String(t.version + 1) } }), 303);
  const now = ok(await officer.get(`/api/v1/tasks/${t.id}`));
  assert.equal(now.title, 'Số hoá hồ sơ gõ ở phiên B');
  assert.equal(now.product, 'Kho dữ liệu số');
});

test('indicator definitions: a definition saved in another session meanwhile: 409 with the form again over the current version; saving again applies it', async () => {
  const x = ok(await admin.post('/api/v1/indicators', { json: { code: 'xconf_trained', name_vi: 'Cán bộ được bồi dưỡng', name_en: 'Staff trained', name_hi: 'प्रशिक्षित कर्मचारी',
    kind: 'number', aggregation: 'sum', direction: 'higher', period_type: 'year' } }), 201);
  const [a, b] = [await browser(), await browser()];
  const pa = await a.get(`/indicators/definitions/${x.id}`);
  const pb = await b.get(`/indicators/definitions/${x.id}`);
  const base = { version: String(x.version), code: x.code, name_vi: x.name_vi, name_en: x.name_en, name_hi: x.name_hi, measure: 'người', kind: x.kind, factor: '100',
    aggregation: x.aggregation, direction: x.direction, period_type: x.period_type, decimals: '0', active: '1' };
  ok(await a.post(`/indicators/definitions/${x.id}`, { form: { ...base, _csrf: csrfOf(pa.text), name_en: 'Staff trained (A)' } }), 303);
  const form = { ...base, _csrf: csrfOf(pb.text), name_en: 'Staff trained, typed in B' };
  const r = await b.post(`/indicators/definitions/${x.id}`, { form });
  assertStale(r, x.version + 1, ['id="f-name_en" name="name_en" value="Staff trained, typed in B"']);
  ok(await b.post(`/indicators/definitions/${x.id}`, { form: { ...form, _csrf: csrfOf(r.text), version: String(x.version + 1) } }), 303);
  const now = ok(await admin.get('/api/v1/indicators')).items.find((i) => i.code === 'xconf_trained');
  assert.equal(now.name_en, 'Staff trained, typed in B');
});

test('cluster years: a criterion added in another session meanwhile: 409 with the criterion form again over the current version; saving again adds it', async () => {
  const k = ok(await admin.post('/api/v1/clusters', { json: { code: 'KHOI-XCONF', name: 'Khối thử xung đột', kind: 'bloc', organiser_code: 'VN' } }), 201);
  const y = ok(await admin.post(`/api/v1/clusters/${k.id}/years`, { json: { year: 2024, members: ['QN-QUANGYEN', 'T-SONLA'], cross_mode: 'all' } }), 201);
  const api = `/api/v1/clusters/${k.id}/years/2024`;
  const page = `/clusters/${k.id}/years/2024`;
  const [a, b] = [await browser(), await browser()];
  const pa = await a.get(page);
  const pb = await b.get(page);
  assert.ok(pb.text.includes('id="criterion-form"'), 'the criterion form is offered');
  ok(await a.post(page, { form: { _csrf: csrfOf(pa.text), what: 'criterion', version: String(y.version), orig: '', c_code: 'A1', c_title: 'Tiêu chí phiên A', c_kind: 'score', c_max: '5' } }), 303);
  const v = ok(await admin.get(api)).version;
  assert.ok(v > y.version);
  const form = { _csrf: csrfOf(pb.text), what: 'criterion', version: String(y.version), orig: '', c_code: 'B1', c_title: 'Tiêu chí gõ ở phiên B', c_kind: 'score', c_max: '3' };
  const r = await b.post(page, { form });
  assert.equal(r.status, 409, r.text);
  assert.ok(r.text.includes(notice(v)), 'the message over the current version');
  assert.match(r.text, /<input id="f-c_code" name="c_code"[^>]* value="B1"/);
  assert.match(r.text, /<input id="f-c_title" name="c_title"[^>]* value="Tiêu chí gõ ở phiên B"/);
  assert.ok(r.text.includes(`<input type="hidden" name="what" value="criterion"><input type="hidden" name="version" value="${v}">`), 'the hidden version is the current one');
  assert.ok(!r.text.includes(`name="version" value="${y.version}"`), 'no form keeps the stale version');
  assert.deepEqual(ok(await admin.get(api)).criteria.map((c) => c.code), ['A1']);
  ok(await b.post(page, { form: { ...form, _csrf: csrfOf(r.text), version: String(v) } }), 303);
  assert.deepEqual(ok(await admin.get(api)).criteria.map((c) => c.code), ['A1', 'B1']);
});

test('English counts: "1 task", "2 tasks" on a programme; "1 day late", "2 days late" on a task', async () => {
  const officer = new Client(srv.base);
  await officer.login('camau.officer', password('camau.officer'));
  const p = await programme(officer, 'KH-XPLURAL');
  await task(officer, p, 'XP-1');
  let page = await officer.get(`/programmes/${p.id}`, en);
  assert.match(page.text, /<b id="n-total">1<\/b> task<\/li>/);
  await task(officer, p, 'XP-2');
  page = await officer.get(`/programmes/${p.id}`, en);
  assert.match(page.text, /<b id="n-total">2<\/b> tasks<\/li>/);
  // Vietnamese has no plural
  page = await officer.get(`/programmes/${p.id}`);
  assert.match(page.text, /<b id="n-total">2<\/b> nhiệm vụ<\/li>/);
  const late1 = await task(officer, p, 'XP-3', { due_on: day(-1) });
  const late2 = await task(officer, p, 'XP-4', { due_on: day(-2) });
  assert.match((await officer.get(`/tasks/${late1.id}`, en)).text, / · 1 day late<\/p>/);
  assert.match((await officer.get(`/tasks/${late2.id}`, en)).text, / · 2 days late<\/p>/);
});

test('English counts on an import job\'s page: "1 line", "2 lines"', async () => {
  // a movement of the test ward, launched, the ward registered
  const r = ok(await admin.post('/api/v1/movements', {
    json: { code: 'XCONF-JOBS', title: 'Phong trào thử đếm', kind: 'regular', authority_code: 'P-XCONF', starts_on: day(-10), ends_on: day(300),
      register_by: day(30), scope: ['P-XCONF'], fields: ['economy'] },
  }), 201);
  const mv = ok(await admin.post(`/api/v1/movements/${r.id}/status`, { json: { status: 'launched', version: r.version } }));
  const imp = async (csv, kind = 'models') => {
    const fd = new FormData();
    fd.append('file', new Blob([csv]), 'm.csv');
    const j = await admin.waitJob(await admin.req('POST', `/api/v1/movements/${mv.id}/import/${kind}`, { raw: fd }));
    assert.equal(j.status, 'done', JSON.stringify(j));
    return (await admin.get(`/jobs/${j.id}`, en)).text;
  };
  await imp('unit_code,pledge\nP-XCONF,Đăng ký\n', 'registrations');
  const one = await imp('code,unit_code,title,field\nXJ-1,P-XCONF,Mô hình thử một,economy\n');
  assert.ok(one.includes('The file was imported: 1 line — 1 new, 0 changed, 0 unchanged.'), one.match(/<p class="notice">.*<\/p>/)?.[0]);
  const two = await imp('code,unit_code,title,field\nXJ-2,P-XCONF,Mô hình thử hai,economy\nXJ-3,P-XCONF,Mô hình thử ba,economy\n');
  assert.ok(two.includes('The file was imported: 2 lines — 2 new, 0 changed, 0 unchanged.'), two.match(/<p class="notice">.*<\/p>/)?.[0]);
});
