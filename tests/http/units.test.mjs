// The unit tree over the API: create, list, search without diacritics,
// pagination and sorting, move, deactivate, validation, and HTML escaping.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { mkUnit } from './_util.mjs';

// No test depends on another. Most share one server with the tree below; a
// test that moves a unit of that tree, or lists and counts the children of a
// unit it adds to, gets a server of its own with the same tree (ownWorld)
// and builds what it needs there through the same API calls the tests
// before it assert.
let srv, c, u; // u: code → unit as created
const en = { 'Accept-Language': 'en' };

// children of VN in name order (SQLite compares the UTF-8 bytes: "Th" < "Tỉ")
const ROOT_CHILDREN = ['Thành phố Đà Nẵng', 'Tỉnh Cà Mau', 'Tỉnh Quảng Ninh', 'Tỉnh Sơn La', 'Tỉnh Thừa Thiên Huế'];

async function world() {
  const env = makeDb();
  const srv = await startServer(env.db);
  const c = new Client(srv.base);
  await c.login('admin', env.adminPassword);
  const u = {};
  const add = async (code, name, kind, parent) => { u[code] = await mkUnit(c, code, name, kind, parent ? u[parent].id : 1); };
  await add('T-TTH', 'Tỉnh Thừa Thiên Huế', 'province');
  await add('TTH-SNV', 'Sở Nội vụ', 'department', 'T-TTH');
  await add('TTH-SNV-TDKT', 'Phòng Thi đua – Khen thưởng', 'subunit', 'TTH-SNV');
  await add('TP-DANANG', 'Thành phố Đà Nẵng', 'city');
  await add('T-SONLA', 'Tỉnh Sơn La', 'province');
  await add('T-CAMAU', 'Tỉnh Cà Mau', 'province');
  await add('T-QUANGNINH', 'Tỉnh Quảng Ninh', 'province');
  await add('QN-QUANGYEN', 'Thị xã Quảng Yên', 'district', 'T-QUANGNINH');
  await add('QY-P-YENGIANG', 'Phường Yên Giang', 'ward', 'QN-QUANGYEN');
  await add('YG-KP-1', 'Khu phố 1', 'subunit', 'QY-P-YENGIANG');
  return { srv, c, u };
}
// a world of the test's own, stopped when the test ends
async function ownWorld(t) {
  const w = await world();
  t.after(() => w.srv.stop());
  return w;
}

before(async () => {
  ({ srv, c, u } = await world());
});

after(async () => {
  if (srv) await srv.stop();
});

const ok = (r, status) => { assert.equal(r.status, status, r.text); return r.data; };
// Quảng Yên moved under Thừa Thiên Huế, as the first move test does.
async function quangYenMoved(c, u) {
  return ok(await c.patch('/api/v1/units/' + u['QN-QUANGYEN'].id, { json: { parent_id: u['T-TTH'].id, version: 1 } }), 200);
}
// Two departments of Sơn La, one with an office under it ...
async function sonLaUnits(c, u) {
  const stc = u['SL-STC'] = await mkUnit(c, 'SL-STC', 'Sở Tài chính', 'department', u['T-SONLA'].id);
  const snv = u['SL-SNV'] = await mkUnit(c, 'SL-SNV', 'Sở Nội vụ tỉnh Sơn La', 'department', u['T-SONLA'].id);
  await mkUnit(c, 'SL-SNV-VP', 'Văn phòng Sở', 'subunit', snv.id);
  return { stc, snv };
}
// ... and the first one deactivated.
async function sonLaDeactivated(c, u) {
  const { stc } = await sonLaUnits(c, u);
  return ok(await c.patch('/api/v1/units/' + stc.id, { json: { active: false, version: 1 } }), 200);
}

const names = (r) => r.data.items.map((x) => x.name);
const codes = (r) => r.data.items.map((x) => x.code);

test('POST /api/v1/units is 201 with Location and the stored unit', async () => {
  const r = await c.post('/api/v1/units', { json: { code: 'DN-SNV', name: 'Sở Nội vụ thành phố', kind: 'department', parent_id: u['TP-DANANG'].id } });
  assert.equal(r.status, 201);
  assert.equal(r.headers.get('location'), '/api/v1/units/' + r.data.id);
  const { created_at, updated_at, id, ...rest } = r.data;
  assert.deepEqual(rest, {
    code: 'DN-SNV', name: 'Sở Nội vụ thành phố', kind: 'department', parent_id: u['TP-DANANG'].id, parent_code: 'TP-DANANG',
    path: `/1/${u['TP-DANANG'].id}/${id}/`, depth: 2, active: true, version: 1, children: 0,
  });
  assert.match(created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(updated_at, created_at);
  const got = await c.get(r.headers.get('location'));
  assert.equal(got.status, 200);
  assert.deepEqual(got.data, r.data);
});

test('a created unit has the path and depth of its place in the tree', () => {
  assert.equal(u['T-TTH'].path, `/1/${u['T-TTH'].id}/`);
  assert.equal(u['T-TTH'].depth, 1);
  assert.equal(u['TTH-SNV-TDKT'].path, `/1/${u['T-TTH'].id}/${u['TTH-SNV'].id}/${u['TTH-SNV-TDKT'].id}/`);
  assert.equal(u['TTH-SNV-TDKT'].depth, 3);
  assert.equal(u['TTH-SNV-TDKT'].parent_code, 'TTH-SNV');
});

test('GET ?parent=ID lists the children sorted by name with the exact total', async () => {
  const r = await c.get('/api/v1/units?parent=1');
  assert.equal(r.status, 200);
  assert.deepEqual(names(r), ROOT_CHILDREN);
  assert.equal(r.data.total, 5);
  assert.equal(r.data.limit, 50);
  assert.equal(r.data.offset, 0);
  const root = await c.get('/api/v1/units/1');
  assert.equal(root.data.children, 5);
});

test('GET ?parent=root lists the roots', async () => {
  const r = await c.get('/api/v1/units?parent=root');
  assert.deepEqual(codes(r), ['VN']);
  assert.equal(r.data.total, 1);
});

test('an id past 32 bits is one more unknown id: an empty list or 404, never a 500', async () => {
  // PostgreSQL typed a parameter compared with an INTEGER column as int4 (migration 016)
  const big = 2 ** 31 + 5;
  const r = await c.get(`/api/v1/units?parent=${big}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.data.items, r.data.total], [[], 0]);
  for (const p of [`/api/v1/units?under=${big}`, `/api/v1/units/${big}`, `/api/v1/people?unit=${big}`, `/api/v1/people?under=${big}`,
    `/api/v1/people/${big}`, `/units/${big}`, `/pick/units?q=a&under=${big}`])
    assert.equal((await c.get(p)).status, 404, p);
  const w = await c.post('/api/v1/people', { json: { code: 'CC-BIG', full_name: 'Nguyễn Văn Lớn', gender: 'M', unit_id: big }, headers: en });
  assert.equal(w.status, 422, w.text);
  assert.deepEqual(w.data.error.fields, { unit_id: 'No such unit' });
});

test('GET ?under=ID lists the whole subtree without the unit itself', async () => {
  const r = await c.get('/api/v1/units?under=' + u['T-QUANGNINH'].id);
  assert.deepEqual(codes(r).sort(), ['QN-QUANGYEN', 'QY-P-YENGIANG', 'YG-KP-1']);
  assert.equal(r.data.total, 3);
});

test('GET ?kind=province lists the provinces only', async () => {
  const r = await c.get('/api/v1/units?kind=province');
  assert.deepEqual(names(r), ['Tỉnh Cà Mau', 'Tỉnh Quảng Ninh', 'Tỉnh Sơn La', 'Tỉnh Thừa Thiên Huế']);
  assert.equal(r.data.total, 4);
});

test('search q=da%20nang finds "Thành phố Đà Nẵng"', async () => {
  const r = await c.get('/api/v1/units?q=da%20nang');
  assert.deepEqual(codes(r), ['TP-DANANG']);
  assert.equal(r.data.items[0].name, 'Thành phố Đà Nẵng');
  assert.equal(r.data.total, 1);
});

test('search q=thua%20thien%20hue finds "Tỉnh Thừa Thiên Huế"', async () => {
  const r = await c.get('/api/v1/units?q=thua%20thien%20hue');
  assert.deepEqual(names(r), ['Tỉnh Thừa Thiên Huế']);
  assert.equal(r.data.total, 1);
});

test('search ignores case: q=DA%20NANG', async () => {
  const r = await c.get('/api/v1/units?q=DA%20NANG');
  assert.deepEqual(codes(r), ['TP-DANANG']);
  assert.equal(r.data.total, 1);
});

test('search with diacritics: q=đà finds Đà Nẵng too', async () => {
  const r = await c.get('/api/v1/units?q=' + encodeURIComponent('đà'));
  assert.deepEqual(codes(r), ['TP-DANANG']);
  const full = await c.get('/api/v1/units?q=' + encodeURIComponent('Đà Nẵng'));
  assert.deepEqual(codes(full), ['TP-DANANG']);
});

test('search matches the code too, and LIKE wildcards are literal', async () => {
  const r = await c.get('/api/v1/units?q=tth-snv');
  assert.deepEqual(codes(r).sort(), ['TTH-SNV', 'TTH-SNV-TDKT']);
  const pct = await c.get('/api/v1/units?q=%25');
  assert.equal(pct.data.total, 0);
  const us = await c.get('/api/v1/units?q=_');
  assert.equal(us.data.total, 0);
});

test('pagination: limit and offset with the total of all matches', async () => {
  const r = await c.get('/api/v1/units?parent=1&limit=2&offset=2');
  assert.deepEqual(names(r), ROOT_CHILDREN.slice(2, 4));
  assert.equal(r.data.total, 5);
  assert.equal(r.data.limit, 2);
  assert.equal(r.data.offset, 2);
  const last = await c.get('/api/v1/units?parent=1&limit=2&offset=4');
  assert.deepEqual(names(last), ROOT_CHILDREN.slice(4));
  assert.equal(last.data.total, 5);
  const past = await c.get('/api/v1/units?parent=1&limit=2&offset=10');
  assert.deepEqual(past.data.items, []);
  assert.equal(past.data.total, 5);
});

test('sort=-name reverses the order; sort=code sorts by code', async () => {
  const r = await c.get('/api/v1/units?parent=1&sort=-name');
  assert.deepEqual(names(r), [...ROOT_CHILDREN].reverse());
  const byCode = await c.get('/api/v1/units?parent=1&sort=code');
  assert.deepEqual(codes(byCode), ['T-CAMAU', 'T-QUANGNINH', 'T-SONLA', 'T-TTH', 'TP-DANANG']);
});

test('moving a unit (PATCH parent_id) updates path and depth of its whole subtree', async (t) => {
  const { c, u } = await ownWorld(t);
  const qy = u['QN-QUANGYEN'], tth = u['T-TTH'];
  const r = await c.patch('/api/v1/units/' + qy.id, { json: { parent_id: tth.id, version: qy.version } });
  assert.equal(r.status, 200);
  assert.equal(r.data.parent_id, tth.id);
  assert.equal(r.data.parent_code, 'T-TTH');
  assert.equal(r.data.path, `/1/${tth.id}/${qy.id}/`);
  assert.equal(r.data.depth, 2);
  assert.equal(r.data.version, 2);
  const ward = await c.get('/api/v1/units/' + u['QY-P-YENGIANG'].id);
  assert.equal(ward.data.path, `/1/${tth.id}/${qy.id}/${u['QY-P-YENGIANG'].id}/`);
  assert.equal(ward.data.depth, 3);
  assert.equal(ward.data.version, 1, 'a unit below is not itself edited');
  const grand = await c.get('/api/v1/units/' + u['YG-KP-1'].id);
  assert.equal(grand.data.path, `/1/${tth.id}/${qy.id}/${u['QY-P-YENGIANG'].id}/${u['YG-KP-1'].id}/`);
  assert.equal(grand.data.depth, 4);
  const under = await c.get('/api/v1/units?under=' + tth.id);
  assert.deepEqual(codes(under).sort(), ['QN-QUANGYEN', 'QY-P-YENGIANG', 'TTH-SNV', 'TTH-SNV-TDKT', 'YG-KP-1']);
  const old = await c.get('/api/v1/units?under=' + u['T-QUANGNINH'].id);
  assert.equal(old.data.total, 0);
  assert.equal((await c.get('/api/v1/units/' + u['T-QUANGNINH'].id)).data.children, 0);
});

test('moving by parent_code works the same way', async (t) => {
  // Quảng Yên back from Thừa Thiên Huế
  const { c, u } = await ownWorld(t);
  await quangYenMoved(c, u);
  const qy = (await c.get('/api/v1/units/' + u['QN-QUANGYEN'].id)).data;
  const r = await c.patch('/api/v1/units/' + qy.id, { json: { parent_code: 'T-QUANGNINH', version: qy.version } });
  assert.equal(r.status, 200);
  assert.equal(r.data.path, `/1/${u['T-QUANGNINH'].id}/${qy.id}/`);
  const grand = await c.get('/api/v1/units/' + u['YG-KP-1'].id);
  assert.equal(grand.data.path, `/1/${u['T-QUANGNINH'].id}/${qy.id}/${u['QY-P-YENGIANG'].id}/${u['YG-KP-1'].id}/`);
  assert.equal(grand.data.depth, 4);
});

test('moving a unit under its own descendant (or itself) is 422 naming parent_id and changes nothing', async () => {
  const before = (await c.get('/api/v1/units/' + u['QN-QUANGYEN'].id)).data;
  for (const target of [u['YG-KP-1'].id, u['QY-P-YENGIANG'].id, before.id]) {
    const r = await c.patch('/api/v1/units/' + before.id, { json: { parent_id: target, version: before.version }, headers: en });
    assert.equal(r.status, 422, `target ${target}`);
    assert.equal(r.data.error.code, 'validation');
    assert.deepEqual(r.data.error.fields, { parent_id: 'A unit cannot move under itself or its own subtree' });
  }
  const now = (await c.get('/api/v1/units/' + before.id)).data;
  assert.deepEqual(now, before);
});

test('moving under a unit that does not exist is 422 naming parent_id', async () => {
  const qy = (await c.get('/api/v1/units/' + u['QN-QUANGYEN'].id)).data;
  const r = await c.patch('/api/v1/units/' + qy.id, { json: { parent_id: 999999, version: qy.version }, headers: en });
  assert.equal(r.status, 422);
  assert.deepEqual(r.data.error.fields, { parent_id: 'No such unit' });
});

test('deactivating a unit hides it from default lists; active=all and active=false show it', async (t) => {
  const { c, u } = await ownWorld(t);
  const { stc } = await sonLaUnits(c, u);
  const r = await c.patch('/api/v1/units/' + stc.id, { json: { active: false, version: 1 } });
  assert.equal(r.status, 200);
  assert.equal(r.data.active, false);
  assert.equal(r.data.version, 2);
  const dflt = await c.get('/api/v1/units?parent=' + u['T-SONLA'].id);
  assert.deepEqual(codes(dflt), ['SL-SNV']);
  assert.equal(dflt.data.total, 1);
  const all = await c.get('/api/v1/units?parent=' + u['T-SONLA'].id + '&active=all');
  assert.deepEqual(codes(all), ['SL-SNV', 'SL-STC']);
  assert.equal(all.data.total, 2);
  const off = await c.get('/api/v1/units?parent=' + u['T-SONLA'].id + '&active=false');
  assert.deepEqual(codes(off), ['SL-STC']);
  const q = await c.get('/api/v1/units?q=sl-stc');
  assert.equal(q.data.total, 0);
  const one = await c.get('/api/v1/units/' + stc.id);
  assert.equal(one.status, 200);
  assert.equal(one.data.active, false);
  assert.equal((await c.get('/api/v1/units/' + u['T-SONLA'].id)).data.children, 1);
});

test('reactivating a unit brings it back', async (t) => {
  const { c, u } = await ownWorld(t);
  await sonLaDeactivated(c, u);
  const stc = (await c.get('/api/v1/units?q=sl-stc&active=all')).data.items[0];
  const r = await c.patch('/api/v1/units/' + stc.id, { json: { active: true, version: stc.version } });
  assert.equal(r.status, 200);
  assert.equal(r.data.active, true);
  assert.equal((await c.get('/api/v1/units?parent=' + u['T-SONLA'].id)).data.total, 2);
});

test('deactivating a unit with active children is 422 naming active and changes nothing', async (t) => {
  const { c, u } = await ownWorld(t);
  await sonLaUnits(c, u);
  const snv = (await c.get('/api/v1/units/' + u['SL-SNV'].id)).data;
  const r = await c.patch('/api/v1/units/' + snv.id, { json: { active: false, version: snv.version }, headers: en });
  assert.equal(r.status, 422);
  assert.equal(r.data.error.code, 'validation');
  assert.deepEqual(r.data.error.fields, { active: 'Deactivate or move the active units under it first' });
  assert.deepEqual((await c.get('/api/v1/units/' + snv.id)).data, snv);
});

test('a duplicate code is 422 naming code, on create and on update', async () => {
  const r = await c.post('/api/v1/units', { json: { code: 'T-TTH', name: 'Tỉnh trùng mã', kind: 'province', parent_id: 1 }, headers: en });
  assert.equal(r.status, 422);
  assert.equal(r.data.error.code, 'validation');
  assert.deepEqual(r.data.error.fields, { code: 'Another unit already has this code' });
  assert.equal((await c.get('/api/v1/units?q=trung%20ma')).data.total, 0);
  const cm = (await c.get('/api/v1/units/' + u['T-CAMAU'].id)).data;
  const p = await c.patch('/api/v1/units/' + cm.id, { json: { code: 'T-SONLA', version: cm.version }, headers: en });
  assert.equal(p.status, 422);
  assert.deepEqual(p.data.error.fields, { code: 'Another unit already has this code' });
  assert.deepEqual((await c.get('/api/v1/units/' + cm.id)).data, cm);
});

test('a code with spaces, an unknown kind or an unknown parent is 422 naming each', async () => {
  const r = await c.post('/api/v1/units', { json: { code: 'CÓ DẤU', name: 'Đơn vị', kind: 'galaxy', parent_id: 1 }, headers: en });
  assert.equal(r.status, 422);
  assert.deepEqual(r.data.error.fields, {
    code: "Use letters, digits, '-', '_' or '.' (at most 32)",
    kind: 'Is not a known kind of unit',
  });
  const p = await c.post('/api/v1/units', { json: { code: 'ORPHAN', name: 'Mồ côi', kind: 'agency', parent_id: 999999 }, headers: en });
  assert.equal(p.status, 422);
  assert.deepEqual(p.data.error.fields, { parent_id: 'No such unit' });
  const pc = await c.post('/api/v1/units', { json: { code: 'ORPHAN', name: 'Mồ côi', kind: 'agency', parent_code: 'NOPE' }, headers: en });
  assert.equal(pc.status, 422);
  assert.deepEqual(pc.data.error.fields, { parent_code: 'No unit has this code' });
});

test('a name is trimmed and a blank name is refused', async () => {
  // under Cà Mau, not the root: other tests list and count the root's children
  const r = await c.post('/api/v1/units', { json: { code: 'TRIM-1', name: '  Ban Thi đua  ', kind: 'agency', parent_id: u['T-CAMAU'].id } });
  assert.equal(r.status, 201);
  assert.equal(r.data.name, 'Ban Thi đua');
  const b = await c.post('/api/v1/units', { json: { code: 'TRIM-2', name: '   ', kind: 'agency', parent_id: u['T-CAMAU'].id }, headers: en });
  assert.equal(b.status, 422);
  assert.deepEqual(b.data.error.fields, { name: 'Is required' });
});

test('a name with a script tag comes back verbatim in JSON and escaped in the HTML page', async () => {
  const name = '<script>alert(1)</script>';
  const x = await mkUnit(c, 'XSS-1', name, 'agency', u['T-CAMAU'].id);
  assert.equal(x.name, name);
  assert.equal((await c.get('/api/v1/units/' + x.id)).data.name, name);
  const page = await c.get('/units/' + x.id);
  assert.equal(page.status, 200);
  assert.ok(page.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(!page.text.includes('<script>alert(1)'), 'the raw tag never reaches the page');
  const parent = await c.get('/units/' + u['T-CAMAU'].id);
  assert.ok(parent.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(!parent.text.includes('<script>alert(1)'));
  const search = await c.get('/units?q=script');
  assert.ok(search.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(!search.text.includes('<script>alert(1)'));
});

test('quotes in a name cannot break out of an HTML attribute', async () => {
  const name = 'Đơn vị" autofocus onfocus="alert(1)';
  const x = await mkUnit(c, 'XSS-2', name, 'agency', u['T-CAMAU'].id);
  const page = await c.get('/units/' + x.id);
  assert.ok(!page.text.includes('" autofocus onfocus="'));
  assert.ok(page.text.includes('Đơn vị&quot; autofocus onfocus=&quot;alert(1)'));
});

test('concurrent PATCHes with the same version: exactly one wins, the others get 409', async () => {
  const x = await mkUnit(c, 'RACE-1', 'Đơn vị tranh chấp', 'agency', u['T-CAMAU'].id);
  const rs = await Promise.all(Array.from({ length: 8 }, (_, i) =>
    c.patch('/api/v1/units/' + x.id, { json: { name: 'Tên mới ' + i, version: x.version } })));
  const statuses = rs.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 409, 409, 409, 409, 409, 409, 409]);
  const winner = rs.find((r) => r.status === 200).data;
  const now = (await c.get('/api/v1/units/' + x.id)).data;
  assert.equal(now.version, 2);
  assert.equal(now.name, winner.name);
});

// "Units below it must be deactivated or moved first" (docs/GUIDE.md): a
// deactivated unit never has active units below it, whatever the route.
async function deactivatedParentWithChild() {
  const parent = await mkUnit(c, 'OFF-' + Math.random().toString(36).slice(2, 8), 'Đơn vị đã giải thể', 'agency', u['T-CAMAU'].id);
  const child = await mkUnit(c, parent.code + '-C', 'Đơn vị con', 'subunit', parent.id);
  assert.equal((await c.patch('/api/v1/units/' + child.id, { json: { active: false, version: 1 } })).status, 200);
  assert.equal((await c.patch('/api/v1/units/' + parent.id, { json: { active: false, version: 1 } })).status, 200);
  return { parent, child };
}

test('a new unit, or a moved one, cannot be placed under a deactivated unit (422 parent_id)', async () => {
  const { parent } = await deactivatedParentWithChild();
  const created = await c.post('/api/v1/units', { json: { code: parent.code + '-NEW', name: 'Mới', kind: 'subunit', parent_id: parent.id } });
  assert.equal(created.status, 422, 'create under a deactivated unit');
  assert.ok(created.data.error.fields.parent_id);
  const mover = await mkUnit(c, parent.code + '-MV', 'Sẽ chuyển', 'subunit', u['T-CAMAU'].id);
  const moved = await c.patch('/api/v1/units/' + mover.id, { json: { parent_id: parent.id, version: 1 } });
  assert.equal(moved.status, 422, 'move under a deactivated unit');
  assert.ok(moved.data.error.fields.parent_id);
  const below = await c.get(`/api/v1/units?parent=${parent.id}`);
  assert.equal(below.data.total, 0, 'no active unit below the deactivated one');
});

test('a unit cannot be reactivated while its parent is deactivated (422 active)', async () => {
  const { parent, child } = await deactivatedParentWithChild();
  const r = await c.patch('/api/v1/units/' + child.id, { json: { active: true, version: 2 } });
  assert.equal(r.status, 422);
  assert.ok(r.data.error.fields.active);
  assert.equal((await c.get(`/api/v1/units?parent=${parent.id}`)).data.total, 0);
});

test('a move that would make the tree too deep is refused (422 parent_id) and changes nothing', async () => {
  // paths are stored in bounded buffers: the tree has a depth limit (24 levels)
  const chain = async (prefix, n) => {
    const out = [];
    let parent = u['T-CAMAU'].id;
    for (let i = 0; i < n; i++) {
      const x = await mkUnit(c, `${prefix}-${i}`, `Cấp ${prefix} ${i}`, 'subunit', parent);
      out.push(x);
      parent = x.id;
    }
    return out;
  };
  const a = await chain('SAU-A', 18); // depths 2..19
  const b = await chain('SAU-B', 6);  // depths 2..7
  const tooDeep = await c.patch('/api/v1/units/' + b[0].id, { json: { parent_id: a[17].id, version: 1 } });
  assert.equal(tooDeep.status, 422, 'the deepest unit would be at level 25');
  assert.ok(tooDeep.data.error.fields.parent_id);
  assert.deepEqual((await c.get('/api/v1/units/' + b[5].id)).data, b[5]);
  const fits = await c.patch('/api/v1/units/' + b[0].id, { json: { parent_id: a[12].id, version: 1 } });
  assert.equal(fits.status, 200);
  const deepest = (await c.get('/api/v1/units/' + b[5].id)).data;
  assert.equal(deepest.depth, 20);
  assert.ok(deepest.path.startsWith(a[12].path + b[0].id + '/'));
});

test('a stale edit from the unit page is a 409 with the form again over the latest version and what was typed; a link from another site is not offered', async () => {
  const mine = await mkUnit(c, 'TTH-CONFLICT', 'Phòng xung đột', 'subunit', u['TTH-SNV'].id);
  const page = `/units/${mine.id}?tab=edit`;
  const ok = await c.post(`/units/${mine.id}`, { form: { action: 'edit', version: String(mine.version), code: 'TTH-CONFLICT', name: 'Phòng mới', kind: 'subunit' },
    headers: { Referer: srv.base + page } });
  assert.equal(ok.status, 303, ok.text);
  const stale = await c.post(`/units/${mine.id}`, { form: { action: 'edit', version: String(mine.version), code: 'TTH-CONFLICT', name: 'Phòng cũ', kind: 'subunit' },
    headers: { Referer: srv.base + page } });
  assert.equal(stale.status, 409);
  assert.ok(stale.text.includes('id="f-name" name="name" value="Phòng cũ"'), stale.text);
  assert.ok(stale.text.includes(`<input type="hidden" name="version" value="${mine.version + 1}">`), stale.text);
  const away = await c.post(`/units/${mine.id}`, { form: { action: 'edit', version: String(mine.version), code: 'TTH-CONFLICT', name: 'x', kind: 'subunit' },
    headers: { Referer: 'http://evil.example/units/1' } });
  assert.equal(away.status, 409);
  assert.ok(!away.text.includes('Mở lại trang') && !away.text.includes('evil.example'));
  assert.equal((await c.get(`/api/v1/units/${mine.id}`)).data.name, 'Phòng mới');
});
