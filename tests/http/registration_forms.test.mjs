// The registration form of a movement's page and the model forms, posted as a
// browser does: a unit's commitments (one box per metric of the movement,
// typed the Vietnamese way, "500.000.000") and the unit below that runs a
// model (chosen with the unit picker among the registering unit's subtree),
// which GUIDE lists for the reporter and the API alone could enter before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, makeDb, startServer, Client } from '../lib/server.mjs';
import { addUserAsync, csrfOf, formLogin, mkUnit, postForm, unescape } from './_util.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, admin, reporter, mv, yg, t1, ha;

const textOf = (html) => unescape(html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim());
function tag(html, id) {
  const t = html.match(new RegExp(`<[a-z]+ [^>]*id="${id}"[^>]*>`));
  assert.ok(t, `an element with id ${id}`);
  return t[0];
}
function attr(html, id, name) {
  const m = tag(html, id).match(new RegExp(` ${name}(?:="([^"]*)")?[ >]`));
  return m ? unescape(m[1] ?? '') : null;
}
const summaryOf = (html) => html.match(/<div class="error-summary[\s\S]*?<\/div>/)[0];
const summary = (html) => [...summaryOf(html).matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => textOf(m[1]));
const summaryLinks = (html) => [...summaryOf(html).matchAll(/<a href="#([^"]+)"/g)].map((m) => m[1]);
const fieldErrors = (html) => [...html.matchAll(/<p class="field-error" id="([^"]+)">([\s\S]*?)<\/p>/g)].map((m) => [m[1], textOf(m[2])]);

const browserAs = (login, password, lang) => formLogin(srv.base, login, password, lang);

const NUMBER = 'Phải là số viết như 1.500.000,5 (dấu chấm nhóm hàng nghìn, dấu phẩy trước phần thập phân)';
const PCT = 'Phải từ 0 đến 100';
const BELOW = 'Phải là đơn vị này hoặc đơn vị trực thuộc';

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const qn = await mkUnit(admin, 'T-QN', 'Tỉnh Quảng Ninh', 'province');
  const qy = await mkUnit(admin, 'QY', 'Thị xã Quảng Yên', 'district', qn.id);
  yg = await mkUnit(admin, 'QY-YG', 'Phường Yên Giang', 'ward', qy.id);
  t1 = await mkUnit(admin, 'QY-YG-T1', 'Tổ dân phố 1', 'department', yg.id);
  ha = await mkUnit(admin, 'QY-HA', 'Phường Hà An', 'ward', qy.id);
  reporter = { login: 'yg.reporter', pw: await addUserAsync(BIN, env.db, 'yg.reporter', 'reporter', 'QY-YG') };
  let r = await admin.post('/api/v1/movements', {
    json: {
      code: 'NTM-DK', title: 'Chung sức xây dựng nông thôn mới', kind: 'regular', authority_code: 'QY', starts_on: officeDay(-30), ends_on: officeDay(300),
      register_by: officeDay(30), scope: ['QY'], fields: ['economy'],
      metrics: [{ code: 'vnd', name: 'Kinh phí huy động', unit: 'VND', kind: 'amount' }, { code: 'pct', name: 'Tỷ lệ hộ tham gia', unit: '%', kind: 'rate' }],
    },
  });
  assert.equal(r.status, 201, r.text);
  mv = r.data;
  r = await admin.post(`/api/v1/movements/${mv.id}/status`, { json: { status: 'launched', version: mv.version } });
  assert.equal(r.status, 200, r.text);
});

after(async () => { await srv.stop(); });

async function registrations() {
  const r = await admin.get(`/api/v1/movements/${mv.id}/registrations`);
  assert.equal(r.status, 200, r.text);
  return r.data.items;
}

test('the registration form: a box per metric; each box at fault has its message, linked in the summary; typed values kept; nothing stored', async () => {
  const c = await browserAs(reporter.login, reporter.pw);
  const page = `/movements/${mv.id}`;
  const g = await c.get(page);
  assert.equal(g.status, 200);
  assert.equal(attr(g.text, 'f-commit-vnd', 'name'), 'commitments.vnd');
  assert.equal(attr(g.text, 'f-commit-pct', 'inputmode'), 'decimal');
  const r = await postForm(c, page, `${page}/registrations`, {
    unit_id: String(yg.id), pledge: 'Huy động nguồn lực', planned_models: '2', 'commitments.vnd': '1,2,3', 'commitments.pct': '120',
  });
  assert.equal(r.status, 422, r.text);
  const h = r.text;
  assert.deepEqual(fieldErrors(h), [['e-commit-vnd', NUMBER], ['e-commit-pct', PCT]]);
  for (const k of ['vnd', 'pct']) {
    assert.equal(attr(h, `f-commit-${k}`, 'aria-invalid'), 'true');
    assert.equal(attr(h, `f-commit-${k}`, 'aria-describedby'), `e-commit-${k}`);
  }
  assert.deepEqual(summary(h), [`Kinh phí huy động: ${NUMBER}`, `Tỷ lệ hộ tham gia: ${PCT}`]);
  assert.deepEqual(summaryLinks(h), ['f-commit-vnd', 'f-commit-pct']);
  assert.equal(attr(h, 'f-commit-vnd', 'value'), '1,2,3');
  assert.equal(attr(h, 'f-commit-pct', 'value'), '120');
  assert.equal(attr(h, 'f-pledge', 'value'), 'Huy động nguồn lực');
  assert.equal((await registrations()).length, 0);
});

test('the registration form without a unit chosen says it is required, beside the other boxes\' errors, and keeps what was typed', async () => {
  const c = await browserAs(reporter.login, reporter.pw);
  const page = `/movements/${mv.id}`;
  const r = await postForm(c, page, `${page}/registrations`, {
    unit_id: '', pledge: 'Huy động nguồn lực', planned_models: '2', 'commitments.vnd': '1,500,000', 'commitments.pct': '80,5',
  });
  assert.equal(r.status, 422, r.text);
  // it said "No such unit" (of a unit nobody chose), and nothing of the boxes until one was
  assert.deepEqual(fieldErrors(r.text), [['e-unit_id', 'Bắt buộc nhập'], ['e-commit-vnd', NUMBER]]);
  assert.deepEqual(summaryLinks(r.text), ['f-unit_id', 'f-commit-vnd']);
  assert.equal(attr(r.text, 'f-commit-vnd', 'value'), '1,500,000');
  assert.equal(attr(r.text, 'f-commit-pct', 'value'), '80,5');
  assert.equal(attr(r.text, 'f-pledge', 'value'), 'Huy động nguồn lực');
  assert.equal((await registrations()).length, 0);
  // the API says the same
  const api = new Client(srv.base);
  await api.login(reporter.login, reporter.pw);
  const j = await api.post(`/api/v1/movements/${mv.id}/registrations`, { json: { pledge: 'x' } });
  assert.equal(j.status, 422, j.text);
  assert.deepEqual(j.data.error.fields, { unit_id: 'Bắt buộc nhập' });
});

test('the registration form: "500.000.000" is stored as 500000000, "80,5" as 80.5', async () => {
  const c = await browserAs(reporter.login, reporter.pw);
  const page = `/movements/${mv.id}`;
  const r = await postForm(c, page, `${page}/registrations`, {
    unit_id: String(yg.id), pledge: 'Cam kết huy động 500.000.000 đồng', planned_models: '2', 'commitments.vnd': '500.000.000', 'commitments.pct': '80,5',
  });
  assert.equal(r.status, 303, r.text);
  const items = await registrations();
  assert.equal(items.length, 1);
  assert.equal(items[0].unit_id, yg.id);
  assert.deepEqual(items[0].commitments, { vnd: 500000000, pct: 80.5 });
});

test('the registration form in English: the English way of numbers', async () => {
  // a second unit registered by the admin, who may register any invited unit
  const c = await browserAs('admin', env.adminPassword, 'en');
  const page = `/movements/${mv.id}`;
  let r = await postForm(c, page, `${page}/registrations`, { unit_id: String(ha.id), 'commitments.vnd': '1.500.000' });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(fieldErrors(r.text), [['e-commit-vnd', 'Must be a number written like 1,500,000.5']]);
  r = await postForm(c, page, `${page}/registrations`, { unit_id: String(ha.id), 'commitments.vnd': '1,500,000', 'commitments.pct': '' });
  assert.equal(r.status, 303, r.text);
  const got = (await registrations()).find((x) => x.unit_id === ha.id);
  assert.deepEqual(got.commitments, { vnd: 1500000 });
});

test('the model form: the unit below that runs it, picked among the registering unit\'s subtree; another unit is refused at the picker', async () => {
  const c = await browserAs(reporter.login, reporter.pw);
  const page = `/movements/${mv.id}/models`;
  const g = await c.get(page);
  assert.equal(g.status, 200);
  assert.match(g.text, /data-name="owner_unit_id"/);
  // a unit outside Yên Giang: its own message at the picker, in the summary, the rest kept
  let r = await postForm(c, page, page, { unit_id: String(yg.id), owner_unit_id: String(ha.id), title: 'Đường hoa', field: 'economy' });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(fieldErrors(r.text), [['e-owner_unit_id', BELOW]]);
  assert.deepEqual(summaryLinks(r.text), ['f-owner_unit_id']);
  assert.equal(attr(r.text, 'f-title', 'value'), 'Đường hoa');
  // the picker now offers Yên Giang's subtree: the ward and its residential group
  assert.match(r.text, new RegExp(`<option value="${t1.id}"`));
  r = await postForm(c, page, page, { unit_id: String(yg.id), owner_unit_id: String(t1.id), owner_person_id: '', title: 'Đường hoa', field: 'economy' });
  assert.equal(r.status, 303, r.text);
  const id = Number(r.headers.get('location').match(/\/models\/(\d+)$/)[1]);
  let d = await admin.get(`/api/v1/models/${id}`);
  assert.equal(d.data.owner_unit_id, t1.id);
  assert.equal(d.data.owner_unit_name, 'Tổ dân phố 1');
  // its page says who runs it, and the edit form shows the choice
  const mp = await c.get(`/models/${id}`);
  assert.match(textOf(mp.text), /Tổ dân phố 1/);
  assert.match(mp.text, new RegExp(`<option value="${t1.id}" selected>`));
  // edited: cleared with the picker's empty choice
  r = await postForm(c, `/models/${id}`, `/models/${id}`, { version: String(d.data.version), title: 'Đường hoa', field: 'economy', description: '', started_on: '', owner_unit_id: '', owner_person_id: '' });
  assert.equal(r.status, 303, r.text);
  d = await admin.get(`/api/v1/models/${id}`);
  assert.equal(d.data.owner_unit_id, null);
  // and set again, the unit itself being a choice too
  r = await postForm(c, `/models/${id}`, `/models/${id}`, { version: String(d.data.version), title: 'Đường hoa', field: 'economy', owner_unit_id: String(yg.id), owner_person_id: '' });
  assert.equal(r.status, 303, r.text);
  d = await admin.get(`/api/v1/models/${id}`);
  assert.equal(d.data.owner_unit_id, yg.id);
  // a unit outside, on the edit form: refused at its picker
  r = await postForm(c, `/models/${id}`, `/models/${id}`, { version: String(d.data.version), title: 'Đường hoa', field: 'economy', owner_unit_id: String(ha.id), owner_person_id: '' });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(fieldErrors(r.text), [['e-owner_unit_id', BELOW]]);
  assert.equal((await admin.get(`/api/v1/models/${id}`)).data.owner_unit_id, yg.id);
});
