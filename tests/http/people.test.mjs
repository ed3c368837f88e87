// People over the API: create, edit, search without diacritics, unit and
// subtree filters, optimistic concurrency and validation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { officeDay } from '../lib/dates.mjs';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { mkUnit, mkPerson, formLogin, postForm } from './_util.mjs';

// No test depends on another. Most share one server with the units and four
// people below; a test that edits Hoàng Thị Thu Hà creates her first, under
// its own code, and brings her to the version it needs (created → edited →
// cleared → moved), through the same API calls the earlier tests assert.
// The tests that list a unit's people, the whole list or its total get a
// database of their own (ownWorld), so that no other test's people are in
// their lists: every list and total below is exact.
let srv, c, u, p;
const en = { 'Accept-Language': 'en' };

async function world() {
  const env = makeDb();
  const srv = await startServer(env.db);
  const c = new Client(srv.base);
  await c.login('admin', env.adminPassword);
  const u = {}, p = {};
  u.tth = await mkUnit(c, 'T-TTH', 'Tỉnh Thừa Thiên Huế', 'province');
  u.snv = await mkUnit(c, 'TTH-SNV', 'Sở Nội vụ', 'department', u.tth.id);
  u.ban = await mkUnit(c, 'TTH-BTDKT', 'Ban Thi đua – Khen thưởng', 'subunit', u.snv.id);
  u.dn = await mkUnit(c, 'TP-DANANG', 'Thành phố Đà Nẵng', 'city');
  p.lan = await mkPerson(c, { code: 'CC-0001', full_name: 'Nguyễn Thị Lan', gender: 'F', birth_year: 1985, unit_id: u.tth.id, position: 'Phó Chủ tịch' });
  p.lam = await mkPerson(c, { code: 'CC-0002', full_name: 'Nguyễn Văn Lâm', gender: 'M', birth_year: 1979, unit_id: u.snv.id, position: 'Giám đốc' });
  p.anh = await mkPerson(c, { code: 'CC-0003', full_name: 'Trần Thị Lan Anh', gender: 'F', birth_year: 1992, unit_id: u.ban.id, position: 'Chuyên viên' });
  p.duc = await mkPerson(c, { code: 'CC-0004', full_name: 'Phạm Đức Thắng', gender: 'M', birth_year: 1970, unit_id: u.dn.id });
  return { srv, c, u, p };
}
// a world of the test's own, stopped when the test ends
async function ownWorld(t) {
  const w = await world();
  t.after(() => w.srv.stop());
  return w;
}

before(async () => {
  ({ srv, c, u, p } = await world());
});

after(async () => {
  if (srv) await srv.stop();
});

const ok = (r, status) => { assert.equal(r.status, status, r.text); return r.data; };
// Hoàng Thị Thu Hà in Sở Nội vụ, as the first test creates her (version 1) ...
async function ha(c, u, code) {
  return ok(await c.post('/api/v1/people', {
    json: { code, full_name: '  Hoàng Thị Thu Hà ', gender: 'F', birth_year: 1990, unit_code: 'TTH-SNV', position: 'Chuyên viên chính' },
  }), 201);
}
// ... with a new position and birth year (version 2) ...
async function haEdited(c, u, code) {
  const h = await ha(c, u, code);
  return ok(await c.patch('/api/v1/people/' + h.id, { json: { position: 'Trưởng phòng', birth_year: 1991, version: 1 } }), 200);
}
// ... both cleared (version 3) ...
async function haCleared(c, u, code) {
  const h = await haEdited(c, u, code);
  return ok(await c.patch('/api/v1/people/' + h.id, { json: { position: null, birth_year: null, version: 2 } }), 200);
}
// ... and moved to the Ban Thi đua – Khen thưởng (version 4).
async function haMoved(c, u, code) {
  const h = await haCleared(c, u, code);
  return ok(await c.patch('/api/v1/people/' + h.id, { json: { unit_id: u.ban.id, version: 3 } }), 200);
}
// Lê Văn Không Mã of Đà Nẵng: no code, birth year or position.
async function noCode(c, u) {
  return mkPerson(c, { full_name: 'Lê Văn Không Mã', gender: 'X', unit_id: u.dn.id });
}

const codes = (r) => r.data.items.map((x) => x.code);

test('POST /api/v1/people is 201 with Location and every field stored', async () => {
  const r = await c.post('/api/v1/people', {
    json: { code: 'CC-0100', full_name: '  Hoàng Thị Thu Hà ', gender: 'F', birth_year: 1990, unit_code: 'TTH-SNV', position: 'Chuyên viên chính' },
  });
  assert.equal(r.status, 201);
  assert.equal(r.headers.get('location'), '/api/v1/people/' + r.data.id);
  const { id, created_at, updated_at, ...rest } = r.data;
  assert.deepEqual(rest, {
    code: 'CC-0100', full_name: 'Hoàng Thị Thu Hà', gender: 'F', birth_year: 1990, unit_id: u.snv.id, unit_code: 'TTH-SNV',
    unit_name: 'Sở Nội vụ', position: 'Chuyên viên chính', active: true, version: 1,
  });
  assert.match(created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(updated_at, created_at);
  assert.deepEqual((await c.get('/api/v1/people/' + id)).data, r.data);
});

test('a person without code, birth year or position stores them as null', async () => {
  const r = await noCode(c, u);
  assert.equal(r.code, null);
  assert.equal(r.birth_year, null);
  assert.equal(r.position, null);
  assert.equal(r.gender, 'X');
});

test('PATCH edits the given fields only and bumps the version', async () => {
  const h = await ha(c, u, 'CC-0101');
  const r = await c.patch('/api/v1/people/' + h.id, { json: { position: 'Trưởng phòng', birth_year: 1991, version: 1 } });
  assert.equal(r.status, 200);
  assert.equal(r.data.position, 'Trưởng phòng');
  assert.equal(r.data.birth_year, 1991);
  assert.equal(r.data.full_name, 'Hoàng Thị Thu Hà');
  assert.equal(r.data.unit_code, 'TTH-SNV');
  assert.equal(r.data.version, 2);
});

test('PATCH with null clears position and birth year', async () => {
  const h = await haEdited(c, u, 'CC-0102');
  const r = await c.patch('/api/v1/people/' + h.id, { json: { position: null, birth_year: null, version: 2 } });
  assert.equal(r.status, 200);
  assert.equal(r.data.position, null);
  assert.equal(r.data.birth_year, null);
  assert.equal(r.data.version, 3);
});

test('PATCH moves a person to another unit by unit_id', async () => {
  const h = await haCleared(c, u, 'CC-0103');
  const r = await c.patch('/api/v1/people/' + h.id, { json: { unit_id: u.ban.id, version: 3 } });
  assert.equal(r.status, 200);
  assert.equal(r.data.unit_code, 'TTH-BTDKT');
  assert.equal(r.data.unit_name, 'Ban Thi đua – Khen thưởng');
});

test('PATCH with a stale version is 409 and changes nothing', async () => {
  const h = await haMoved(c, u, 'CC-0104');
  const before = (await c.get('/api/v1/people/' + h.id)).data;
  const r = await c.patch('/api/v1/people/' + h.id, { json: { full_name: 'Ghi Đè', version: 1 } });
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'conflict');
  assert.deepEqual((await c.get('/api/v1/people/' + h.id)).data, before);
});

test('q search ignores diacritics: "nguyen thi lan" finds "Nguyễn Thị Lan"', async () => {
  const r = await c.get('/api/v1/people?q=nguyen%20thi%20lan');
  assert.equal(r.status, 200);
  assert.deepEqual(r.data.items.map((x) => x.full_name), ['Nguyễn Thị Lan']);
  assert.equal(r.data.total, 1);
});

test('q search ignores case and accepts the accented form', async () => {
  const r = await c.get('/api/v1/people?q=' + encodeURIComponent('NGUYỄN'));
  assert.deepEqual(r.data.items.map((x) => x.full_name), ['Nguyễn Thị Lan', 'Nguyễn Văn Lâm']);
  assert.equal(r.data.total, 2);
  const lan = await c.get('/api/v1/people?q=lan');
  assert.deepEqual(lan.data.items.map((x) => x.full_name), ['Nguyễn Thị Lan', 'Trần Thị Lan Anh']);
  const duc = await c.get('/api/v1/people?q=' + encodeURIComponent('đức'));
  assert.deepEqual(codes(duc), ['CC-0004']);
});

test('?under=province includes the people of its sub-units', async (t) => {
  const { c, u } = await ownWorld(t);
  await haMoved(c, u, 'CC-0100');
  const r = await c.get('/api/v1/people?under=' + u.tth.id);
  assert.deepEqual(codes(r).sort(), ['CC-0001', 'CC-0002', 'CC-0003', 'CC-0100']);
  assert.equal(r.data.total, 4);
  const mid = await c.get('/api/v1/people?under=' + u.snv.id);
  assert.deepEqual(codes(mid).sort(), ['CC-0002', 'CC-0003', 'CC-0100']);
});

test('?unit= lists only the people directly in the unit', async (t) => {
  const { c, u } = await ownWorld(t);
  await haMoved(c, u, 'CC-0100');
  const r = await c.get('/api/v1/people?unit=' + u.tth.id);
  assert.deepEqual(codes(r), ['CC-0001']);
  assert.equal(r.data.total, 1);
  const snv = await c.get('/api/v1/people?unit=' + u.snv.id);
  assert.deepEqual(codes(snv), ['CC-0002']);
});

test('?under= of an unknown unit is 404', async () => {
  const r = await c.get('/api/v1/people?under=999999');
  assert.equal(r.status, 404);
  assert.equal(r.data.error.code, 'not_found');
});

test('pagination and sort of people', async (t) => {
  // the four, Hà without a birth year and Lê Văn Không Mã
  const { c, u } = await ownWorld(t);
  await haMoved(c, u, 'CC-0100');
  await noCode(c, u);
  const r = await c.get('/api/v1/people?sort=-birth_year&limit=2');
  assert.deepEqual(codes(r), ['CC-0003', 'CC-0001']);
  assert.equal(r.data.total, 6);
  const next = await c.get('/api/v1/people?sort=-birth_year&limit=2&offset=2');
  assert.deepEqual(codes(next), ['CC-0002', 'CC-0004']);
});

test('sort=position and sort=code order the texts by their bytes, as SQLite does, whatever the database\'s collation', async (t) => {
  // the four (positions Phó Chủ tịch, Giám đốc, Chuyên viên and none) and two more, a code in lower case and codes with "_"
  const { c, u } = await ownWorld(t);
  await mkPerson(c, { code: 'cc_0005', full_name: 'Lê Văn Năm', gender: 'M', unit_id: u.dn.id, position: 'Chánh văn phòng' });
  await mkPerson(c, { code: 'CC_0006', full_name: 'Đỗ Thị Sáu', gender: 'F', unit_id: u.dn.id, position: 'chuyên viên' });
  const pos = await c.get('/api/v1/people?sort=position');
  assert.deepEqual(pos.data.items.map((x) => x.position ?? null), [null, 'Chuyên viên', 'Chánh văn phòng', 'Giám đốc', 'Phó Chủ tịch', 'chuyên viên']);
  const back = await c.get('/api/v1/people?sort=-position');
  assert.deepEqual(back.data.items.map((x) => x.position ?? null), ['chuyên viên', 'Phó Chủ tịch', 'Giám đốc', 'Chánh văn phòng', 'Chuyên viên', null]);
  assert.deepEqual(codes(await c.get('/api/v1/people?sort=code')), ['CC-0001', 'CC-0002', 'CC-0003', 'CC-0004', 'CC_0006', 'cc_0005']);
});

test('gender "Q" is 422 naming gender', async () => {
  const r = await c.post('/api/v1/people', { json: { code: 'CC-0200', full_name: 'Sai Giới Tính', gender: 'Q', unit_id: u.dn.id }, headers: en });
  assert.equal(r.status, 422);
  assert.equal(r.data.error.code, 'validation');
  assert.deepEqual(r.data.error.fields, { gender: 'Is not one of the allowed values' });
  const patch = await c.patch('/api/v1/people/' + p.lan.id, { json: { gender: 'Q', version: 1 }, headers: en });
  assert.equal(patch.status, 422);
  assert.deepEqual(patch.data.error.fields, { gender: 'Is not one of the allowed values' });
  assert.equal((await c.get('/api/v1/people/' + p.lan.id)).data.gender, 'F');
});

test('birth_year 1800 is 422 naming birth_year', async () => {
  const r = await c.post('/api/v1/people', { json: { code: 'CC-0201', full_name: 'Cụ Già', gender: 'M', birth_year: 1800, unit_id: u.dn.id }, headers: en });
  assert.equal(r.status, 422);
  assert.equal(r.data.error.code, 'validation');
  assert.deepEqual(r.data.error.fields, { birth_year: 'Must be from 1900 to 2100' });
  const q = await c.get('/api/v1/people?q=cu%20gia');
  assert.equal(q.data.total, 0);
});

test('a birth year in the future (next year) is 422 naming birth_year; this year is taken', async () => {
  const year = Number(officeDay(0).slice(0, 4));
  const r = await c.post('/api/v1/people', { json: { code: 'CC-0202', full_name: 'Chưa Sinh', gender: 'F', birth_year: year + 1, unit_id: u.dn.id }, headers: en });
  assert.equal(r.status, 422);
  assert.deepEqual(r.data.error.fields, { birth_year: 'Cannot be in the future' });
  const ok = await c.post('/api/v1/people', { json: { code: 'CC-0203', full_name: 'Mới Sinh', gender: 'F', birth_year: year, unit_id: u.dn.id }, headers: en });
  assert.equal(ok.status, 201, ok.text);
});

test('a missing name, gender and unit are 422 naming each', async () => {
  const r = await c.post('/api/v1/people', { json: { code: 'CC-0202' }, headers: en });
  assert.equal(r.status, 422);
  assert.deepEqual(r.data.error.fields, { full_name: 'Is required', gender: 'Is required', unit_id: 'Is required' });
});

test('an unknown unit_code is 422 naming unit_code', async () => {
  const r = await c.post('/api/v1/people', { json: { code: 'CC-0203', full_name: 'Không Đơn Vị', gender: 'M', unit_code: 'NOPE' }, headers: en });
  assert.equal(r.status, 422);
  assert.deepEqual(r.data.error.fields, { unit_code: 'No unit has this code' });
});

test('a duplicate civil-servant code is 422 naming code', async () => {
  const r = await c.post('/api/v1/people', { json: { code: 'CC-0001', full_name: 'Trùng Mã', gender: 'M', unit_id: u.dn.id }, headers: en });
  assert.equal(r.status, 422);
  assert.deepEqual(r.data.error.fields, { code: 'Another person already has this code' });
  const patch = await c.patch('/api/v1/people/' + p.duc.id, { json: { code: 'CC-0002', version: 1 }, headers: en });
  assert.equal(patch.status, 422);
  assert.deepEqual(patch.data.error.fields, { code: 'Another person already has this code' });
  assert.equal((await c.get('/api/v1/people/' + p.duc.id)).data.code, 'CC-0004');
});

test('deactivating a person hides them from lists; active=all shows them', async (t) => {
  const { c, u } = await ownWorld(t);
  const nc = await noCode(c, u);
  const r = await c.patch('/api/v1/people/' + nc.id, { json: { active: false, version: 1 } });
  assert.equal(r.status, 200);
  assert.equal(r.data.active, false);
  const dflt = await c.get('/api/v1/people?unit=' + u.dn.id);
  assert.deepEqual(codes(dflt), ['CC-0004']);
  const all = await c.get('/api/v1/people?unit=' + u.dn.id + '&active=all');
  assert.equal(all.data.total, 2);
});

// A box left unticked sends nothing: the page's form once left the person in
// service whatever the officer did with "đang công tác".
test('the person page: unticking "in service" and saving takes the person out of service; ticking it brings them back', async (t) => {
  const env = makeDb();
  const s = await startServer(env.db);
  t.after(() => s.stop());
  const api = new Client(s.base);
  await api.login('admin', env.adminPassword);
  const qt = await mkUnit(api, 'T-QTRI', 'Tỉnh Quảng Trị', 'province');
  const x = await mkPerson(api, { code: 'CC-QT-1', full_name: 'Lê Văn Hùng', gender: 'M', birth_year: 1980, unit_id: qt.id, position: 'Chuyên viên' });
  const b = await formLogin(s.base, 'admin', env.adminPassword);
  const typed = { code: 'CC-QT-1', full_name: 'Lê Văn Hùng', gender: 'M', birth_year: '1980', unit_id: String(qt.id), position: 'Chuyên viên' };
  let r = await postForm(b, `/people/${x.id}`, `/people/${x.id}`, { ...typed, version: '1' });
  assert.equal(r.status, 303, r.text);
  let got = (await api.get(`/api/v1/people/${x.id}`)).data;
  assert.deepEqual([got.active, got.version], [false, 2]);
  let page = await b.get(`/people/${x.id}`);
  assert.match(page.text, /<input type="checkbox" name="active" value="1"> đang công tác<\/label>/);
  r = await postForm(b, `/people/${x.id}`, `/people/${x.id}`, { ...typed, version: '2', active: '1' });
  assert.equal(r.status, 303, r.text);
  got = (await api.get(`/api/v1/people/${x.id}`)).data;
  assert.deepEqual([got.active, got.version], [true, 3]);
  page = await b.get(`/people/${x.id}`);
  assert.match(page.text, /<input type="checkbox" name="active" value="1" checked> đang công tác<\/label>/);
  // the API's PATCH without "active" leaves it as it is
  r = await api.patch(`/api/v1/people/${x.id}`, { json: { position: 'Trưởng phòng', version: 3 } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.data.active, r.data.position], [true, 'Trưởng phòng']);
});

test('a name with HTML is escaped on the person page', async () => {
  const x = await mkPerson(c, { code: 'CC-XSS', full_name: '<img src=x onerror=alert(1)>', gender: 'M', unit_id: u.dn.id });
  assert.equal(x.full_name, '<img src=x onerror=alert(1)>');
  const page = await c.get('/people/' + x.id);
  assert.equal(page.status, 200);
  assert.ok(page.text.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(!page.text.includes('<img src=x'));
});
