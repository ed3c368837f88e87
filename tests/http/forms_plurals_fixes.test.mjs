// The units and people forms mark every field at fault at once, with the
// shared error summary linking to each field; a person saved without a
// civil-servant code survives the export → import round trip; English says
// "1 movement", "1 model" (a count's words in the language's plural form).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, makeDb, startServer, Client } from '../lib/server.mjs';
import { csrfOf, formLogin, sql, thiduaAsync } from './_util.mjs';

let env, srv, admin;
const en = { headers: { 'Accept-Language': 'en' } };

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
});

after(async () => {
  if (srv) await srv.stop();
});

const password = (login) => (login === 'admin' ? env.adminPassword : env.demoUsers[login].password);

// a browser's session: the login form, then pages and their forms
const browser = (login) => formLogin(srv.base, login, password(login));

const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.data; };
const unitId = async (code) => ok(await admin.get('/api/v1/units?q=' + encodeURIComponent(code))).items.find((u) => u.code === code).id;

// the error summary of a page: [href, text] of each listed problem
function summary(html) {
  const m = html.match(/<div class="error-summary error-msg" role="alert" id="error-summary"[^>]*>([\s\S]*?)<\/div>/);
  assert.ok(m, 'the page has the error summary');
  return [...m[1].matchAll(/<li><a href="#([^"]+)">([^<]*)<\/a><\/li>/g)].map((x) => [x[1], x[2]]);
}
// the ids of the field errors shown under the fields
const fieldErrors = (html) => [...html.matchAll(/<p class="field-error" id="([^"]+)">/g)].map((x) => x[1]).sort();

test('the new unit form marks the parent, the code, the name and the kind at once, each linked from the summary', async () => {
  const b = await browser('sonla.officer');
  const csrf = csrfOf((await b.get('/units/new', en)).text);
  const r = await b.post('/units', { form: { _csrf: csrf, parent_id: '', code: '', name: '', kind: '' }, ...en });
  assert.equal(r.status, 422);
  assert.deepEqual(fieldErrors(r.text), ['e-code', 'e-kind', 'e-name', 'e-parent_id']);
  assert.deepEqual(summary(r.text), [
    ['f-parent_id', 'Parent unit: Is required'], ['f-code', 'Code: Is required'], ['f-name', 'Name: Is required'], ['f-kind', 'Kind: Is required'],
  ]);
  // a parent that is not a unit is marked with the others too
  const r2 = await b.post('/units', { form: { _csrf: csrf, parent_id: '999999999', code: 'bad code', name: 'X', kind: 'bogus' }, ...en });
  assert.equal(r2.status, 422);
  assert.deepEqual(summary(r2.text), [
    ['f-parent_id', 'Parent unit: No such unit'], ['f-code', 'Code: Use letters, digits, &#39;-&#39;, &#39;_&#39; or &#39;.&#39; (at most 32)'],
    ['f-kind', 'Kind: Is not a known kind of unit'],
  ]);
  assert.equal(sql(env.db, "SELECT count(*) FROM units WHERE name = 'X'"), '0');
});

test("a unit's edit form lists every error with a link to its field", async () => {
  const b = await browser('sonla.officer');
  const id = await unitId('T-SONLA-STTTT');
  const page = await b.get(`/units/${id}`, en);
  const version = page.text.match(/name="version" value="(\d+)"/)[1];
  const r = await b.post(`/units/${id}`, { form: { _csrf: csrfOf(page.text), version, action: 'edit', code: '', name: '', kind: 'bogus' }, ...en });
  assert.equal(r.status, 422);
  assert.deepEqual(summary(r.text), [['f-code', 'Code: Is required'], ['f-name', 'Name: Is required'], ['f-kind', 'Kind: Is not a known kind of unit']]);
  assert.deepEqual(fieldErrors(r.text), ['e-code', 'e-kind', 'e-name']);
});

test('the new person form marks the unit, the name, the gender and the birth year at once; the gender error is described', async () => {
  const b = await browser('sonla.officer');
  const csrf = csrfOf((await b.get('/people/new', en)).text);
  const r = await b.post('/people', { form: { _csrf: csrf, unit_id: '', full_name: '', gender: '', birth_year: 'abc', code: '', position: '' }, ...en });
  assert.equal(r.status, 422);
  assert.deepEqual(fieldErrors(r.text), ['e-birth_year', 'e-full_name', 'e-gender', 'e-unit_id']);
  assert.match(r.text, /<select id="f-gender" name="gender" aria-invalid="true" aria-describedby="e-gender">/);
  const s = summary(r.text);
  assert.deepEqual(s.map((x) => x[0]), ['f-unit_id', 'f-full_name', 'f-gender', 'f-birth_year']);
  assert.deepEqual(s.slice(0, 3).map((x) => x[1]), ['Unit: Is required', 'Full name: Is required', 'Gender: Is required']);
  assert.match(s[3][1], /^Birth year: /);
  // a unit that does not exist is marked with the others
  const r2 = await b.post('/people', { form: { _csrf: csrf, unit_id: '999999999', full_name: '', gender: 'F', birth_year: '' }, ...en });
  assert.equal(r2.status, 422);
  assert.deepEqual(summary(r2.text), [['f-unit_id', 'Unit: No such unit'], ['f-full_name', 'Full name: Is required']]);
});

test("a person's edit form lists every error with a link to its field", async () => {
  const b = await browser('sonla.officer');
  const person = ok(await admin.get(`/api/v1/people?unit=${await unitId('T-SONLA-STTTT')}&limit=1`)).items[0];
  const page = await b.get(`/people/${person.id}`, en);
  const version = page.text.match(/name="version" value="(\d+)"/)[1];
  const r = await b.post(`/people/${person.id}`, {
    form: { _csrf: csrfOf(page.text), version, full_name: '', gender: 'F', birth_year: '1800', code: 'has space', position: '', unit_id: '999999999' }, ...en,
  });
  assert.equal(r.status, 422);
  assert.deepEqual(summary(r.text).map((x) => x[0]), ['f-full_name', 'f-birth_year', 'f-code', 'f-unit_id']);
  assert.deepEqual(fieldErrors(r.text), ['e-birth_year', 'e-code', 'e-full_name', 'e-unit_id']);
});

test('people exported with a person without a code import back: that row is matched by unit, name and birth year', async () => {
  const unit = await unitId('T-SONLA-STTTT');
  const under = ok(await admin.post('/api/v1/units', { json: { code: 'RT-NOCODE', name: 'Round trip', kind: 'department', parent_id: unit } }), 201);
  const mk = async (fields) => ok(await admin.post('/api/v1/people', { json: { unit_id: under.id, gender: 'F', ...fields } }), 201);
  await mk({ full_name: 'Lò Thị Không Mã', birth_year: 1990 });
  await mk({ full_name: 'Cầm Văn Không Năm', gender: 'M' });
  await mk({ full_name: 'Quàng Thị Có Mã', code: 'RT-0001', birth_year: 1985 });
  for (const format of ['csv', 'xlsx']) {
    const r = await fetch(srv.base + `/export/people?under=${under.id}&format=${format}`, { headers: { Authorization: 'Bearer ' + admin.token } });
    assert.equal(r.status, 200);
    const f = path.join(env.dir, `rt-people.${format}`);
    fs.writeFileSync(f, Buffer.from(await r.arrayBuffer()));
    const imp = await thiduaAsync(BIN, ['import', 'people', f, '--db', env.db]);
    assert.equal(imp.code, 0, imp.stderr);
    assert.match(imp.stdout, /: 3 lines: 0 added, 0 updated, 3 unchanged$/m);
  }
  assert.equal(sql(env.db, `SELECT count(*) FROM people WHERE unit_id = ${under.id}`), '3');
  // edited in the file: a code-less row's position and gender change; a new row without a code is refused
  const csv = path.join(env.dir, 'rt-edit.csv');
  fs.writeFileSync(csv, ['code,full_name,gender,birth_year,unit_code,position,active',
    ',Lò Thị Không Mã,F,1990,RT-NOCODE,Chuyên viên,1', ',Cầm Văn Không Năm,M,,RT-NOCODE,,1', 'RT-0001,Quàng Thị Có Mã,F,1985,RT-NOCODE,,1'].join('\n') + '\n');
  const imp = await thiduaAsync(BIN, ['import', 'people', csv, '--db', env.db]);
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stdout, /: 3 lines: 0 added, 1 updated, 2 unchanged$/m);
  assert.equal(sql(env.db, `SELECT position FROM people WHERE unit_id = ${under.id} AND full_name = 'Lò Thị Không Mã'`), 'Chuyên viên');
  fs.writeFileSync(csv, ['code,full_name,gender,birth_year,unit_code,position,active', ',Người Mới,F,1991,RT-NOCODE,,1'].join('\n') + '\n');
  const bad = await thiduaAsync(BIN, ['import', 'people', csv, '--db', env.db]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr + bad.stdout, /line 2: code: is required for a new person/);
  // two people without a code alike: which one a line means cannot be told
  await mk({ full_name: 'Lò Thị Không Mã', birth_year: 1990 });
  fs.writeFileSync(csv, ['code,full_name,gender,birth_year,unit_code,position,active', ',Lò Thị Không Mã,F,1990,RT-NOCODE,,1'].join('\n') + '\n');
  const twice = await thiduaAsync(BIN, ['import', 'people', csv, '--db', env.db]);
  assert.notEqual(twice.code, 0);
  assert.match(twice.stderr + twice.stdout, /line 2: code: several people without a code/);
  assert.equal(sql(env.db, `SELECT count(*) FROM people WHERE unit_id = ${under.id}`), '4');
});

test('English says one movement, one model, one draft; other counts keep the plural', async () => {
  // the movements list and a movement's models, searched down to one
  const mv = await admin.get('/movements?q=DVK2026', en);
  assert.equal(mv.status, 200);
  assert.match(mv.text, /<p class="total" role="status">1 movement<\/p>/);
  const all = await admin.get('/movements', en);
  assert.match(all.text, /<p class="total" role="status">\d+ movements<\/p>/);
  // Quảng Yên's DVK2024: a model found by its code
  const id = ok(await admin.get('/api/v1/movements?q=DVK2024')).items.find((m) => m.code === 'DVK2024').id;
  const list = ok(await admin.get(`/api/v1/movements/${id}/models?limit=20`)).items;
  let code = null;
  for (const m of list) if (ok(await admin.get(`/api/v1/movements/${id}/models?q=${encodeURIComponent(m.code)}`)).total === 1) { code = m.code; break; }
  assert.ok(code, 'a model found alone by its code');
  const models = await admin.get(`/movements/${id}/models?q=${encodeURIComponent(code)}`, en);
  assert.match(models.text, /<p class="total" role="status">1 model<\/p>/);
  assert.match((await admin.get(`/movements/${id}/models`, en)).text, /<p class="total" role="status">138 models<\/p>/);
  // the home page's tiles: a reporter of Quảng Yên has one movement to register for
  const qy = await browser('quangyen.reporter');
  const tile = (html, tid) => html.match(new RegExp(`<li id="${tid}"[^>]*>(?:<a [^>]*>)?<strong>([^<]*)</strong> <span>([^<]*)</span>`)).slice(1).join(' ');
  let home = await qy.get('/', en);
  assert.equal(tile(home.text, 'home-to-register'), '2 movements to register for');
  // Quảng Yên registers for the first: one is left
  const first = home.text.split('id="to-register"')[1].match(/<a href="\/movements\/(\d+)">/)[1];
  const rep = new Client(srv.base);
  await rep.login('quangyen.reporter', password('quangyen.reporter'));
  ok(await rep.post(`/api/v1/movements/${first}/registrations`, { json: { unit_code: 'QN-QUANGYEN' } }), 201);
  home = await qy.get('/', en);
  assert.equal(tile(home.text, 'home-to-register'), '1 movement to register for');
  // an officer over the country sees the one draft of the demo
  const tw = await browser('tw.officer');
  const th = await tw.get('/', en);
  assert.equal(tile(th.text, 'home-drafts'), '1 draft not launched yet');
  // Vietnamese has no plural
  const vi = await qy.get('/', { headers: { 'Accept-Language': 'vi' } });
  assert.match(tile(vi.text, 'home-to-register'), /^1 phong trào cần đăng ký$/);
});

test('the proposals list says "1 proposal" in English for one, "N proposals" for more', async () => {
  const b = await browser('admin');
  const all = ok(await admin.get('/api/v1/proposals?year=2023')).total;
  assert.ok(all > 1);
  const many = await b.get('/proposals?year=2023', en);
  assert.ok(many.text.includes(`<p class="total" role="status">${all} proposals</p>`), many.text.slice(0, 200));
  const hat = ok(await admin.get(`/api/v1/proposals?year=2023&proposer=${await unitId('T-HATINH')}`));
  assert.equal(hat.total, 1);
  const one = await b.get(`/proposals?year=2023&proposer=${await unitId('T-HATINH')}`, en);
  assert.ok(one.text.includes('<p class="total" role="status">1 proposal</p>'));
});
