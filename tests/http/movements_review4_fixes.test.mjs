// Review round 4, movements: the "by unit" chart of a dashboard headed by one
// unit (item 2), a replication's date and its removal (5), the registration
// forms past the deadline (9), counts that follow the reader's scope (13) and
// a movement's parent, a campaign only (14). On the demo data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { csrfOf, formLogin, loginAs, sql, unescape } from './_util.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv;
const day = (offset) => officeDay(offset);
const textOf = (html) => unescape(html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());

const as = (login) => loginAs(srv.base, login, login === 'admin' ? env.adminPassword : env.demoUsers[login].password);
// a browser's session (the login form), for posting a page's forms
const browserAs = (login) => formLogin(srv.base, login, login === 'admin' ? env.adminPassword : env.demoUsers[login].password);
const unitId = (code) => Number(sql(env.db, `SELECT id FROM units WHERE code = '${code}'`));
const movementId = (code) => Number(sql(env.db, `SELECT id FROM movements WHERE code = '${code}'`));

// a launched movement of Quảng Yên, made through the API
async function movement(admin, code, extra = {}) {
  let r = await admin.post('/api/v1/movements', {
    json: {
      code, title: `Phong trào ${code}`, kind: 'regular', authority_code: 'QN-QUANGYEN', starts_on: day(-60), ends_on: day(300),
      register_by: day(30), scope: ['QN-QUANGYEN'], fields: ['economy'],
      metrics: [{ code: 'vnd', name: 'Kinh phí huy động', unit: 'VND', kind: 'amount' }], ...extra,
    },
  });
  assert.equal(r.status, 201, r.text);
  r = await admin.post(`/api/v1/movements/${r.data.id}/status`, { json: { status: 'launched', version: r.data.version } });
  assert.equal(r.status, 200, r.text);
  return r.data;
}

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
});
after(async () => { await srv?.stop(); });

test('2: the by-unit chart of a dashboard headed by one unit shows that unit, page and PDF', async () => {
  const admin = await as('admin');
  const yg = unitId('QY-P-YENGIANG');
  const r = await admin.get(`/movements/${movementId('DVK2024')}/dashboard?under=${yg}`);
  assert.equal(r.status, 200);
  const svg = r.text.match(/<svg [^>]*aria-label="Kinh phí huy động \(VND\)[^"]*">[\s\S]*?<\/svg>/);
  assert.ok(svg, 'the units chart is there');
  assert.match(svg[0], /aria-label="Kinh phí huy động \(VND\)">/, 'not "Không có dữ liệu"');
  assert.match(textOf(svg[0]), /Phường Yên Giang/);
  assert.match(textOf(svg[0]), /1\.257\.000\.000/);
});

test('5: a replication dated in the future or before the model started is refused; the organiser removes one', async () => {
  const admin = await as('admin');
  const m = await movement(admin, 'R4-REP');
  let r = await admin.post(`/api/v1/movements/${m.id}/registrations`, { json: { unit_code: 'QY-P-YENGIANG', pledge: 'Tham gia' } });
  assert.equal(r.status, 201, r.text);
  r = await admin.post(`/api/v1/movements/${m.id}/models`, {
    json: { unit_code: 'QY-P-YENGIANG', title: 'Mô hình nhân rộng', field: 'economy', started_on: day(-20) },
  });
  assert.equal(r.status, 201, r.text);
  const model = r.data;
  r = await admin.post(`/api/v1/models/${model.id}/assessment`, { json: { status: 'effective', version: model.version } });
  assert.equal(r.status, 200, r.text);
  const other = sql(env.db, "SELECT code FROM units WHERE code = 'QY-P-YENGIANG-MTTQ'");
  r = await admin.post(`/api/v1/models/${model.id}/replications`, { json: { unit_code: other, adopted_on: day(365) } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.data.error.fields, { adopted_on: 'Không được là ngày trong tương lai' });
  r = await admin.post(`/api/v1/models/${model.id}/replications`, { json: { unit_code: other, adopted_on: day(-21) } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.data.error.fields, { adopted_on: 'Không được trước ngày bắt đầu của mô hình' });
  r = await admin.post(`/api/v1/models/${model.id}/replications`, { json: { unit_code: other, adopted_on: day(-20) } });
  assert.equal(r.status, 201, r.text);
  r = await admin.post(`/api/v1/models/${model.id}/replications`, { json: { unit_code: 'QY-TD', adopted_on: day(0) } });
  assert.equal(r.status, 201, r.text);
  let list = await admin.get(`/api/v1/models/${model.id}/replications`);
  assert.equal(list.data.items.length, 2);
  const [first, second] = list.data.items;

  // the API removes one, audited; another model's replication is not found there
  r = await admin.req('DELETE', `/api/v1/models/${model.id + 100000}/replications/${first.id}`);
  assert.equal(r.status, 404);
  r = await admin.req('DELETE', `/api/v1/models/${model.id}/replications/${first.id}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.replications, 1);
  r = await admin.req('DELETE', `/api/v1/models/${model.id}/replications/${first.id}`);
  assert.equal(r.status, 404);
  assert.equal(sql(env.db, `SELECT count(*) FROM audit_log WHERE action = 'remove replication' AND entity = 'model' AND entity_id = ${model.id}`), '1');

  // a reporter may not
  const rep = await as('quangyen.reporter');
  r = await rep.req('DELETE', `/api/v1/models/${model.id}/replications/${second.id}`);
  assert.equal(r.status, 403);

  // the page's button, with the page's CSRF token
  const browser = await browserAs('admin');
  const page = await browser.get(`/models/${model.id}`);
  const action = `/models/${model.id}/replications/${second.id}/delete`;
  assert.ok(page.text.includes(`action="${action}"`), 'a remove button for the replication');
  r = await browser.post(action, { form: {} });
  assert.equal(r.status, 403, 'no CSRF token');
  r = await browser.post(action, { form: { _csrf: csrfOf(page.text) } });
  assert.equal(r.status, 303, r.text);
  list = await admin.get(`/api/v1/models/${model.id}/replications`);
  assert.equal(list.data.items.length, 0);

  // without a start date, the movement's start is the limit
  r = await admin.post(`/api/v1/movements/${m.id}/models`, { json: { unit_code: 'QY-P-YENGIANG', title: 'Không ngày bắt đầu', field: 'economy' } });
  assert.equal(r.status, 201, r.text);
  const m2 = r.data;
  r = await admin.post(`/api/v1/models/${m2.id}/assessment`, { json: { status: 'effective', version: m2.version } });
  assert.equal(r.status, 200, r.text);
  r = await admin.post(`/api/v1/models/${m2.id}/replications`, { json: { unit_code: 'QY-TD', adopted_on: day(-61) } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.data.error.fields, { adopted_on: 'Không được trước ngày bắt đầu của phong trào' });
});

test('9: past the deadline a reporter gets a notice instead of the registration forms; an officer keeps them', async () => {
  const admin = await as('admin');
  const m = await movement(admin, 'R4-LATE', { register_by: day(-1) });
  const rep = await as('quangyen.reporter');
  const NOTICE = 'Đã hết hạn đăng ký; cán bộ Ban Thi đua – Khen thưởng có thể đăng ký thay cho đơn vị';
  let r = await rep.get(`/movements/${m.id}`);
  assert.equal(r.status, 200);
  assert.ok(!r.text.includes(`action="/movements/${m.id}/registrations"`), 'no registration form');
  assert.ok(textOf(r.text).includes(NOTICE));
  r = await rep.get(`/movements/${m.id}/models`);
  assert.ok(!r.text.includes(`method="post" action="/movements/${m.id}/models"`), 'no model form');
  assert.ok(textOf(r.text).includes(NOTICE));
  for (const path of [`/movements/${m.id}`, `/movements/${m.id}/models`]) {
    r = await admin.get(path);
    assert.ok(r.text.includes(`method="post" action="${path === `/movements/${m.id}` ? `/movements/${m.id}/registrations` : path}"`), path);
    assert.ok(!textOf(r.text).includes(NOTICE), path);
  }
  // before the deadline the reporter has the form
  const open = await movement(admin, 'R4-OPEN');
  r = await rep.get(`/movements/${open.id}`);
  assert.ok(r.text.includes(`action="/movements/${open.id}/registrations"`));
  assert.ok(!textOf(r.text).includes(NOTICE));
});

test('13: a reader outside the scope gets the counts of their own units', async () => {
  const rep = await as('sonla.stttt.reporter');
  const id = movementId('DVK2024');
  const r = await rep.get(`/movements/${id}`);
  assert.equal(r.status, 200);
  const t = textOf(r.text);
  assert.match(t, /Đơn vị đã đăng ký \(0\)/);
  assert.match(t, /Chưa có đơn vị nào của bạn đăng ký\./);
  assert.match(t, /Mô hình \(0\)/);
  // the organiser sees the whole movement
  const admin = await as('admin');
  const a = textOf((await admin.get(`/movements/${id}`)).text);
  assert.match(a, /Đơn vị đã đăng ký \(32\)/);
  assert.match(a, /Mô hình \(138\)/);
  // a reporter inside the scope: their units
  const qy = await as('quangyen.reporter');
  const q = textOf((await qy.get(`/movements/${id}`)).text);
  assert.match(q, /Đơn vị đã đăng ký \(32\)/);
});

test('14: a movement belongs only to a readable campaign that is not closed', async () => {
  const admin = await as('admin');
  const PARENT = 'Phong trào chỉ có thể thuộc một đợt thi đua (đợt thi đua đặc biệt)';
  const base = {
    title: 'Phong trào con', kind: 'thematic', authority_code: 'T-SONLA', starts_on: day(0), ends_on: day(200), register_by: day(30),
    scope: ['T-SONLA'], fields: ['economy'], metrics: [],
  };
  let r = await admin.post('/api/v1/movements', { json: { ...base, code: 'R4-P1', parent_id: movementId('DVK2024') } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.data.error.fields, { parent_id: PARENT });
  r = await admin.post('/api/v1/movements', { json: { ...base, code: 'R4-P2', parent_id: movementId('SL-DTDB-2025') } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.data.error.fields, { parent_id: 'Đợt thi đua đã kết thúc: không thể thêm phong trào vào đợt này' });
  // a launched campaign is accepted
  r = await admin.post('/api/v1/movements', { json: { ...base, code: 'R4-CAMP', title: 'Đợt thi đua R4', kind: 'campaign' } });
  assert.equal(r.status, 201, r.text);
  const camp = r.data;
  r = await admin.post(`/api/v1/movements/${camp.id}/status`, { json: { status: 'launched', version: camp.version } });
  assert.equal(r.status, 200, r.text);
  r = await admin.post('/api/v1/movements', { json: { ...base, code: 'R4-P3', parent_id: camp.id } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.parent_code, 'R4-CAMP');
  // a draft campaign (read by its organiser) may take movements too
  r = await admin.post('/api/v1/movements', { json: { ...base, code: 'R4-DRAFT', title: 'Đợt nháp', kind: 'campaign' } });
  assert.equal(r.status, 201, r.text);
  const draft = r.data;
  // the form's select offers the campaigns only, closed ones left out
  const page = await admin.get('/movements/new');
  const select = page.text.match(/<select id="f-parent_id"[\s\S]*?<\/select>/)[0];
  const values = [...select.matchAll(/<option value="(\d+)"/g)].map((m) => Number(m[1]));
  assert.ok(values.includes(camp.id) && values.includes(draft.id), select);
  assert.ok(!values.includes(movementId('DVK2024')), 'no regular movement');
  assert.ok(!values.includes(movementId('SL-DTDB-2025')), 'no closed campaign');
  const kinds = sql(env.db, `SELECT DISTINCT kind || ':' || status FROM movements WHERE id IN (${values.join(',')}) ORDER BY 1`);
  assert.ok(kinds.split('\n').every((k) => /^campaign:(draft|launched|reviewing)$/.test(k)), kinds);
  // the form refuses it at the field, translated
  const browser = await browserAs('admin');
  const form = await browser.get('/movements/new');
  r = await browser.post('/movements', {
    form: {
      _csrf: csrfOf(form.text), code: 'R4-P4', title: 'Phong trào con', kind: 'thematic', authority_id: String(unitId('T-SONLA')),
      starts_on: day(0), ends_on: day(200), register_by: day(30), parent_id: String(movementId('DVK2024')),
    },
  });
  assert.equal(r.status, 422);
  assert.match(r.text, /<p class="field-error" id="e-parent_id">Phong trào chỉ có thể thuộc một đợt thi đua \(đợt thi đua đặc biệt\)<\/p>/);
});
