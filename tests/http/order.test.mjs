// Vietnamese alphabetical order (ICU collation "vi", stored sort keys,
// migration 009) in the lists an officer reads: the provinces of the demo,
// the children of a unit, the people of a unit, the exports; renames and
// imports take their new place at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeDb, startServer, Client, thidua } from '../lib/server.mjs';
import { mkUnit, mkPerson, sql } from './_util.mjs';

const HAVE_DEMO = fs.existsSync(path.resolve('data/demo/units.csv'));
let env, srv, c;
let u = {};

// No test depends on another. They share one server (with the demo) and the
// tree below; the two tests that list and export the people of the tree get
// a server of their own with the same tree (ownWorld), and build the people
// they need there through the same calls the people test asserts.

// A province and its departments, created out of order on purpose.
async function orderTree(c) {
  const u = {};
  u.root = await mkUnit(c, 'T-ORDER', 'Tỉnh Thứ Tự', 'province');
  for (const [code, name] of [['O-DN', 'Đồng Nai'], ['O-CM', 'Cà Mau'], ['O-DAN', 'Đà Nẵng'], ['O-BT', 'Bình Thuận'],
    ['O-BL', 'Bạc Liêu'], ['O-BD', 'Bình Định'], ['O-P10', 'Phường 10'], ['O-P2', 'Phường 2'], ['O-DL', 'Đắk Lắk']]) {
    u[code] = await mkUnit(c, code, name, 'department', u.root.id);
  }
  u.people = await mkUnit(c, 'O-PEOPLE', 'Phòng Tổ chức', 'department', u.root.id);
  return u;
}

before(async () => {
  env = makeDb({ demo: HAVE_DEMO });
  srv = await startServer(env.db);
  c = new Client(srv.base);
  await c.login('admin', env.adminPassword);
  u = await orderTree(c);
});

// a server of the test's own (without the demo) with the same tree, stopped when the test ends
async function ownWorld(t) {
  const env = makeDb();
  const srv = await startServer(env.db);
  t.after(() => srv.stop());
  const c = new Client(srv.base);
  await c.login('admin', env.adminPassword);
  return { env, c, u: await orderTree(c) };
}

// the four people of the people test, Đặng renamed Bùi as it does
async function orderPeople(c, u) {
  const p = {};
  for (const [code, full_name] of [['OR-4', 'Đặng Thị Hà'], ['OR-2', 'Ân Văn Bình'], ['OR-3', 'Dương Minh Châu'], ['OR-1', 'Anh Thị Lan']]) {
    p[code] = await mkPerson(c, { code, full_name, gender: 'F', unit_id: u.people.id });
  }
  const r = await c.patch('/api/v1/people/' + p['OR-4'].id, { json: { full_name: 'Bùi Thị Hà', version: 1 } });
  assert.equal(r.status, 200, r.text);
}

after(async () => {
  if (srv) await srv.stop();
});

const names = (r) => r.data.items.map((x) => x.name);
const fullNames = (r) => r.data.items.map((x) => x.full_name);

// the order of the names in a page: by where each first appears
function pageOrder(html, list) {
  const at = list.map((n) => [html.indexOf('>' + n + '<'), n]);
  for (const [i, n] of at) assert.ok(i >= 0, `the page shows ${n}`);
  return at.sort((a, b) => a[0] - b[0]).map((x) => x[1]);
}

const CHILDREN = ['Bạc Liêu', 'Bình Định', 'Bình Thuận', 'Cà Mau', 'Đà Nẵng', 'Đắk Lắk', 'Đồng Nai', 'Phòng Tổ chức', 'Phường 2', 'Phường 10'];

test('the children of a unit come in Vietnamese order: đ after d, ă and â after a, tones in order, numbers by value', async () => {
  const r = await c.get(`/api/v1/units?parent=${u.root.id}&limit=100`);
  assert.equal(r.status, 200);
  assert.deepEqual(names(r), CHILDREN);
  const back = await c.get(`/api/v1/units?parent=${u.root.id}&limit=100&sort=-name`);
  assert.deepEqual(names(back), [...CHILDREN].reverse());
  // pages cut the same order
  const p2 = await c.get(`/api/v1/units?parent=${u.root.id}&limit=3&offset=3`);
  assert.deepEqual(names(p2), ['Cà Mau', 'Đà Nẵng', 'Đắk Lắk']);
});

test('the unit page lists the children in the same order', async () => {
  const r = await c.get(`/units/${u.root.id}`);
  assert.equal(r.status, 200);
  assert.deepEqual(pageOrder(r.text, CHILDREN), CHILDREN);
});

test('a search without diacritics lists its matches in Vietnamese order', async () => {
  const r = await c.get(`/api/v1/units?under=${u.root.id}&q=binh&limit=100`);
  assert.deepEqual(names(r), ['Bình Định', 'Bình Thuận']);
  const d = await c.get(`/api/v1/units?under=${u.root.id}&q=d&kind=department&limit=100`);
  // the folded name or code holds a d: Định, Đà, Đắk, Đồng and the codes O-BD, O-DAN, O-DL, O-DN
  assert.deepEqual(names(d), ['Bình Định', 'Đà Nẵng', 'Đắk Lắk', 'Đồng Nai']);
});

test('a renamed unit moves to its new place', async () => {
  const r = await c.patch('/api/v1/units/' + u['O-CM'].id, { json: { name: 'Ân Thi', version: 1 } });
  assert.equal(r.status, 200, r.text);
  const l = await c.get(`/api/v1/units?parent=${u.root.id}&limit=4`);
  assert.deepEqual(names(l), ['Ân Thi', 'Bạc Liêu', 'Bình Định', 'Bình Thuận']);
  const back = await c.patch('/api/v1/units/' + u['O-CM'].id, { json: { name: 'Cà Mau', version: 2 } });
  assert.equal(back.status, 200, back.text);
});

test('people: Anh, Ân, Dương, Đặng — in the API, the unit page and after a rename', async (t) => {
  const { c, u } = await ownWorld(t);
  const p = {};
  for (const [code, full_name] of [['OR-4', 'Đặng Thị Hà'], ['OR-2', 'Ân Văn Bình'], ['OR-3', 'Dương Minh Châu'], ['OR-1', 'Anh Thị Lan']]) {
    p[code] = await mkPerson(c, { code, full_name, gender: 'F', unit_id: u.people.id });
  }
  const want = ['Anh Thị Lan', 'Ân Văn Bình', 'Dương Minh Châu', 'Đặng Thị Hà'];
  let r = await c.get(`/api/v1/people?unit=${u.people.id}`);
  assert.equal(r.status, 200);
  assert.deepEqual(fullNames(r), want);
  r = await c.get(`/api/v1/people?unit=${u.people.id}&sort=-name`);
  assert.deepEqual(fullNames(r), [...want].reverse());
  r = await c.get(`/api/v1/people?under=${u.root.id}`);
  assert.deepEqual(fullNames(r), want);
  const page = await c.get(`/people?unit=${u.people.id}`);
  assert.equal(page.status, 200);
  assert.deepEqual(pageOrder(page.text, want), want);
  // Đặng becomes Bùi: from last to third
  r = await c.patch('/api/v1/people/' + p['OR-4'].id, { json: { full_name: 'Bùi Thị Hà', version: 1 } });
  assert.equal(r.status, 200, r.text);
  r = await c.get(`/api/v1/people?unit=${u.people.id}`);
  assert.deepEqual(fullNames(r), ['Anh Thị Lan', 'Ân Văn Bình', 'Bùi Thị Hà', 'Dương Minh Châu']);
});

test('an import stores the keys: imported and renamed people take their places, and the export follows the order', async (t) => {
  const { env, c, u } = await ownWorld(t);
  await orderPeople(c, u);
  const file = path.join(env.dir, 'order-people.csv');
  fs.writeFileSync(file, 'code,full_name,gender,unit_code\n'
    + 'OR-5,Ông Văn Tám,M,O-PEOPLE\n'
    + 'OR-6,Ơn Thị Sáu,F,O-PEOPLE\n'
    + 'OR-3,Đỗ Minh Châu,M,O-PEOPLE\n' // renamed: Dương → Đỗ
    + 'OR-7,Âu Văn Bảy,M,O-PEOPLE\n');
  const imp = thidua(['import', 'people', file, '--db', env.db]);
  assert.equal(imp.code, 0, imp.stderr);
  const want = ['Anh Thị Lan', 'Ân Văn Bình', 'Âu Văn Bảy', 'Bùi Thị Hà', 'Đỗ Minh Châu', 'Ông Văn Tám', 'Ơn Thị Sáu'];
  const r = await c.get(`/api/v1/people?unit=${u.people.id}`);
  assert.deepEqual(fullNames(r), want);
  const ex = await c.get(`/export/people?under=${u.people.id}&format=csv`);
  assert.equal(ex.status, 200);
  const exported = ex.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1).map((l) => l.split(',')[1]);
  assert.deepEqual(exported, want);
});

test('the units export lists each level in Vietnamese order, parents first', () => {
  const out = thidua(['export', 'units', '--db', env.db]);
  assert.equal(out.code, 0, out.stderr);
  const rows = out.stdout.replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
  const mine = rows.filter((x) => x[3] === 'T-ORDER').map((x) => x[1]);
  assert.deepEqual(mine, CHILDREN);
});

test('no unit or person is left without a sort key (demo, API, import)', async () => {
  // people of this test's own, by the API and by an import
  await mkPerson(c, { code: 'OR-KEY-1', full_name: 'Đặng Thị Khóa', gender: 'F', unit_id: u.people.id });
  const file = path.join(env.dir, 'order-keys.csv');
  fs.writeFileSync(file, 'code,full_name,gender,unit_code\nOR-KEY-2,Ông Văn Khóa,M,O-PEOPLE\n');
  const imp = thidua(['import', 'people', file, '--db', env.db]);
  assert.equal(imp.code, 0, imp.stderr);
  assert.equal(sql(env.db, "SELECT count(*) FROM units WHERE length(sort_key) = 0"), '0');
  assert.equal(sql(env.db, "SELECT count(*) FROM people WHERE length(sort_key) = 0"), '0');
});

const PROVINCES = ['An Giang', 'Bà Rịa – Vũng Tàu', 'Bạc Liêu', 'Bắc Giang', 'Bắc Kạn', 'Bắc Ninh', 'Bến Tre', 'Bình Dương',
  'Bình Định', 'Bình Phước', 'Bình Thuận', 'Cà Mau', 'Cao Bằng', 'Đắk Lắk', 'Đắk Nông', 'Điện Biên', 'Đồng Nai', 'Đồng Tháp',
  'Gia Lai', 'Hà Giang', 'Hà Nam', 'Hà Tĩnh', 'Hải Dương', 'Hậu Giang', 'Hòa Bình', 'Hưng Yên', 'Khánh Hòa', 'Kiên Giang',
  'Kon Tum', 'Lai Châu', 'Lạng Sơn', 'Lào Cai', 'Lâm Đồng', 'Long An', 'Nam Định', 'Nghệ An', 'Ninh Bình', 'Ninh Thuận',
  'Phú Thọ', 'Phú Yên', 'Quảng Bình', 'Quảng Nam', 'Quảng Ngãi', 'Quảng Ninh', 'Quảng Trị', 'Sóc Trăng', 'Sơn La', 'Tây Ninh',
  'Thái Bình', 'Thái Nguyên', 'Thanh Hóa', 'Thừa Thiên Huế', 'Tiền Giang', 'Trà Vinh', 'Tuyên Quang', 'Vĩnh Long',
  'Vĩnh Phúc', 'Yên Bái'].map((n) => 'Tỉnh ' + n);

test('demo: the provinces under the country root come in Vietnamese order', { skip: HAVE_DEMO ? false : 'no demo data' }, async () => {
  const r = await c.get('/api/v1/units?parent=1&kind=province&limit=100');
  assert.equal(r.status, 200);
  assert.deepEqual(names(r).filter((n) => n !== 'Tỉnh Thứ Tự'), PROVINCES);
  // the cities, then: Cần Thơ before Đà Nẵng, Hà Nội before Hải Phòng
  const cities = await c.get('/api/v1/units?parent=1&kind=city&limit=100');
  assert.deepEqual(names(cities), ['Thành phố Cần Thơ', 'Thành phố Đà Nẵng', 'Thành phố Hà Nội', 'Thành phố Hải Phòng', 'Thành phố Hồ Chí Minh']);
});

// the 32 units of Quảng Yên's “Dân vận khéo” 2024, in Vietnamese order
const DVK_UNITS = ['Ban Chỉ huy Quân sự thị xã Quảng Yên', 'Công an thị xã Quảng Yên', 'Hội Cựu chiến binh thị xã Quảng Yên',
  'Hội Liên hiệp Phụ nữ thị xã Quảng Yên', 'Hội Nông dân thị xã Quảng Yên', 'Liên đoàn Lao động thị xã Quảng Yên',
  'Phòng Giáo dục và Đào tạo', 'Phòng Lao động – Thương binh và Xã hội', 'Phòng Văn hóa và Thông tin', 'Phường Cộng Hòa',
  'Phường Đông Mai', 'Phường Hà An', 'Phường Minh Thành', 'Phường Nam Hòa', 'Phường Phong Cốc', 'Phường Phong Hải',
  'Phường Quảng Yên', 'Phường Tân An', 'Phường Yên Giang', 'Phường Yên Hải', 'Thị đoàn Quảng Yên',
  'Trung tâm Y tế thị xã Quảng Yên', 'Ủy ban MTTQ Việt Nam thị xã Quảng Yên', 'Văn phòng HĐND và UBND thị xã Quảng Yên',
  'Xã Cẩm La', 'Xã Hiệp Hòa', 'Xã Hoàng Tân', 'Xã Liên Hòa', 'Xã Liên Vị', 'Xã Sông Khoai', 'Xã Tiền An', 'Xã Tiền Phong'];

test('demo: registrations and the dashboard list the units in Vietnamese order', { skip: HAVE_DEMO ? false : 'no demo data' }, async () => {
  const r = await c.get('/api/v1/movements/DVK2024/registrations?limit=100');
  assert.equal(r.status, 200);
  assert.deepEqual(r.data.items.map((g) => g.unit_name), DVK_UNITS);
  const d = (await c.get('/api/v1/movements/DVK2024/dashboard')).data;
  // depth first: Quảng Yên, then its units in order
  assert.deepEqual(d.units.map((x) => x.name), ['Thị xã Quảng Yên', ...DVK_UNITS]);
  // the officer's page shows them in that order too, in the table after the chart
  const page = await c.get('/movements/DVK2024/dashboard');
  assert.equal(page.status, 200);
  const table = page.text.slice(page.text.indexOf('<table class="list tree-table">'));
  assert.deepEqual(pageOrder(table, DVK_UNITS), DVK_UNITS);
});

test('demo: movements sorted by title come in Vietnamese order; every movement and model has its key', { skip: HAVE_DEMO ? false : 'no demo data' }, async () => {
  const r = await c.get('/api/v1/movements?sort=title&limit=100');
  assert.equal(r.status, 200);
  const titles = r.data.items.map((m) => m.title);
  assert.deepEqual(titles.slice(0, 8), [
    'Cả nước chung sức xây dựng nông thôn mới',
    'Cả nước chung tay xóa nhà tạm, nhà dột nát trong năm 2025',
    'Cả nước thi đua xây dựng xã hội học tập, đẩy mạnh học tập suốt đời giai đoạn 2023–2030',
    'Cải cách hành chính, chuyển đổi số phục vụ Nhân dân',
    'Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở',
    'Dạy tốt – học tốt',
    'Đẩy mạnh phát triển kết cấu hạ tầng đồng bộ, hiện đại; thực hành tiết kiệm, chống lãng phí',
    'Đợt thi đua đặc biệt giai đoạn 2020–2025 của tỉnh Sơn La',
  ]);
  assert.equal(titles.at(-1), 'Vì người nghèo – Không để ai bị bỏ lại phía sau');
  assert.equal(sql(env.db, 'SELECT count(*) FROM movements WHERE length(sort_key) = 0'), '0');
  assert.equal(sql(env.db, 'SELECT count(*) FROM models WHERE length(sort_key) = 0'), '0');
  // the models of a movement by title
  const m = await c.get('/api/v1/movements/DVK2024/models?sort=title&limit=3');
  assert.equal(m.status, 200);
  const all = (await c.get('/api/v1/movements/DVK2024/models?limit=200')).data.items.map((x) => x.title);
  const vi = new Intl.Collator('vi', { numeric: true });
  assert.deepEqual(m.data.items.map((x) => x.title), [...all].sort(vi.compare).slice(0, 3));
});

test('migration 009 gives the units and people of an older database their sort keys', async () => {
  const old = makeDb();
  const units = path.join(old.dir, 'm009-units.csv');
  fs.writeFileSync(units, 'code,name,kind,parent_code\nM-DN,Tỉnh Đồng Nai,province,VN\nM-DL,Tỉnh Dương Liễu,province,VN\nM-AG,Tỉnh An Giang,province,VN\n');
  assert.equal(thidua(['import', 'units', units, '--db', old.db]).code, 0);
  const people = path.join(old.dir, 'm009-people.csv');
  fs.writeFileSync(people, 'code,full_name,gender,unit_code\nM-1,Đặng Văn Minh,M,M-DN\nM-2,Dương Thị Lan,F,M-DN\nM-3,Ân Văn Hòa,M,M-DN\n');
  assert.equal(thidua(['import', 'people', people, '--db', old.db]).code, 0);
  // back to version 8: no sort keys, the old child index
  sql(old.db, `DROP INDEX people_sort; DROP INDEX people_unit_sort; DROP INDEX units_children; DROP TABLE sort_key_collator;
    ALTER TABLE people DROP COLUMN sort_key; ALTER TABLE units DROP COLUMN sort_key;
    ALTER TABLE movements DROP COLUMN sort_key; ALTER TABLE models DROP COLUMN sort_key;
    CREATE INDEX units_children ON units (parent_id, active, name); DELETE FROM schema_migrations WHERE version = 9`);
  const s = await startServer(old.db);
  try {
    const k = new Client(s.base);
    await k.login('admin', old.adminPassword);
    const r = await k.get('/api/v1/units?parent=1');
    assert.deepEqual(names(r), ['Tỉnh An Giang', 'Tỉnh Dương Liễu', 'Tỉnh Đồng Nai']);
    const dn = r.data.items[2].id;
    const p = await k.get(`/api/v1/people?unit=${dn}`);
    assert.deepEqual(fullNames(p), ['Ân Văn Hòa', 'Dương Thị Lan', 'Đặng Văn Minh']);
    assert.equal(sql(old.db, 'SELECT count(*) FROM people WHERE length(sort_key) = 0'), '0');
    assert.match(sql(old.db, 'SELECT version FROM sort_key_collator'), /^vi \d+\.\d+\.\d+\.\d+ num secondary$/);
  } finally {
    await s.stop();
  }
});
