// Commendation, part one: the award catalogue and the achievement records of
// people and collectives (API, the person's and the unit's page, the import).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeDb, addUser, startServer, Client, thidua, testPassword } from '../lib/server.mjs';
import { mkUnit, mkPerson, csrfOf, loginAs } from './_util.mjs';

let env, srv, admin, ward, other, lan, binh;

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  ward = await mkUnit(admin, 'W-YENGIANG', 'Phường Yên Giang', 'ward');
  other = await mkUnit(admin, 'W-KHAC', 'Phường Khác', 'ward');
  lan = await mkPerson(admin, { full_name: 'Nguyễn Thị Lan', gender: 'F', unit_id: ward.id, code: 'YG-001' });
  binh = await mkPerson(admin, { full_name: 'Trần Văn Bình', gender: 'M', unit_id: other.id, code: 'KH-001' });
  addUser(env.db, 'yg.reporter', 'reporter', 'W-YENGIANG');
  addUser(env.db, 'vn.viewer', 'viewer', 'VN');
});

after(async () => {
  if (srv) await srv.stop();
});

const as = (login) => loginAs(srv.base, login);

test('GET /api/v1/awards is the catalogue in order, with the bonus multiples RULES.md gives and null for the others', async () => {
  const r = await admin.get('/api/v1/awards');
  assert.equal(r.status, 200);
  assert.deepEqual(r.data.items.map((x) => x.code),
    ['LDTT', 'CSTDCS', 'CSTD_BO_TINH', 'CSTD_TOAN_QUOC', 'TTLDTT', 'TTLDXS', 'CO_BO_TINH', 'CO_CP', 'GK', 'BK_BO_TINH', 'BK_TTG', 'HCLD3']);
  const by = Object.fromEntries(r.data.items.map((x) => [x.code, x]));
  assert.equal(by.LDTT.bonus_person, 0.3);
  assert.equal(by.CSTDCS.bonus_person, 1);
  assert.equal(by.CSTD_BO_TINH.bonus_person, 3);
  assert.equal(by.CSTD_TOAN_QUOC.bonus_person, 4.5);
  assert.equal(by.TTLDXS.bonus_collective, 1.5);
  assert.equal(by.BK_TTG.bonus_person, null);
  assert.equal(by.CSTDCS.name, 'Chiến sĩ thi đua cơ sở');
  assert.equal(by.BK_TTG.names.en, "Prime Minister's Certificate of Merit");
  assert.equal(by.CO_CP.subjects, 'collective');
  assert.equal(by.LDTT.yearly, true);
});

test('a person\'s records: created by code, listed newest year first, the rating before the titles, values in words', async () => {
  const mk = async (json) => {
    const r = await admin.post('/api/v1/achievements', { json: { person_code: 'YG-001', ...json } });
    assert.equal(r.status, 201, r.text);
    return r;
  };
  const first = await mk({ year: 2022, kind: 'rating', value: 'good' });
  assert.match(first.headers.get('location'), /^\/api\/v1\/achievements\/\d+$/);
  assert.equal(first.data.value_label, 'hoàn thành tốt nhiệm vụ');
  await mk({ year: 2023, kind: 'title', value: 'CSTDCS', decision_no: '125/QĐ-UBND', decided_on: '2023-12-20', authority: 'UBND thị xã Quảng Yên' });
  await mk({ year: 2023, kind: 'rating', value: 'excellent' });
  await mk({ year: 2023, kind: 'initiative', value: 'grassroots' });
  const list = await admin.get('/api/v1/achievements?person=YG-001');
  assert.equal(list.status, 200);
  assert.deepEqual(list.data.items.map((x) => `${x.year} ${x.kind} ${x.value}`),
    ['2023 rating excellent', '2023 title CSTDCS', '2023 initiative grassroots', '2022 rating good']);
  const t = list.data.items[1];
  assert.equal(t.value_label, 'Chiến sĩ thi đua cơ sở');
  assert.equal(t.decided_on, '2023-12-20');
  assert.equal(t.person_name, 'Nguyễn Thị Lan');
  assert.equal(t.unit_code, 'W-YENGIANG');
  assert.equal(t.subject, 'person');
  const one = await admin.get('/api/v1/achievements?person=YG-001&year=2022');
  assert.equal(one.data.items.length, 1);
});

test('a collective\'s records are the unit\'s own; a title for individuals is refused for it', async () => {
  const ok = await admin.post('/api/v1/achievements', { json: { unit_code: 'W-YENGIANG', year: 2023, kind: 'title', value: 'TTLDXS' } });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.data.subject, 'collective');
  assert.equal(ok.data.person_code, null);
  const bad = await admin.post('/api/v1/achievements', { json: { unit_code: 'W-YENGIANG', year: 2023, kind: 'title', value: 'CSTDCS' } });
  assert.equal(bad.status, 422);
  assert.equal(bad.data.error.fields.value, 'Danh hiệu này dành cho cá nhân, không dành cho tập thể');
  const list = await admin.get('/api/v1/achievements?unit=W-YENGIANG');
  assert.deepEqual(list.data.items.map((x) => x.value), ['TTLDXS']);
});

test('bad records are refused with the reason per field, and nothing is stored', async () => {
  const cases = [
    [{ person_code: 'YG-001', year: 2024, kind: 'title', value: 'NOPE' }, 'value', 'Không có danh hiệu, hình thức khen thưởng nào có mã này'],
    [{ person_code: 'YG-001', year: 2024, kind: 'rating', value: 'superb' }, 'value', null],
    [{ person_code: 'YG-001', year: 2023, kind: 'rating', value: 'good' }, 'value', 'Năm này đã có xếp loại'],
    [{ person_code: 'YG-001', year: 2023, kind: 'title', value: 'CSTDCS' }, 'value', 'Bản ghi này đã có cho năm này'],
    [{ person_code: 'YG-001', year: 2024, kind: 'discipline', value: 'warning' }, 'on_date', 'Kỷ luật cần có ngày'],
    [{ person_code: 'YG-001', year: 1900, kind: 'rating', value: 'good' }, 'year', null],
    [{ year: 2024, kind: 'rating', value: 'good' }, 'person_code', 'Hãy cho biết một cá nhân hoặc một đơn vị'],
    [{ person_code: 'NO-SUCH', year: 2024, kind: 'rating', value: 'good' }, 'person_code', 'Không có người nào có mã này'],
  ];
  const before = (await admin.get('/api/v1/achievements?person=YG-001')).data.items.length;
  for (const [json, field, msg] of cases) {
    const r = await admin.post('/api/v1/achievements', { json });
    assert.equal(r.status, 422, JSON.stringify(json) + ' ' + r.text);
    assert.ok(r.data.error.fields[field], `${JSON.stringify(json)}: field ${field} in ${r.text}`);
    if (msg) assert.equal(r.data.error.fields[field], msg);
  }
  assert.equal((await admin.get('/api/v1/achievements?person=YG-001')).data.items.length, before);
});

test('a unit\'s reporter records for its own people only (403 elsewhere); a viewer reads but may not record', async () => {
  const rep = await as('yg.reporter');
  const mine = await rep.post('/api/v1/achievements', { json: { person_code: 'YG-001', year: 2021, kind: 'rating', value: 'completed' } });
  assert.equal(mine.status, 201, mine.text);
  const theirs = await rep.post('/api/v1/achievements', { json: { person_code: 'KH-001', year: 2021, kind: 'rating', value: 'good' } });
  assert.equal(theirs.status, 403);
  const read = await rep.get('/api/v1/achievements?person=KH-001');
  assert.equal(read.status, 403);
  const viewer = await as('vn.viewer');
  assert.equal((await viewer.get('/api/v1/achievements?person=KH-001')).status, 200);
  const w = await viewer.post('/api/v1/achievements', { json: { person_code: 'KH-001', year: 2021, kind: 'rating', value: 'good' } });
  assert.equal(w.status, 403);
});

test('DELETE needs the current version: a stale one is 409, the right one 204 and the record is gone', async () => {
  const c = await admin.post('/api/v1/achievements', { json: { person_code: 'KH-001', year: 2020, kind: 'rating', value: 'good' } });
  assert.equal(c.status, 201);
  const id = c.data.id;
  const stale = await admin.req('DELETE', `/api/v1/achievements/${id}?version=7`);
  assert.equal(stale.status, 409);
  const ok = await admin.req('DELETE', `/api/v1/achievements/${id}?version=1`);
  assert.equal(ok.status, 204);
  assert.equal((await admin.get(`/api/v1/achievements/${id}`)).status, 404);
  const audit = thidua(['audit', 'verify', '--db', env.db]);
  assert.equal(audit.code, 0, audit.stderr);
});

test('the person\'s page shows the timeline by year, and its form adds a record as a person types it', async () => {
  const b = new Client(srv.base);
  const login = await b.get('/login');
  const r = await b.post('/login', { form: { login: 'admin', password: env.adminPassword, next: '/', _csrf: csrfOf(login.text) } });
  assert.equal(r.status, 303);
  const page = await b.get(`/people/${lan.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Thành tích theo năm/);
  assert.match(page.text, /<h3 class="year">2023<\/h3>/);
  assert.match(page.text, /Chiến sĩ thi đua cơ sở/);
  assert.match(page.text, /hoàn thành xuất sắc nhiệm vụ/);
  const add = await b.post(`/people/${lan.id}/achievements`, {
    form: { _csrf: csrfOf(page.text), year: '2024', record: 'title:LDTT', decided_on: '15/12/2024', decision_no: '88/QĐ-UBND' },
  });
  assert.equal(add.status, 303, add.text);
  assert.equal(add.headers.get('location'), `/people/${lan.id}#achievements`);
  const rec = (await admin.get('/api/v1/achievements?person=YG-001&year=2024')).data.items;
  assert.deepEqual(rec.map((x) => [x.value, x.decided_on, x.decision_no]), [['LDTT', '2024-12-15', '88/QĐ-UBND']]);
  const bad = await b.post(`/people/${lan.id}/achievements`, { form: { _csrf: csrfOf(page.text), year: '2024', record: 'title:LDTT' } });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /Bản ghi này đã có cho năm này/);
  // working directly in production, from a date typed the Vietnamese way
  const page2 = await b.get(`/people/${lan.id}`);
  const dw = await b.post(`/people/${lan.id}/direct-work`, { form: { _csrf: csrfOf(page2.text), direct: '1', valid_from: '01/01/2024' } });
  assert.equal(dw.status, 303, dw.text);
  const page3 = await b.get(`/people/${lan.id}`);
  assert.match(page3.text, /Lao động trực tiếp sản xuất/);
  assert.match(page3.text, /từ 01\/01\/2024: có/);
  const unitPage = await b.get(`/units/${ward.id}`);
  assert.match(unitPage.text, /Tập thể lao động xuất sắc/);
});

test('thidua import achievements: all or nothing with line numbers, then the good file goes in', async () => {
  const dir = env.dir;
  const bad = path.join(dir, 'ach-bad.csv');
  fs.writeFileSync(bad, 'person_code,year,kind,value,decided_on\nKH-001,2019,rating,excellent,\nKH-001,2019,title,XYZ,\nKH-001,2019,title,LDTT,31/02/2019\n');
  const r = thidua(['import', 'achievements', '--db', env.db, bad]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^line 3: value: No award has this code$/m);
  assert.match(r.stderr, /^line 4: decided_on: '31\/02\/2019' is not a date/m);
  assert.match(r.stderr, /nothing imported: 2 of 3 lines rejected/);
  assert.equal((await admin.get('/api/v1/achievements?person=KH-001&year=2019')).data.items.length, 0);
  const good = path.join(dir, 'ach-good.csv');
  fs.writeFileSync(good, 'Mã cá nhân,Năm,Loại bản ghi,Giá trị,Ngày quyết định\nKH-001,2019,rating,excellent,\nKH-001,2019,title,LDTT,20/12/2019\n');
  const g = thidua(['import', 'achievements', '--db', env.db, good]);
  assert.equal(g.code, 0, g.stderr);
  assert.match(g.stdout, /2 lines: 2 added/);
  const got = (await admin.get('/api/v1/achievements?person=KH-001&year=2019')).data.items;
  assert.deepEqual(got.map((x) => [x.kind, x.value, x.decided_on]), [['rating', 'excellent', null], ['title', 'LDTT', '2019-12-20']]);
});

test('who received what: the awards held by year and award, and the yearly table per issuing body with the shares of direct workers and small collectives', async () => {
  // one person working directly in production from 2023 (not before), one not
  let r = await admin.post(`/api/v1/people/${binh.id}/direct-work`, { json: { direct: true, valid_from: '2023-01-01' } });
  assert.equal(r.status, 204, r.text);
  for (const [code, val, auth] of [['KH-001', 'LDTT', 'UBND phường Khác'], ['YG-001', 'LDTT', 'UBND phường Yên Giang']]) {
    r = await admin.post('/api/v1/achievements', { json: { person_code: code, year: 2023, kind: 'title', value: val, authority: auth } });
    assert.equal(r.status, 201, r.text);
  }
  r = await admin.post('/api/v1/achievements', { json: { unit_code: 'W-KHAC', year: 2023, kind: 'title', value: 'TTLDTT', authority: 'UBND phường Khác' } });
  assert.equal(r.status, 201, r.text);
  const got = await admin.get('/api/v1/awards/received?year=2023&subject=person&award=LDTT');
  assert.equal(got.status, 200);
  assert.deepEqual(got.data.items.map((x) => x.person_code).sort(), ['KH-001', 'YG-001']);
  const under = await admin.get('/api/v1/awards/received?year=2023&under=W-KHAC');
  assert.deepEqual(under.data.items.map((x) => `${x.subject} ${x.value}`).sort(), ['collective TTLDTT', 'person LDTT']);
  const y = await admin.get('/api/v1/awards/yearly?year=2023');
  assert.equal(y.status, 200);
  const khac = y.data.rows.find((x) => x.authority === 'UBND phường Khác');
  assert.deepEqual([khac.awards, khac.people, khac.direct_workers, khac.direct_share, khac.collectives, khac.small_collectives, khac.small_share],
    [2, 1, 1, 1, 1, 1, 1]);
  const yg = y.data.rows.find((x) => x.authority === 'UBND phường Yên Giang');
  assert.deepEqual([yg.people, yg.direct_workers, yg.direct_share, yg.collectives, yg.small_share], [1, 0, 0, 0, null]);
  // 2022: KH-001 did not work directly in production yet
  await admin.post('/api/v1/achievements', { json: { person_code: 'KH-001', year: 2022, kind: 'title', value: 'LDTT', authority: 'UBND phường Khác' } });
  const y22 = await admin.get('/api/v1/awards/yearly?year=2022');
  assert.equal(y22.data.rows.find((x) => x.authority === 'UBND phường Khác').direct_workers, 0);
  const page = await admin.get('/awards/received?year=2023');
  assert.equal(page.status, 200);
  assert.match(page.text, /UBND phường Khác/);
});

test('the awards received export as CSV with the page\'s filters, headers in Vietnamese', async () => {
  const r = await admin.get('/export/awards-received?year=2023&award=CSTDCS&format=csv');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-disposition'), /awards-received\.csv/);
  const lines = r.text.trim().split('\r\n');
  assert.equal(lines[0], 'Năm,"Danh hiệu, hình thức khen thưởng","Người, tập thể được khen","Mã số cán bộ, công chức",Đơn vị,Số quyết định,Ngày quyết định,Cơ quan ban hành');
  assert.deepEqual(lines.slice(1), ['2023,Chiến sĩ thi đua cơ sở,Nguyễn Thị Lan,YG-001,Phường Yên Giang,125/QĐ-UBND,20/12/2023,UBND thị xã Quảng Yên']);
});
