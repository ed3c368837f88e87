// Roles are granted on a unit and cover its subtree: people are read and
// written only in scope; units are readable by everyone logged in and
// written by officers (and admins) in scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, makeDb, startServer, Client } from '../lib/server.mjs';
import { addUserAsync, mkUnit, mkPerson } from './_util.mjs';

// No test depends on another. They share one server with the units, people
// and users below, except a test that adds a person to A: A's people are
// listed and counted by other tests, so it gets a server of its own with the
// same data (ownWorld). A test that moves the unit an officer created
// creates its own (officerUnit), as the creating test does.
let srv, admin, reporterA, officerA, viewerB, u, p;

async function world() {
  const env = makeDb();
  const srv = await startServer(env.db);
  const admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const u = {}, p = {};
  const add = async (code, name, kind, parent) => { u[code] = await mkUnit(admin, code, name, kind, parent ? u[parent].id : 1); };
  await add('T-SONLA', 'Tỉnh Sơn La', 'province');
  await add('SL-SNV', 'Sở Nội vụ tỉnh Sơn La', 'department', 'T-SONLA');
  await add('SL-SNV-VP', 'Văn phòng Sở Nội vụ', 'subunit', 'SL-SNV');
  await add('SL-STC', 'Sở Tài chính tỉnh Sơn La', 'department', 'T-SONLA');
  await add('T-CAMAU', 'Tỉnh Cà Mau', 'province');
  await add('CM-SNV', 'Sở Nội vụ tỉnh Cà Mau', 'department', 'T-CAMAU');
  const person = async (key, code, full_name, gender, unit) => {
    p[key] = await mkPerson(admin, { code, full_name, gender, birth_year: 1980, unit_id: unit === 'VN' ? 1 : u[unit].id, position: 'Chuyên viên' });
  };
  await person('tw', 'CC-TW-1', 'Nguyễn Trung Ương', 'M', 'VN');
  await person('a1', 'CC-SL-1', 'Lò Văn Páo', 'M', 'T-SONLA');
  await person('a2', 'CC-SL-2', 'Cầm Thị Hoa', 'F', 'SL-SNV');
  await person('a3', 'CC-SL-3', 'Quàng Văn Minh', 'M', 'SL-SNV-VP');
  await person('b1', 'CC-CM-1', 'Trần Thị Mai', 'F', 'T-CAMAU');
  await person('b2', 'CC-CM-2', 'Lê Văn Tám', 'M', 'CM-SNV');
  // users are added and logged in in parallel: each hashes a password (slow on purpose)
  const [pwR, pwO, pwV] = await Promise.all([
    addUserAsync(BIN, env.db, 'sl.reporter', 'reporter', 'T-SONLA'),
    addUserAsync(BIN, env.db, 'sl.officer', 'officer', 'T-SONLA'),
    addUserAsync(BIN, env.db, 'cm.viewer', 'viewer', 'T-CAMAU'),
  ]);
  const reporterA = new Client(srv.base);
  const officerA = new Client(srv.base);
  const viewerB = new Client(srv.base);
  await Promise.all([reporterA.login('sl.reporter', pwR), officerA.login('sl.officer', pwO), viewerB.login('cm.viewer', pwV)]);
  return { srv, admin, reporterA, officerA, viewerB, u, p };
}
// a world of the test's own, stopped when the test ends
async function ownWorld(t) {
  const w = await world();
  t.after(() => w.srv.stop());
  return w;
}

before(async () => {
  ({ srv, admin, reporterA, officerA, viewerB, u, p } = await world());
});

after(async () => {
  if (srv) await srv.stop();
});

const forbidden = (r, what) => {
  assert.equal(r.status, 403, `${what}: ${r.text}`);
  if (r.data) assert.equal(r.data.error.code, 'forbidden', what);
};

// ---- reporter on province A ----

test('reporter A: /api/v1/me shows the role on Sơn La', async () => {
  const r = await reporterA.get('/api/v1/me');
  assert.deepEqual(r.data.roles, [{ role: 'reporter', unit_id: u['T-SONLA'].id, unit_name: 'Tỉnh Sơn La' }]);
});

test('reporter A: people of a unit of B (?unit= or ?under=) is 403 forbidden', async () => {
  forbidden(await reporterA.get('/api/v1/people?unit=' + u['CM-SNV'].id), 'unit=CM-SNV');
  forbidden(await reporterA.get('/api/v1/people?under=' + u['T-CAMAU'].id), 'under=T-CAMAU');
  forbidden(await reporterA.get('/api/v1/people?under=1'), 'under=VN');
});

test('reporter A: a person of B is 403 forbidden, as JSON and as a page', async () => {
  forbidden(await reporterA.get('/api/v1/people/' + p.b1.id), 'GET b1');
  forbidden(await reporterA.get('/api/v1/people/' + p.tw.id), 'GET person at VN');
  const page = await reporterA.get('/people/' + p.b2.id);
  assert.equal(page.status, 403);
  assert.ok(!page.text.includes('Lê Văn Tám'));
});

test('reporter A: GET /api/v1/people without a filter returns only A\'s people', async () => {
  const r = await reporterA.get('/api/v1/people');
  assert.equal(r.status, 200);
  assert.equal(r.data.total, 3);
  assert.deepEqual(r.data.items.map((x) => x.code).sort(), ['CC-SL-1', 'CC-SL-2', 'CC-SL-3']);
  const q = await reporterA.get('/api/v1/people?q=' + encodeURIComponent('trần thị mai'));
  assert.equal(q.data.total, 0);
});

test('reporter A: people of A by ?under= and a person of A are readable', async () => {
  const r = await reporterA.get('/api/v1/people?under=' + u['SL-SNV'].id);
  assert.deepEqual(r.data.items.map((x) => x.code).sort(), ['CC-SL-2', 'CC-SL-3']);
  const one = await reporterA.get('/api/v1/people/' + p.a3.id);
  assert.equal(one.status, 200);
  assert.equal(one.data.full_name, 'Quàng Văn Minh');
});

test('reporter A: the people export covers A only', async () => {
  forbidden(await reporterA.get('/export/people?under=' + u['T-CAMAU'].id + '&format=csv'), 'export B');
  const r = await reporterA.get('/export/people?format=csv');
  assert.equal(r.status, 200);
  const lines = r.text.trim().split(/\r?\n/).slice(1).map((l) => l.split(',')[0]).sort();
  assert.deepEqual(lines, ['CC-SL-1', 'CC-SL-2', 'CC-SL-3']);
});

test('reporter A: POST /api/v1/people in A is 201, in B is 403', async (t) => {
  const { admin, reporterA, u } = await ownWorld(t);
  const ok = await reporterA.post('/api/v1/people', { json: { code: 'CC-SL-4', full_name: 'Hà Thị Nga', gender: 'F', unit_id: u['SL-STC'].id } });
  assert.equal(ok.status, 201);
  assert.equal(ok.data.unit_code, 'SL-STC');
  forbidden(await reporterA.post('/api/v1/people', { json: { code: 'CC-CM-9', full_name: 'Người ngoài', gender: 'M', unit_id: u['CM-SNV'].id } }), 'create in B');
  forbidden(await reporterA.post('/api/v1/people', { json: { code: 'CC-CM-9', full_name: 'Người ngoài', gender: 'M', unit_code: 'T-CAMAU' } }), 'create in B by code');
  const all = await admin.get('/api/v1/people?q=' + encodeURIComponent('người ngoài'));
  assert.equal(all.data.total, 0);
});

test('reporter A: editing a person of B, or moving one of A into B, is 403 and changes nothing', async () => {
  forbidden(await reporterA.patch('/api/v1/people/' + p.b1.id, { json: { position: 'Đã sửa', version: 1 } }), 'PATCH b1');
  forbidden(await reporterA.patch('/api/v1/people/' + p.a1.id, { json: { unit_id: u['CM-SNV'].id, version: 1 } }), 'move a1 to B');
  assert.equal((await admin.get('/api/v1/people/' + p.b1.id)).data.position, 'Chuyên viên');
  const a1 = (await admin.get('/api/v1/people/' + p.a1.id)).data;
  assert.equal(a1.unit_code, 'T-SONLA');
  assert.equal(a1.version, 1);
});

test('reporter A: PATCH of a unit in A is 403 (units need an officer)', async () => {
  forbidden(await reporterA.patch('/api/v1/units/' + u['SL-SNV'].id, { json: { name: 'Đổi tên', version: 1 } }), 'PATCH unit');
  forbidden(await reporterA.post('/api/v1/units', { json: { code: 'SL-NEW', name: 'Mới', kind: 'agency', parent_id: u['T-SONLA'].id } }), 'create unit');
  assert.equal((await admin.get('/api/v1/units/' + u['SL-SNV'].id)).data.name, 'Sở Nội vụ tỉnh Sơn La');
});

test('reporter A: units of B are readable (the tree is public to logged-in users)', async () => {
  const r = await reporterA.get('/api/v1/units/' + u['T-CAMAU'].id);
  assert.equal(r.status, 200);
  assert.equal(r.data.name, 'Tỉnh Cà Mau');
  const kids = await reporterA.get('/api/v1/units?parent=' + u['T-CAMAU'].id);
  assert.deepEqual(kids.data.items.map((x) => x.code), ['CM-SNV']);
  const page = await reporterA.get('/units/' + u['T-CAMAU'].id);
  assert.equal(page.status, 200);
});

// ---- officer on province A ----

test('officer A: PATCH of a unit in A is 200', async () => {
  const r = await officerA.patch('/api/v1/units/' + u['SL-STC'].id, { json: { name: 'Sở Tài chính', version: 1 } });
  assert.equal(r.status, 200);
  assert.equal(r.data.name, 'Sở Tài chính');
  assert.equal(r.data.version, 2);
});

test('officer A: creating a unit in A is 201', async () => {
  const r = await officerA.post('/api/v1/units', { json: { code: 'SL-SYT', name: 'Sở Y tế tỉnh Sơn La', kind: 'department', parent_id: u['T-SONLA'].id } });
  assert.equal(r.status, 201);
});

// a unit in A the officer created, as the test above does, under its own code
async function officerUnit(code) {
  const r = await officerA.post('/api/v1/units', { json: { code, name: 'Sở Y tế tỉnh Sơn La ' + code, kind: 'department', parent_id: u['T-SONLA'].id } });
  assert.equal(r.status, 201, r.text);
  return r.data;
}

test('officer A: PATCH of a unit in B is 403 and changes nothing', async () => {
  forbidden(await officerA.patch('/api/v1/units/' + u['CM-SNV'].id, { json: { name: 'Chiếm quyền', version: 1 } }), 'PATCH B');
  const b = (await admin.get('/api/v1/units/' + u['CM-SNV'].id)).data;
  assert.equal(b.name, 'Sở Nội vụ tỉnh Cà Mau');
  assert.equal(b.version, 1);
});

test('officer A: creating a unit under B is 403', async () => {
  forbidden(await officerA.post('/api/v1/units', { json: { code: 'CM-NEW', name: 'Đơn vị mới', kind: 'agency', parent_id: u['T-CAMAU'].id } }), 'create under B');
  forbidden(await officerA.post('/api/v1/units', { json: { code: 'CM-NEW', name: 'Đơn vị mới', kind: 'agency', parent_code: 'CM-SNV' } }), 'create under B by code');
  assert.equal((await admin.get('/api/v1/units?q=cm-new')).data.total, 0);
});

test('officer A: moving a unit of A under B is 403 and changes nothing', async () => {
  const syt = await officerUnit('SL-SYT-MOVE');
  const before = (await admin.get('/api/v1/units/' + syt.id)).data;
  forbidden(await officerA.patch('/api/v1/units/' + before.id, { json: { parent_id: u['T-CAMAU'].id, version: before.version } }), 'move to B');
  forbidden(await officerA.patch('/api/v1/units/' + before.id, { json: { parent_code: 'CM-SNV', version: before.version } }), 'move to B by code');
  assert.deepEqual((await admin.get('/api/v1/units/' + before.id)).data, before);
});

test('officer A: a new root, or moving a unit to the root, needs an admin (403)', async () => {
  forbidden(await officerA.post('/api/v1/units', { json: { code: 'ROOT-2', name: 'Gốc mới', kind: 'country', parent_id: 0 } }), 'new root');
  const syt = await officerUnit('SL-SYT-ROOT');
  const before = (await admin.get('/api/v1/units/' + syt.id)).data;
  forbidden(await officerA.patch('/api/v1/units/' + before.id, { json: { parent_id: null, version: before.version } }), 'move to root');
  assert.deepEqual((await admin.get('/api/v1/units/' + before.id)).data, before);
});

test('officer A: moving B\'s unit into A is 403 (the unit itself is out of scope)', async () => {
  forbidden(await officerA.patch('/api/v1/units/' + u['CM-SNV'].id, { json: { parent_id: u['T-SONLA'].id, version: 1 } }), 'pull B into A');
  assert.equal((await admin.get('/api/v1/units/' + u['CM-SNV'].id)).data.parent_code, 'T-CAMAU');
});

// ---- viewer on province B ----

test('viewer B: POST /api/v1/people is 403, even in B', async () => {
  forbidden(await viewerB.post('/api/v1/people', { json: { code: 'CC-CM-8', full_name: 'Phạm Văn Bảy', gender: 'M', unit_id: u['CM-SNV'].id } }), 'viewer create');
  forbidden(await viewerB.patch('/api/v1/people/' + p.b2.id, { json: { position: 'Trưởng phòng', version: 1 } }), 'viewer edit');
  assert.equal((await admin.get('/api/v1/people/' + p.b2.id)).data.version, 1);
});

test('viewer B: reads B\'s people only', async () => {
  const r = await viewerB.get('/api/v1/people');
  assert.equal(r.data.total, 2);
  assert.deepEqual(r.data.items.map((x) => x.code).sort(), ['CC-CM-1', 'CC-CM-2']);
  forbidden(await viewerB.get('/api/v1/people/' + p.a1.id), 'viewer reads A');
});

test('viewer B: PATCH of a unit in B is 403', async () => {
  forbidden(await viewerB.patch('/api/v1/units/' + u['CM-SNV'].id, { json: { name: 'Không được', version: 1 } }), 'viewer PATCH unit');
});
