// Numbers and dates typed into the pages' forms are read the user's way
// (issue 7, defect 1: "1.500" typed as Kinh phí on a model page was stored
// as 1,5 VND, and "50.000.000" or "80,5" were refused). The JSON API keeps
// plain JSON numbers and ISO dates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, makeDb, startServer, Client } from '../lib/server.mjs';
import { addUserAsync, csrfOf, mkUnit } from './_util.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, admin, officer, mv, model;

const day = (offset) => officeDay(offset);

// A browser's session: log in through the form, with the language cookie set.
async function browserAs(login, password, lang) {
  const c = new Client(srv.base);
  if (lang) c.cookies.lang = lang;
  const page = await c.get('/login');
  const r = await c.post('/login', { form: { _csrf: csrfOf(page.text), login, password, next: '/' } });
  assert.equal(r.status, 303, r.text);
  return c;
}

// Posts the progress report form of the model page as the page itself would.
async function report(c, fields) {
  const page = await c.get(`/models/${model.id}`);
  assert.equal(page.status, 200);
  return c.post(`/models/${model.id}/reports`, { form: { _csrf: csrfOf(page.text), ...fields } });
}

async function values() {
  const r = await admin.get(`/api/v1/models/${model.id}/reports`);
  assert.equal(r.status, 200, r.text);
  return r.data.items.map((x) => [x.reported_on, Object.entries(x.results)]);
}

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const qn = await mkUnit(admin, 'T-QN', 'Tỉnh Quảng Ninh', 'province');
  const qy = await mkUnit(admin, 'QY', 'Thị xã Quảng Yên', 'district', qn.id);
  await mkUnit(admin, 'QY-YG', 'Phường Yên Giang', 'ward', qy.id);
  const pw = await addUserAsync(BIN, env.db, 'qy.officer', 'officer', 'QY');
  officer = { login: 'qy.officer', pw };
  let r = await admin.post('/api/v1/movements', {
    json: {
      // from 1 January 2026: the reports below are dated in February 2026, and a report before the movement starts is refused
      code: 'DVK-N', title: 'Dân vận khéo', kind: 'regular', authority_code: 'QY', starts_on: '2026-01-01', ends_on: day(300),
      register_by: day(30), scope: ['QY'], fields: ['economy'],
      metrics: [{ code: 'vnd', name: 'Kinh phí', unit: 'VND', kind: 'amount' }, { code: 'len', name: 'Chiều dài', unit: 'm', kind: 'amount' },
        { code: 'pct', name: 'Tỷ lệ', unit: '%', kind: 'rate' }],
    },
  });
  assert.equal(r.status, 201, r.text);
  mv = r.data;
  r = await admin.post(`/api/v1/movements/${mv.id}/status`, { json: { status: 'launched', version: mv.version } });
  assert.equal(r.status, 200, r.text);
  r = await admin.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_code: 'QY-YG' } });
  assert.equal(r.status, 201, r.text);
  r = await admin.post(`/api/v1/movements/${mv.id}/models`, { json: { unit_code: 'QY-YG', code: 'YG-01', title: 'Nhà văn hóa', field: 'economy' } });
  assert.equal(r.status, 201, r.text);
  model = r.data;
});

after(async () => { await srv.stop(); });

test('Vietnamese: 1.500 is one thousand five hundred, 80,5 is eighty and a half, dates as dd/mm/yyyy', async () => {
  const c = await browserAs(officer.login, officer.pw);
  let r = await report(c, { reported_on: '01/02/2026', note: 'a', 'results.vnd': '1.500', 'results.pct': '80,5' });
  assert.equal(r.status, 303, r.text);
  r = await report(c, { reported_on: '2026-02-02', note: 'b', 'results.vnd': '50.000.000' });
  assert.equal(r.status, 303, r.text);
  r = await report(c, { reported_on: '3/2/2026', note: 'c', 'results.vnd': '1.500.000 ₫', 'results.len': '1.250,75' });
  assert.equal(r.status, 303, r.text);
  const got = await values();
  assert.deepEqual(got.find((x) => x[0] === '2026-02-01')[1], [['vnd', 1500], ['pct', 80.5]]);
  assert.deepEqual(got.find((x) => x[0] === '2026-02-02')[1], [['vnd', 50000000]]);
  assert.deepEqual(got.find((x) => x[0] === '2026-02-03')[1], [['vnd', 1500000], ['len', 1250.75]]);
  // and the page prints them back the same way
  const page = await c.get(`/models/${model.id}`);
  assert.match(page.text, /<b>1\.500<\/b> VND/);
  assert.match(page.text, /<b>50\.000\.000<\/b> VND/);
  assert.match(page.text, /<b>80,5<\/b> %/);
});

test('a lone or misplaced separator is refused with the rule, nothing is stored, the typed text comes back', async () => {
  const c = await browserAs(officer.login, officer.pw);
  const before = (await values()).length;
  for (const bad of ['1.5', '1,500,000', '1.500,000,5', 'mười']) {
    const r = await report(c, { reported_on: '04/02/2026', note: 'x', 'results.vnd': bad });
    assert.equal(r.status, 422, bad);
    assert.ok(r.text.includes('Phải là số viết như 1.500.000,5'), bad);
    assert.ok(r.text.includes(`value="${bad}"`), `the typed ${bad} is shown back`);
  }
  assert.equal((await values()).length, before);
  // an impossible date is refused the same way
  const r = await report(c, { reported_on: '30/02/2026', 'results.vnd': '1.000' });
  assert.equal(r.status, 422);
  assert.ok(r.text.includes('Không phải là ngày hợp lệ (dd/mm/yyyy)'));
  assert.equal((await values()).length, before);
});

test('English and Hindi read their own grouping', async () => {
  const en = await browserAs(officer.login, officer.pw, 'en');
  let r = await report(en, { reported_on: '05/02/2026', note: 'en', 'results.len': '1,500,000.5' });
  assert.equal(r.status, 303, r.text);
  r = await report(en, { reported_on: '05/02/2026', note: 'en', 'results.vnd': '1.500.000' });
  assert.equal(r.status, 422);
  assert.ok(r.text.includes('Must be a number written like 1,500,000.5'));
  const hi = await browserAs(officer.login, officer.pw, 'hi');
  r = await report(hi, { reported_on: '06/02/2026', note: 'hi', 'results.len': '15,00,000.5' });
  assert.equal(r.status, 303, r.text);
  const got = await values();
  assert.deepEqual(got.find((x) => x[0] === '2026-02-05')[1], [['len', 1500000.5]]);
  assert.deepEqual(got.find((x) => x[0] === '2026-02-06')[1], [['len', 1500000.5]]);
});

test('the JSON API keeps JSON numbers and ISO dates', async () => {
  let r = await admin.post(`/api/v1/models/${model.id}/reports`, { json: { reported_on: '2026-02-07', results: { vnd: '1.500' } } });
  assert.equal(r.status, 422);
  r = await admin.post(`/api/v1/models/${model.id}/reports`, { json: { reported_on: '07/02/2026', results: { vnd: 1500 } } });
  assert.equal(r.status, 422);
  assert.deepEqual(Object.keys(r.data.error.fields), ['reported_on']);
  r = await admin.post(`/api/v1/models/${model.id}/reports`, { json: { reported_on: '2026-02-07', results: { vnd: 1500 } } });
  assert.equal(r.status, 201, r.text);
});

test('a whole number in a form is read the same way: 1.200 planned models is 1200', async () => {
  const c = await browserAs('admin', env.adminPassword);
  const page = await c.get(`/movements/${mv.id}`);
  const r = await c.post(`/movements/${mv.id}/registrations`, {
    form: { _csrf: csrfOf(page.text), unit_code: 'QY', pledge: 'p', planned_models: '1.200' },
  });
  assert.equal(r.status, 303, r.text);
  const list = await admin.get(`/api/v1/movements/${mv.id}/registrations`);
  assert.equal(list.data.items.find((g) => g.unit_code === 'QY').planned_models, 1200);
});
