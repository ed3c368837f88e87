// The home page per role, on the demo data: what a reporter's units must do,
// what waits for an officer, the system's state for an admin; every count is
// a link to the list it counts. And the language switch, which comes back to
// the same page with its query string and never leaves the site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, makeDb, startServer, Client, onPg } from '../lib/server.mjs';
import { addUserAsync, copyDb, csrfOf, setCookies, sql } from './_util.mjs';
import { officeDay } from '../lib/dates.mjs';

// No test depends on another. The tests that only read share one server on
// the demo data; a test that adds to what the home pages count (or needs what
// another test added: the Sơn La movement HOME-T, its reporter, models and
// reports) gets a server of its own on a copy of the demo database (ownWorld)
// and builds it there through the same calls the Sơn La test asserts.
let env, template, srv, admin, qyReporter, slOfficer, twOfficer, viewer, ids;

const day = (offset) => officeDay(offset);
// the office's today when asked, not when the file was loaded: a run may cross midnight (UTC+7)
const today = () => day(0);
const inDays = (iso) => Math.round((Date.parse(iso) - Date.parse(today())) / 86400000);
const vnDate = (iso) => iso.split('-').reverse().join('/');
const soon = (iso) => iso >= today() && iso <= day(30);

// A server on `db` with the demo users logged in and the ids of three demo movements.
async function world(db) {
  const srv = await startServer(db);
  const login = async (name, pw) => { const c = new Client(srv.base); await c.login(name, pw); return c; };
  const pw = (name) => env.demoUsers[name].password;
  const [admin, qyReporter, slOfficer, twOfficer, viewer] = await Promise.all([
    login('admin', env.adminPassword), login('quangyen.reporter', pw('quangyen.reporter')), login('sonla.officer', pw('sonla.officer')),
    login('tw.officer', pw('tw.officer')), login('camau.viewer', pw('camau.viewer')),
  ]);
  const ids = {};
  for (const code of ['TTG-XHHT', 'DVK2026', 'DVK2027']) ids[code] = (await admin.get('/api/v1/movements/' + code)).data.id;
  return { db, srv, admin, qyReporter, slOfficer, twOfficer, viewer, ids };
}

before(async () => {
  env = makeDb({ demo: true });
  template = copyDb(env.db, 'demo-template.db');
  ({ srv, admin, qyReporter, slOfficer, twOfficer, viewer, ids } = await world(env.db));
});

// a server of the test's own on a copy of the demo database, stopped when the test ends
let worlds = 0;
async function ownWorld(t) {
  const db = copyDb(template, `own-${++worlds}.db`);
  const w = await world(db);
  t.after(() => w.srv.stop());
  return w;
}

after(async () => { if (srv) await srv.stop(); });

// The tiles of the home page: { id: { n, label, href } } with n as shown.
async function home(c, lang = 'vi') {
  const r = await c.get('/', { headers: { 'Accept-Language': lang } });
  assert.equal(r.status, 200);
  const tiles = {};
  for (const m of r.text.matchAll(/<li id="home-([a-z-]+)"[^>]*>(?:<a href="([^"]*)">)?<strong>([^<]*)<\/strong> <span>([^<]*)<\/span>/g))
    tiles[m[1]] = { n: m[3], label: m[4], href: m[2] ? m[2].replace(/&amp;/g, '&') : null };
  return { html: r.text, tiles };
}

// The rows of a work list (<h3 id=...> then <ul class="worklist">) as text.
function worklist(html, id) {
  const at = html.indexOf(`<h3 id="${id}">`);
  if (at < 0) return null;
  // its own section only: up to the next heading (an empty list is a <p>, and the next list is not its)
  const next = html.indexOf('<h3', at + 1);
  const ul = html.slice(at, next < 0 ? undefined : next).match(/<ul class="worklist">([\s\S]*?)<\/ul>/);
  if (!ul) return [];
  return [...ul[1].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1].replace(/<br>/g, ' | ').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim());
}

const daysText = (iso) => { const d = inDays(iso); return d === 0 ? 'hôm nay' : d === 1 ? 'ngày mai' : `còn ${d} ngày`; };

test('the Quảng Yên reporter sees the open movements their units have not registered for, with the deadline', async () => {
  // the demo's open movements: DVK2026 (Quảng Yên, until 31/12/2026) and TTG-XHHT (the whole country, until 31/12/2030)
  const open = [['DVK2026', 'Phong trào thi đua “Dân vận khéo” năm 2026', '2026-12-31'], ['TTG-XHHT', 'Cả nước thi đua xây dựng xã hội học tập, đẩy mạnh học tập suốt đời giai đoạn 2023–2030', '2030-12-31']]
    .filter(([, , by]) => by >= today());
  const { html, tiles } = await home(qyReporter);
  assert.deepEqual(tiles['to-register'], {
    n: String(open.length), label: 'phong trào cần đăng ký',
    href: open.length === 1 ? `/movements/${ids[open[0][0]]}` : '/movements?status=launched&mine=1',
  });
  assert.deepEqual(worklist(html, 'to-register'), open.map(([code, title, by]) => `${title} ${code} Hạn đăng ký ${vnDate(by)} · ${daysText(by)}`));
  // every model of Quảng Yên belongs to the closed 2024 movement: none waits for a report
  assert.deepEqual(tiles['reports-due'], { n: '0', label: 'mô hình chờ báo cáo tiến độ', href: '#reports-due' });
  assert.deepEqual(worklist(html, 'reports-due'), []);
  assert.ok(html.includes('<p class="empty">Mọi mô hình đều đã có báo cáo tiến độ gần đây.</p>'));
  // deadlines in the next 30 days: each open movement's registration deadline and end (both 31/12 in the demo)
  const deadlines = open.filter(([, , by]) => soon(by)).length * 2;
  assert.deepEqual(tiles.deadlines, { n: String(deadlines), label: 'hạn chót trong 30 ngày tới', href: '#deadlines' });
  // people within Quảng Yên, as the people list counts them
  const people = (await qyReporter.get('/api/v1/people?limit=1')).data.total;
  assert.deepEqual(tiles['people-scope'], { n: people.toLocaleString('de-DE'), label: 'cán bộ trong phạm vi của bạn', href: '/people' });
  // a reporter is shown neither the officer's nor the admin's figures
  assert.equal(tiles['to-assess'], undefined);
  assert.equal(tiles.units, undefined);
});

test('officers: the country-wide officer has the 2027 draft waiting, Sơn La has nothing', async () => {
  let { html, tiles } = await home(twOfficer);
  assert.deepEqual(tiles['new-registrations'], { n: '0', label: 'đăng ký mới trong 14 ngày qua', href: '#new-registrations' });
  assert.deepEqual(tiles['to-assess'], { n: '0', label: 'mô hình chờ đánh giá', href: '#to-assess' });
  assert.deepEqual(tiles.late, { n: '0', label: 'mô hình 30 ngày chưa báo cáo', href: '#late' });
  assert.deepEqual(tiles.drafts, { n: '1', label: 'dự thảo chưa phát động', href: '/movements?status=draft' });
  assert.deepEqual(worklist(html, 'drafts'), ['Phong trào thi đua “Dân vận khéo” năm 2027 DVK2027 bắt đầu 01/01/2027']);
  assert.equal(tiles['to-register'], undefined, 'an officer is not shown the reporter\'s list');
  ({ html, tiles } = await home(slOfficer));
  assert.deepEqual(['new-registrations', 'to-assess', 'late', 'drafts'].map((k) => tiles[k].n), ['0', '0', '0', '0']);
  assert.ok(html.includes('<p class="empty">Không có việc nào chờ bạn trong các phong trào bạn phụ trách.</p>'));
  // the draft is the officer's own: the drafts list shows it to them, not to Sơn La
  const drafts = await twOfficer.get('/movements?status=draft');
  assert.match(drafts.text, /Dân vận khéo” năm 2027/);
});

// The stages of the Sơn La movement, each on the one before: launched by the
// Sơn La officer for two wards, Chiềng Lề's reporter, the ward registered with
// three models (one reported last week, one two months ago, one never), the
// first model assessed.
async function launchedHomeT(w) {
  let r = await w.slOfficer.post('/api/v1/movements', {
    json: {
      code: 'HOME-T', title: 'Phường văn minh, sạch đẹp', kind: 'thematic', authority_code: 'T-SONLA',
      starts_on: day(-60), ends_on: day(20), register_by: day(10), scope: ['SL-P-CHIENGLE', 'SL-P-TOHIEU'], fields: ['economy'],
      metrics: [{ code: 'vnd', name: 'Kinh phí huy động', unit: 'VND', kind: 'amount' }],
    },
  });
  assert.equal(r.status, 201, r.text);
  r = await w.slOfficer.post(`/api/v1/movements/${r.data.id}/status`, { json: { status: 'launched', version: r.data.version } });
  assert.equal(r.status, 200, r.text);
  return r.data;
}
async function chiengLeReporter(w) {
  const c = new Client(w.srv.base);
  await c.login('chiengle.reporter', await addUserAsync(BIN, w.db, 'chiengle.reporter', 'reporter', 'SL-P-CHIENGLE'));
  return c;
}
async function registeredWithModels(mv, clReporter) {
  let r = await clReporter.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_code: 'SL-P-CHIENGLE', planned_models: 3 } });
  assert.equal(r.status, 201, r.text);
  const models = [];
  for (const [code, title] of [['CL-01', 'Tuyến phố không rác'], ['CL-02', 'Chợ văn minh'], ['CL-03', 'Camera an ninh tổ dân phố']]) {
    r = await clReporter.post(`/api/v1/movements/${mv.id}/models`, { json: { unit_code: 'SL-P-CHIENGLE', code, title, field: 'economy' } });
    assert.equal(r.status, 201, r.text);
    models.push(r.data);
  }
  for (const [m, on] of [[models[0], day(-7)], [models[1], day(-45)]]) {
    r = await clReporter.post(`/api/v1/models/${m.id}/reports`, { json: { reported_on: on, results: { vnd: 1500000 } } });
    assert.equal(r.status, 201, r.text);
  }
  return models;
}
async function assessed(w, model) {
  const r = await w.slOfficer.post(`/api/v1/models/${model.id}/assessment`, { json: { status: 'effective', version: model.version } });
  assert.equal(r.status, 200, r.text);
}
// all of it, as the Sơn La test leaves it
async function sonLaDone(w) {
  const mv = await launchedHomeT(w);
  const models = await registeredWithModels(mv, await chiengLeReporter(w));
  await assessed(w, models[0]);
  return mv;
}

test('a new Sơn La movement: the ward reporter has it to do, then the officer has registrations and models waiting', async (t) => {
  const w = await ownWorld(t);
  const { slOfficer, twOfficer, qyReporter, ids } = w;
  const mv = await launchedHomeT(w);
  const clReporter = await chiengLeReporter(w);

  let { html, tiles } = await home(clReporter);
  const open = [['HOME-T', 'Phường văn minh, sạch đẹp', day(10)], ['TTG-XHHT', 'Cả nước thi đua xây dựng xã hội học tập, đẩy mạnh học tập suốt đời giai đoạn 2023–2030', '2030-12-31']];
  assert.deepEqual(tiles['to-register'], { n: '2', label: 'phong trào cần đăng ký', href: '/movements?status=launched&mine=1' });
  assert.deepEqual(worklist(html, 'to-register'), open.map(([code, title, by]) => `${title} ${code} Hạn đăng ký ${vnDate(by)} · ${daysText(by)}`));
  assert.deepEqual(tiles.deadlines, { n: '2', label: 'hạn chót trong 30 ngày tới', href: '#deadlines' });
  assert.deepEqual(worklist(html, 'deadlines'), [
    `Phường văn minh, sạch đẹp Hết hạn đăng ký ${vnDate(day(10))} · còn 10 ngày`,
    `Phường văn minh, sạch đẹp Phong trào kết thúc ${vnDate(day(20))} · còn 20 ngày`,
  ]);

  // the ward registers, with three models: one reported last week, one two months ago, one never
  const models = await registeredWithModels(mv, clReporter);

  ({ html, tiles } = await home(clReporter));
  assert.deepEqual(tiles['to-register'], { n: '1', label: 'phong trào cần đăng ký', href: `/movements/${ids['TTG-XHHT']}` });
  assert.deepEqual(tiles['reports-due'], { n: '2', label: 'mô hình chờ báo cáo tiến độ', href: '#reports-due' });
  assert.deepEqual(worklist(html, 'reports-due'), [
    `Chợ văn minh CL-02 | Phường Chiềng Lề · Phường văn minh, sạch đẹp báo cáo gần nhất ${vnDate(day(-45))}`,
    'Camera an ninh tổ dân phố CL-03 | Phường Chiềng Lề · Phường văn minh, sạch đẹp chưa có báo cáo',
  ]);

  ({ html, tiles } = await home(slOfficer));
  assert.deepEqual(tiles['new-registrations'], { n: '1', label: 'đăng ký mới trong 14 ngày qua', href: `/movements/${mv.id}` });
  assert.deepEqual(tiles['to-assess'], { n: '3', label: 'mô hình chờ đánh giá', href: `/movements/${mv.id}/models?status=registered` });
  // late: CL-02, last reported 45 days ago; not CL-03, entered today and not reported yet (it is not late before 30 days)
  assert.deepEqual(tiles.late, { n: '1', label: 'mô hình 30 ngày chưa báo cáo', href: `/movements/${mv.id}/models` });
  assert.deepEqual(worklist(html, 'to-assess'), ['Phường văn minh, sạch đẹp HOME-T 3 mô hình']);
  // the link leads to exactly those models
  const list = await slOfficer.get(`/api/v1/movements/${mv.id}/models?status=registered`);
  assert.equal(list.data.total, 3);

  // an assessed model no longer waits; the country-wide officer sees the same movement
  await assessed(w, models[0]);
  ({ tiles } = await home(twOfficer));
  assert.deepEqual(['new-registrations', 'to-assess', 'late', 'drafts'].map((k) => tiles[k].n), ['1', '2', '1', '1']);
  // the other ward's reporter is not concerned by Chiềng Lề's models
  ({ tiles } = await home(qyReporter));
  assert.equal(tiles['reports-due'].n, '0');
});

test('the admin sees the state of the system, each stage a link to its list', async (t) => {
  // the demo and the Sơn La movement of the test above
  const w = await ownWorld(t);
  await sonLaDone(w);
  const { admin, db } = w;
  const { html, tiles } = await home(admin);
  const q = (text) => Number(sql(db, text));
  const vn = (n) => n.toLocaleString('de-DE');
  assert.deepEqual(tiles.units, { n: vn(q('SELECT count(*) FROM units WHERE active = 1')), label: 'đơn vị đang hoạt động', href: '/units' });
  assert.deepEqual(tiles.people, { n: vn(q('SELECT count(*) FROM people WHERE active = 1')), label: 'cán bộ đang công tác', href: '/people' });
  assert.deepEqual(tiles.users, { n: String(q('SELECT count(*) FROM users')), label: 'người dùng', href: null });
  assert.deepEqual(tiles.audit, { n: vn(q('SELECT count(*) FROM audit_log')), label: 'bản ghi trong chuỗi nhật ký kiểm tra', href: null });
  const stages = [...html.matchAll(/<li id="home-stage-(\w+)"><a href="([^"]+)"><span class="stage stage-\w+">([^<]+)<\/span> <strong>(\d+)<\/strong>/g)].map((m) => m.slice(1));
  assert.deepEqual(stages, [
    ['draft', '/movements?status=draft', 'Dự thảo', '1'],
    ['launched', '/movements?status=launched', 'Đã phát động', '3'],
    ['reviewing', '/movements?status=reviewing', 'Đang bình xét', '0'],
    ['closed', '/movements?status=closed', 'Đã kết thúc', '14'],
  ]);
  // the database file and its write-ahead log (PostgreSQL: the database's size), in MB with a decimal comma
  const size = html.match(/<li id="home-db-size"><strong>(\d+),?(\d?) MB<\/strong> <span>dung lượng cơ sở dữ liệu<\/span>/);
  assert.ok(size, 'the database size is shown in MB');
  const mb = Number(size[1] + '.' + (size[2] || '0'));
  const onDisk = (onPg ? q('SELECT pg_database_size(current_database())')
    : fs.statSync(db).size + (fs.existsSync(db + '-wal') ? fs.statSync(db + '-wal').size : 0)) / 1048576;
  assert.ok(Math.abs(mb - onDisk) < 0.5, `${mb} MB shown, ${onDisk} MB on disk`);
  // in English too
  const en = await home(admin, 'en');
  assert.equal(en.tiles.audit.label, 'entries in the audit chain');
});

test('a viewer sees the people and movements of their scope only', async (t) => {
  // the demo and the Sơn La movement of the test above
  const w = await ownWorld(t);
  await sonLaDone(w);
  const { viewer } = w;
  const { tiles } = await home(viewer);
  const people = (await viewer.get('/api/v1/people?limit=1')).data.total;
  // and the tasks led in Cà Mau (Resolution 57), which a viewer reads but reports on none of
  assert.deepEqual(Object.keys(tiles).sort(), ['open', 'people-scope', 'tasks-overdue', 'tasks-soon']);
  assert.equal(tiles['people-scope'].n, people.toLocaleString('de-DE'));
  const overdue = (await viewer.get('/api/v1/programmes/1/status')).data.overdue;
  assert.deepEqual(tiles['tasks-overdue'], { n: overdue.toLocaleString('de-DE'), label: 'nhiệm vụ quá hạn', href: '#home-overdue' });
  // of the three launched movements (the country's, Quảng Yên's, Sơn La's) only the country's concerns Cà Mau
  assert.deepEqual(tiles.open, { n: '1', label: 'phong trào đang mở', href: '/movements?status=launched&mine=1' });
});

// The titles of the movements a list page shows, and its total as written.
async function movementList(c, href) {
  const r = await c.get(href);
  assert.equal(r.status, 200);
  const total = r.text.match(/<p class="total" role="status">([^<]*)<\/p>/)[1];
  const codes = [...r.text.matchAll(/<td><a href="\/movements\/\d+">[^<]*<\/a> <span class="code">([^<]+)<\/span>/g)].map((m) => m[1]);
  return { total, codes, html: r.text };
}

test('"movements open now" counts those that concern the reader\'s units, and its link lists exactly them', async (t) => {
  // launched: the country's TTG-XHHT, Quảng Yên's DVK2026 and the Sơn La movement HOME-T for two of its wards
  const w = await ownWorld(t);
  await launchedHomeT(w);
  const clReporter = await chiengLeReporter(w);
  const cases = [
    // a ward reporter: the country's and the ward's own; a commune of Quảng Ninh: the country's and Quảng Yên's
    [clReporter, ['HOME-T', 'TTG-XHHT']],
    [w.qyReporter, ['DVK2026', 'TTG-XHHT']],
    // the provincial officer: what Sơn La launched, and the country's that invites it
    [w.slOfficer, ['HOME-T', 'TTG-XHHT']],
    // the central officer reads the whole country
    [w.twOfficer, ['DVK2026', 'HOME-T', 'TTG-XHHT']],
    // a viewer of Cà Mau
    [w.viewer, ['TTG-XHHT']],
  ];
  for (const [c, want] of cases) {
    const { tiles } = await home(c);
    assert.deepEqual(tiles.open, { n: String(want.length), label: 'phong trào đang mở', href: '/movements?status=launched&mine=1' });
    const list = await movementList(c, tiles.open.href);
    assert.equal(list.total, `${want.length} phong trào`);
    assert.deepEqual(list.codes.sort(), want);
    // the list says it is filtered, and the box unticked lists every launched movement again
    assert.ok(list.html.includes('<label class="check"><input type="checkbox" id="mine" name="mine" value="1" checked> Chỉ những phong trào liên quan đến đơn vị của tôi</label>'));
    assert.equal((await movementList(c, '/movements?status=launched')).total, '3 phong trào');
  }
});

// A browser-like session: the login form, its cookie and CSRF token.
async function session(srv, login, password) {
  const c = new Client(srv.base);
  const page = await c.get('/login');
  const r = await c.post('/login', { form: { login, password, next: '/', _csrf: csrfOf(page.text) } });
  assert.equal(r.status, 303);
  return c;
}

test('the language switch comes back to the same page with its query string', async (t) => {
  // the dashboard of the Sơn La movement of the test above
  const w = await ownWorld(t);
  const mv = await sonLaDone(w);
  const c = await session(w.srv, 'sonla.officer', env.demoUsers['sonla.officer'].password);
  const where = `/movements/${mv.id}/dashboard?field=economy&status=registered`;
  const page = await c.get(where);
  assert.equal(page.status, 200);
  // the form carries the address as asked, the & escaped in the attribute
  assert.ok(page.text.includes(`<input type="hidden" name="next" value="/movements/${mv.id}/dashboard?field=economy&amp;status=registered">`));
  const r = await c.post('/lang', { form: { lang: 'en', next: where, _csrf: csrfOf(page.text) } });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), where);
  assert.equal(setCookies(r).find((s) => s.startsWith('lang=')), 'lang=en; Path=/; SameSite=Lax; Max-Age=31536000');
  const back = await c.get(r.headers.get('location'));
  assert.match(back.text, /<html lang="en">/);
  assert.ok(back.text.includes('<option value="economy" selected>Economy</option>'));
  // a path with Vietnamese text stays percent-encoded
  const search = await c.get('/units?q=%C4%91%C3%A0%20n%E1%BA%B5ng');
  assert.ok(search.text.includes('name="next" value="/units?q=%C4%91%C3%A0%20n%E1%BA%B5ng"'));
});

test('the language switch on a page that answered a form (its errors) comes back to the page above it, not to the POST-only address', async () => {
  const c = await session(srv, 'admin', env.adminPassword);
  const dvk = (await admin.get('/api/v1/movements/DVK2024')).data;
  const model = (await admin.get(`/api/v1/movements/${dvk.id}/models`)).data.items[0];
  const form = await c.get(`/models/${model.id}`);
  const bad = await c.post(`/models/${model.id}/reports`, { form: { reported_on: '30/02/2026', _csrf: csrfOf(form.text) } });
  assert.equal(bad.status, 422, bad.text.slice(0, 300));
  assert.ok(bad.text.includes(`<input type="hidden" name="next" value="/models/${model.id}">`));
  // a unit form with errors: /units answers a GET, so it is where the switch leads
  const units = await c.post('/units', { form: { code: '', name: '', _csrf: csrfOf(form.text) } });
  assert.equal(units.status, 422);
  assert.ok(units.text.includes('<input type="hidden" name="next" value="/units">'));
  const r = await c.post('/lang', { form: { lang: 'en', next: `/models/${model.id}`, _csrf: csrfOf(bad.text) } });
  assert.equal(r.status, 303);
  assert.equal((await c.get(r.headers.get('location'))).status, 200);
});

test('the language switch never sends anyone off the site', async () => {
  const c = new Client(srv.base);
  const page = await c.get('/login');
  const csrf = csrfOf(page.text);
  for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/\t/evil.example', 'javascript:alert(1)', '', '\\\\evil.example']) {
    const r = await c.post('/lang', { form: { lang: 'vi', next, _csrf: csrf } });
    assert.equal(r.status, 303, JSON.stringify(next));
    assert.equal(r.headers.get('location'), '/', JSON.stringify(next));
  }
  const ok = await c.post('/lang', { form: { lang: 'vi', next: '/typical?movement=DVK2024', _csrf: csrf } });
  assert.equal(ok.headers.get('location'), '/typical?movement=DVK2024');
});
