// Without JavaScript a picker with many choices is a search step: a box and
// a Find button. They belong to the picker's own form and send all of it
// (_pick names the picker), so the form comes back with everything typed and
// the matches, and nothing is saved. The search step was a GET form of its
// own that carried only the page's address: choosing a parent unit after
// typing a new unit's code and name lost them. Every page form with a
// search step is posted here as a browser posts it after "Tìm".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { sql } from './_util.mjs';

let env, srv, admin;
const YEN_GIANG = ['Phường Yên Giang — Thị xã Quảng Yên', 'Ủy ban MTTQ phường Yên Giang — Phường Yên Giang'];

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
});
after(async () => { await srv.stop(); });

// the value of the input named `name` (the first one), as the page sends it back
function inputValue(html, name) {
  const tag = html.match(new RegExp(`<input[^>]* name="${name}"[^>]*>`));
  assert.ok(tag, `an input named ${name}`);
  const v = tag[0].match(/ value="([^"]*)"/);
  return v ? v[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"') : null;
}
// the option chosen in the select named `name` (or with the id `#id`)
function selected(html, name) {
  const attr = name.startsWith('#') ? `id="${name.slice(1)}"` : `name="${name}"`;
  const sel = html.match(new RegExp(`<select[^>]* ${attr}[^>]*>([\\s\\S]*?)</select>`));
  assert.ok(sel, `a select ${attr}`);
  const o = sel[1].match(/<option value="([^"]*)" selected>([^<]*)<\/option>/);
  return o ? o[2] : null;
}
// the options of the matches a search step found for the picker `name`
function matches(html, name) {
  const sel = html.match(new RegExp(`<select id="f-${name}-found" name="${name}"[^>]*>([\\s\\S]*?)</select>`));
  assert.ok(sel, `the matches of ${name}`);
  return [...sel[1].matchAll(/<option value="\d+"[^>]*>([^<]*)<\/option>/g)].map((m) => m[1]);
}
function textarea(html, name) {
  const t = html.match(new RegExp(`<textarea[^>]* name="${name}"[^>]*>([^<]*)</textarea>`));
  assert.ok(t, `a textarea named ${name}`);
  return t[1];
}
const count = (q) => Number(sql(env.db, q));

test('the search step is a field and a button of the form itself, not a form of its own', async () => {
  const page = await admin.get('/units/new');
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.text, /class="pick-step"/);
  const form = page.text.match(/<form method="post" action="\/units" class="card">[\s\S]*?<\/form>/)[0];
  assert.match(form, /<input type="search" id="f-parent_id" name="find_parent_id" value="" placeholder="[^"]*"> <button type="submit" name="_pick" value="parent_id" formnovalidate>Tìm<\/button>/);
});

test('a new unit: the code, name and kind typed before searching the parent stay; nothing is created until Tạo', async () => {
  const r = await admin.post('/units', { form: { code: 'YG-TOCDS', name: 'Tổ công nghệ số cộng đồng', kind: 'subunit', find_parent_id: 'yen giang', _pick: 'parent_id' } });
  assert.equal(r.status, 200);
  assert.equal(inputValue(r.text, 'code'), 'YG-TOCDS');
  assert.equal(inputValue(r.text, 'name'), 'Tổ công nghệ số cộng đồng');
  assert.equal(selected(r.text, 'kind'), 'Phòng, tổ, bộ phận');
  assert.equal(inputValue(r.text, 'find_parent_id'), 'yen giang');
  assert.deepEqual(matches(r.text, 'parent_id'), YEN_GIANG);
  assert.doesNotMatch(r.text, /error-summary|field-error/);
  assert.equal(count("SELECT count(*) FROM units WHERE code = 'YG-TOCDS'"), 0);
  // the first match chosen, the form sent with Tạo: the unit under Yên Giang
  const ward = sql(env.db, "SELECT id FROM units WHERE code = 'QY-P-YENGIANG'");
  const made = await admin.post('/units', { form: { code: 'YG-TOCDS', name: 'Tổ công nghệ số cộng đồng', kind: 'subunit', find_parent_id: 'yen giang', parent_id: ward } });
  assert.equal(made.status, 303, made.text);
  assert.equal(sql(env.db, "SELECT p.code FROM units u JOIN units p ON p.id = u.parent_id WHERE u.code = 'YG-TOCDS'"), 'QY-P-YENGIANG');
});

test('a unit moved: the search keeps the unit where it is until Chuyển', async () => {
  const [id, version, parent] = sql(env.db, "SELECT id, version, parent_id FROM units WHERE code = 'QY-P-YENGIANG-MTTQ'").split('|');
  const r = await admin.post(`/units/${id}`, { form: { action: 'move', version, parent_id: parent, find_parent_id: 'phuong yen hai', _pick: 'parent_id' } });
  assert.equal(r.status, 200);
  // the current parent stays the choice, first; the matches follow
  assert.deepEqual(matches(r.text, 'parent_id'), ['Phường Yên Giang — Thị xã Quảng Yên', 'Phường Yên Hải — Thị xã Quảng Yên']);
  assert.equal(selected(r.text, 'parent_id'), 'Phường Yên Giang — Thị xã Quảng Yên');
  assert.equal(sql(env.db, `SELECT parent_id || '|' || version FROM units WHERE id = ${id}`), `${parent}|${version}`);
});

test('a new person: the name, gender, birth year, code and position stay while the unit is searched', async () => {
  const form = { full_name: 'Vũ Thị Thu Trang', gender: 'F', birth_year: '1991', code: 'CC-YG-0001', position: 'Công chức văn hoá – xã hội' };
  const r = await admin.post('/people', { form: { ...form, find_unit_id: 'yen giang', _pick: 'unit_id' } });
  assert.equal(r.status, 200);
  assert.equal(inputValue(r.text, 'full_name'), 'Vũ Thị Thu Trang');
  assert.equal(selected(r.text, 'gender'), 'nữ');
  assert.equal(inputValue(r.text, 'birth_year'), '1991');
  assert.equal(inputValue(r.text, 'code'), 'CC-YG-0001');
  assert.equal(inputValue(r.text, 'position'), 'Công chức văn hoá – xã hội');
  assert.deepEqual(matches(r.text, 'unit_id'), YEN_GIANG);
  assert.equal(count("SELECT count(*) FROM people WHERE code = 'CC-YG-0001'"), 0);
});

test('a new user: login, name, e-mail and role stay (the password is never sent back)', async () => {
  const r = await admin.post('/users', { form: { login: 'yg.baocao', full_name: 'Báo cáo viên Yên Giang', email: 'yg@example.vn', role: 'reporter', password: 'Mật-khẩu-rất-dài-2025', find_unit_id: 'yen giang', _pick: 'unit_id' } });
  assert.equal(r.status, 200);
  assert.equal(inputValue(r.text, 'login'), 'yg.baocao');
  assert.equal(inputValue(r.text, 'full_name'), 'Báo cáo viên Yên Giang');
  assert.equal(inputValue(r.text, 'email'), 'yg@example.vn');
  assert.equal(selected(r.text, 'role'), 'báo cáo viên');
  assert.equal(inputValue(r.text, 'password'), null);
  assert.deepEqual(matches(r.text, 'unit_id'), YEN_GIANG);
  assert.equal(count("SELECT count(*) FROM users WHERE login = 'yg.baocao'"), 0);
});

test('a new award proposal: title, round, year and summary stay while the proposer is searched', async () => {
  const before_ = count('SELECT count(*) FROM proposals');
  const r = await admin.post('/proposals', { form: { title: 'Khen thưởng cuối năm phường Yên Giang', round: 'unexpected', year: '2024', summary: 'Hoàn thành xuất sắc nhiệm vụ', find_proposer_id: 'yen giang', _pick: 'proposer_id' } });
  assert.equal(r.status, 200);
  assert.equal(inputValue(r.text, 'title'), 'Khen thưởng cuối năm phường Yên Giang');
  assert.equal(selected(r.text, 'round'), 'thành tích đột xuất');
  assert.equal(inputValue(r.text, 'year'), '2024');
  assert.equal(textarea(r.text, 'summary'), 'Hoàn thành xuất sắc nhiệm vụ');
  assert.deepEqual(matches(r.text, 'proposer_id'), YEN_GIANG);
  assert.equal(count('SELECT count(*) FROM proposals'), before_);
});

test('a new programme of tasks: code, title, kind, source and start stay while the owner is searched', async () => {
  const r = await admin.post('/programmes', { form: { code: 'KH-YG-2026', title: 'Kế hoạch chuyển đổi số phường', kind: 'plan', legal_source: 'Kế hoạch 12/KH-UBND', starts_on: '2026-01-05', find_owner_id: 'yen giang', _pick: 'owner_id' } });
  assert.equal(r.status, 200);
  assert.equal(inputValue(r.text, 'code'), 'KH-YG-2026');
  assert.equal(inputValue(r.text, 'title'), 'Kế hoạch chuyển đổi số phường');
  assert.equal(selected(r.text, 'kind'), 'Kế hoạch');
  assert.equal(inputValue(r.text, 'legal_source'), 'Kế hoạch 12/KH-UBND');
  assert.equal(inputValue(r.text, 'starts_on'), '2026-01-05');
  assert.deepEqual(matches(r.text, 'owner_id'), YEN_GIANG);
  assert.equal(count("SELECT count(*) FROM task_programmes WHERE code = 'KH-YG-2026'"), 0);
});

test('a new cluster: code, name, kind and description stay while the organiser is searched', async () => {
  const r = await admin.post('/clusters', { form: { code: 'KHOI-YG', name: 'Khối thi đua các phường', kind: 'bloc', description: 'Các phường của thị xã', find_organiser_id: 'yen giang', _pick: 'organiser_id' } });
  assert.equal(r.status, 200);
  assert.equal(inputValue(r.text, 'code'), 'KHOI-YG');
  assert.equal(inputValue(r.text, 'name'), 'Khối thi đua các phường');
  assert.equal(selected(r.text, 'kind'), 'khối (theo lĩnh vực)');
  assert.equal(inputValue(r.text, 'description'), 'Các phường của thị xã');
  assert.deepEqual(matches(r.text, 'organiser_id'), YEN_GIANG);
  assert.equal(count("SELECT count(*) FROM clusters WHERE code = 'KHOI-YG'"), 0);
});

test('a new vote: title, threshold, base and limits stay while the organising body is searched', async () => {
  const before_ = count('SELECT count(*) FROM vote_rounds');
  const r = await admin.post('/votes', { form: { title: 'Bình chọn tập thể tiêu biểu', threshold_pct: '75,5', base: 'present', max_choices: '3', quota_pct: '', quota_of: '', labels: 'Tổ dân phố 1\nTổ dân phố 2', find_unit_id: 'yen giang', _pick: 'unit_id' } });
  assert.equal(r.status, 200);
  assert.equal(inputValue(r.text, 'title'), 'Bình chọn tập thể tiêu biểu');
  assert.equal(inputValue(r.text, 'threshold_pct'), '75,5');
  assert.match(r.text, /<input type="radio" name="base" value="present" checked>/);
  assert.equal(inputValue(r.text, 'max_choices'), '3');
  assert.equal(textarea(r.text, 'labels'), 'Tổ dân phố 1\nTổ dân phố 2');
  assert.deepEqual(matches(r.text, 'unit_id'), YEN_GIANG);
  assert.equal(count('SELECT count(*) FROM vote_rounds'), before_);
});

test('a form sent by GET (the eligibility check) comes back with its choices and the matches, and checks nothing', async () => {
  const r = await admin.get('/eligibility?award=LDTT&year=2024&date=&find_unit_id=yen+giang&_pick=unit_id');
  assert.equal(r.status, 200);
  assert.equal(selected(r.text, 'award'), 'Lao động tiên tiến');
  assert.equal(inputValue(r.text, 'year'), '2024');
  assert.deepEqual(matches(r.text, 'unit_id'), YEN_GIANG);
  assert.doesNotMatch(r.text, /class="error-msg"/);
});

test('a cluster year\'s settings: the members kept and every setting changed stay while more members are searched', async () => {
  const id = (code) => sql(env.db, `SELECT id FROM units WHERE code = '${code}'`);
  const [y, version] = sql(env.db, "SELECT y.id, y.version FROM cluster_years y JOIN clusters c ON c.id = y.cluster_id WHERE c.code = 'CUM-BTB' AND y.year = 2024").split('|');
  const form = new URLSearchParams({ what: 'settings', version, members: '' });
  for (const code of ['T-HATINH', 'T-NGHEAN', 'T-QUANGBINH']) form.append('members', id(code));
  for (const [k, v] of Object.entries({ leader: id('T-NGHEAN'), deputy: id('T-QUANGBINH'), cross_mode: 'leader', method: 'trimmed', trim: '2', deadline: '2026-03-31',
    agreement_title: 'Giao ước thi đua năm 2024 (sửa)', agreement_text: 'Các tỉnh cùng thi đua', agreement_targets: 'Tăng trưởng 8%', find_members: 'quang tri', _pick: 'members' })) form.append(k, v);
  const r = await admin.post('/clusters/1/years/2024', { form });
  assert.equal(r.status, 200);
  const chips = (cls) => [...r.text.match(new RegExp(`<div class="${cls}">([\\s\\S]*?)</div>`))[1].matchAll(/<input type="checkbox" name="members" value="\d+"( checked)?> ([^<]*) <small/g)].map((m) => m[2] + (m[1] ? ' ✓' : ''));
  assert.deepEqual(chips('chip-list'), ['Tỉnh Hà Tĩnh ✓', 'Tỉnh Nghệ An ✓', 'Tỉnh Quảng Bình ✓']);
  assert.deepEqual(chips('pick-matches'), ['Ban Thi đua – Khen thưởng tỉnh Quảng Trị', 'Hội đồng Thi đua – Khen thưởng tỉnh Quảng Trị', 'Tỉnh Quảng Trị',
    'Văn phòng Ủy ban nhân dân tỉnh Quảng Trị']);
  assert.equal(selected(r.text, '#f-s-leader'), 'Tỉnh Nghệ An');
  assert.equal(selected(r.text, '#f-s-deputy'), 'Tỉnh Quảng Bình');
  assert.equal(selected(r.text, 'cross_mode'), 'cụm trưởng chấm tất cả thành viên');
  assert.equal(selected(r.text, 'method'), 'bình quân cắt');
  assert.equal(inputValue(r.text, 'trim'), '2');
  assert.equal(inputValue(r.text, 'deadline'), '2026-03-31');
  assert.equal(inputValue(r.text, 'agreement_title'), 'Giao ước thi đua năm 2024 (sửa)');
  assert.equal(textarea(r.text, 'agreement_text'), 'Các tỉnh cùng thi đua');
  assert.equal(textarea(r.text, 'agreement_targets'), 'Tăng trưởng 8%');
  assert.equal(sql(env.db, `SELECT version || '|' || method || '|' || (SELECT count(*) FROM cluster_members WHERE cluster_year_id = ${y}) FROM cluster_years WHERE id = ${y}`), `${version}|mean|6`);
});

test('a new task: what was typed stays while the lead unit is searched; nothing is assigned', async () => {
  const before_ = count('SELECT count(*) FROM tasks');
  const r = await admin.post('/programmes/1/tasks', { form: { code: 'YG-01', title: 'Số hoá hồ sơ một cửa của phường', source_doc: 'Kế hoạch 12/KH-UBND', source_article: 'Mục II.3',
    assigned_on: '2026-01-05', due_on: '2026-06-30', product: 'Báo cáo kết quả', find_lead_id: 'yen giang', _pick: 'lead_id' } });
  assert.equal(r.status, 200);
  for (const [k, v] of Object.entries({ code: 'YG-01', title: 'Số hoá hồ sơ một cửa của phường', source_doc: 'Kế hoạch 12/KH-UBND', source_article: 'Mục II.3',
    assigned_on: '2026-01-05', due_on: '2026-06-30', product: 'Báo cáo kết quả' })) assert.equal(inputValue(r.text, k), v, k);
  assert.deepEqual(matches(r.text, 'lead_id'), YEN_GIANG);
  assert.equal(count('SELECT count(*) FROM tasks'), before_);
});
