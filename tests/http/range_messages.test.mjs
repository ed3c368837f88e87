// A number typed outside its range is refused with the range, in the
// reader's language ("Phải từ 0 đến 100.000"), not a bare "out of range":
// the form field's bounds (src/web/input.c) and the records' own checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { formLogin, postForm } from './_util.mjs';

let env, srv, admin, movement;

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  movement = (await admin.get('/api/v1/movements/DVK2026')).data;
});
after(async () => { await srv.stop(); });

test('planned models above 100 000: the range, grouped as each language groups numbers', async () => {
  const want = { vi: 'Phải từ 0 đến 100.000', en: 'Must be from 0 to 100,000', hi: '0 से 1,00,000 तक होना चाहिए' };
  for (const [lang, msg] of Object.entries(want)) {
    const r = await admin.post(`/api/v1/movements/${movement.id}/registrations`, {
      json: { unit_code: 'QY-MTTQ', pledge: 'Đăng ký', planned_models: 200000 }, headers: { 'Accept-Language': lang },
    });
    assert.equal(r.status, 422, lang);
    assert.equal(r.data.error.fields.planned_models, msg, lang);
  }
});

test('a birth year typed on the form: its range, years written without grouping', async () => {
  const units = (await admin.get('/api/v1/units?q=QN-QUANGYEN')).data.items;
  const unit = units.find((u) => u.code === 'QN-QUANGYEN');
  const web = await formLogin(srv.base, 'admin', env.adminPassword);
  const r = await postForm(web, `/people/new?unit=${unit.id}`, '/people',
    { full_name: 'Cụ Già', gender: 'M', birth_year: '1850', unit_id: String(unit.id) });
  assert.equal(r.status, 422);
  assert.match(r.text, /<li><a href="#f-birth_year">Năm sinh: Phải từ 1900 đến 2100<\/a><\/li>/);
});

test('the API says the same in English; an identifier below 1 that it must be 1 or more', async () => {
  const en = { 'Accept-Language': 'en' };
  let r = await admin.post('/api/v1/people', { json: { full_name: 'Cụ Già', gender: 'M', birth_year: 2101, unit_id: 1 }, headers: en });
  assert.equal(r.status, 422);
  assert.equal(r.data.error.fields.birth_year, 'Must be from 1900 to 2100');
  r = await admin.post('/api/v1/people', { json: { full_name: 'Cụ Già', gender: 'M', unit_id: 0 }, headers: en });
  assert.equal(r.status, 422);
  assert.equal(r.data.error.fields.unit_id, 'Must be 1 or more');
});
