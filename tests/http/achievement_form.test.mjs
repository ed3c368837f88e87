// The form "Thêm bản ghi" of a person's page, posted as a browser does (an
// exploratory tester typed the year "năm 2024", chose a record and a decision
// date: after the error the record was back to "—", the date empty, and only
// the first problem was shown). Every problem is named at once beside its
// field and in a linked summary; everything typed stays; nothing is stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, addUser, startServer, Client, testPassword } from '../lib/server.mjs';
import { csrfOf, mkPerson, mkUnit, unescape } from './_util.mjs';

let env, srv, admin, ward, lan;

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
const selected = (html) => [...html.match(/<select id="f-record"[\s\S]*?<\/select>/)[0].matchAll(/<option value="([^"]*)" selected>/g)].map((m) => m[1]);

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  ward = await mkUnit(admin, 'W-CHIENGLE', 'Phường Chiềng Lề', 'ward');
  lan = await mkPerson(admin, { full_name: 'Lò Thị Lan', gender: 'F', unit_id: ward.id, code: 'CL-001' });
  addUser(env.db, 'cl.officer', 'officer', 'W-CHIENGLE');
  const r = await admin.post('/api/v1/achievements', { json: { person_code: 'CL-001', year: 2024, kind: 'title', value: 'LDTT' } });
  assert.equal(r.status, 201, r.text);
});

after(async () => { if (srv) await srv.stop(); });

async function browser() {
  const b = new Client(srv.base);
  const login = await b.get('/login');
  const r = await b.post('/login', { form: { login: 'cl.officer', password: testPassword('cl.officer'), next: '/', _csrf: csrfOf(login.text) } });
  assert.equal(r.status, 303);
  return b;
}
async function post(b, fields) {
  const page = await b.get(`/people/${lan.id}`);
  assert.equal(page.status, 200);
  return b.post(`/people/${lan.id}/achievements`, { form: { _csrf: csrfOf(page.text), ...fields } });
}
const records = async () => (await admin.get('/api/v1/achievements?person=CL-001')).data.items.length;

test('a year typed in words: every problem at once, each beside its field, the record and the dates kept', async () => {
  const b = await browser();
  const before = await records();
  const r = await post(b, {
    year: 'năm 2024', record: 'discipline:reprimand', decision_no: '12/QĐ', decided_on: '2024-12-15', authority: 'UBND phường',
    on_date: '31/02/2024', note: 'Ghi chú',
  });
  assert.equal(r.status, 422);
  const h = r.text;
  assert.deepEqual(fieldErrors(h), [['e-year', 'Phải là số nguyên'], ['e-on_date', 'Không phải là ngày hợp lệ (dd/mm/yyyy)']]);
  for (const [box, err] of [['f-year', 'e-year'], ['f-on_date', 'e-on_date']]) {
    assert.equal(attr(h, box, 'aria-invalid'), 'true', box);
    assert.equal(attr(h, box, 'aria-describedby'), err, box);
  }
  assert.equal(attr(h, 'f-record', 'aria-invalid'), null);
  assert.deepEqual(summary(h), ['Năm: Phải là số nguyên', 'Ngày kỷ luật: Không phải là ngày hợp lệ (dd/mm/yyyy)']);
  assert.deepEqual(summaryLinks(h), ['f-year', 'f-on_date']);
  assert.equal(attr(h, 'error-summary', 'tabindex'), '-1');
  assert.equal(attr(h, 'error-summary', 'autofocus'), '');
  // everything typed stays: the year as typed, the record chosen, both dates, the text fields
  assert.equal(attr(h, 'f-year', 'value'), 'năm 2024');
  assert.deepEqual(selected(h), ['discipline:reprimand']);
  assert.equal(attr(h, 'f-decided_on', 'value'), '2024-12-15');
  assert.equal(attr(h, 'f-on_date', 'value'), '31/02/2024');
  assert.equal(attr(h, 'f-decision_no', 'value'), '12/QĐ');
  assert.equal(attr(h, 'f-authority', 'value'), 'UBND phường');
  assert.equal(attr(h, 'f-note', 'value'), 'Ghi chú');
  assert.equal(await records(), before);
});

test('a year already holding the record, and a bad date: both told at once, the choice and the dates kept', async () => {
  const b = await browser();
  const before = await records();
  let r = await post(b, { year: '2024', record: 'title:LDTT', decided_on: '15/12/2024', on_date: '30/02/2024' });
  assert.equal(r.status, 422);
  assert.deepEqual(fieldErrors(r.text), [['e-record', 'Bản ghi này đã có cho năm này'], ['e-on_date', 'Không phải là ngày hợp lệ (dd/mm/yyyy)']]);
  assert.equal(attr(r.text, 'f-record', 'aria-describedby'), 'e-record');
  assert.deepEqual(summary(r.text), ['Ghi nhận: Bản ghi này đã có cho năm này', 'Ngày kỷ luật: Không phải là ngày hợp lệ (dd/mm/yyyy)']);
  assert.deepEqual(summaryLinks(r.text), ['f-record', 'f-on_date']);
  assert.deepEqual(selected(r.text), ['title:LDTT']);
  assert.equal(attr(r.text, 'f-year', 'value'), '2024');
  assert.equal(attr(r.text, 'f-decided_on', 'value'), '2024-12-15');
  // a year out of range with no record chosen: both named
  r = await post(b, { year: '1900', record: '', decided_on: '2024-12-15' });
  assert.equal(r.status, 422);
  assert.deepEqual(summary(r.text), ['Năm: Phải từ 1945 đến 2200', 'Ghi nhận: Bắt buộc nhập']);
  assert.equal(attr(r.text, 'f-year', 'value'), '1900');
  assert.deepEqual(selected(r.text), []);
  assert.equal(attr(r.text, 'f-decided_on', 'value'), '2024-12-15');
  assert.equal(await records(), before);
  // corrected, it is stored
  r = await post(b, { year: '2023', record: 'title:LDTT', decided_on: '15/12/2023' });
  assert.equal(r.status, 303, r.text);
  assert.equal(await records(), before + 1);
});
