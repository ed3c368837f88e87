// The movement form as an officer posts it, without JavaScript: metric rows
// as a table (more rows, remove a row), every error at once next to its
// field with a summary, what was typed kept, dates typed dd/mm/yyyy, unique
// ids on every movement page, confirmations and flashes that say what
// happens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, makeDb, startServer, Client } from '../lib/server.mjs';
import { addUserAsync, mkUnit, unescape } from './_util.mjs';
import { officeDay } from '../lib/dates.mjs';

let srv, officer, u;

const day = (offset) => officeDay(offset);
const vnDay = (offset) => day(offset).split('-').reverse().join('/');

// the attribute value of the element with this id
function attr(html, id, name) {
  const tag = html.match(new RegExp(`<[a-z]+ [^>]*id="${id}"[^>]*>`));
  assert.ok(tag, `an element with id ${id}`);
  const m = tag[0].match(new RegExp(` ${name}="([^"]*)"`));
  return m ? unescape(m[1]) : null;
}
const textOf = (html) => unescape(html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim());
// the text of the element with this id (its first closing tag of the same name)
function byId(html, id) {
  const m = html.match(new RegExp(`<([a-z]+) [^>]*id="${id}"[^>]*>([\\s\\S]*?)</\\1>`));
  assert.ok(m, `an element with id ${id}`);
  return textOf(m[2]);
}
// the page without its <template> contents (never shown, never posted)
const live = (html) => html.replace(/<template[\s\S]*?<\/template>/g, '');
function duplicateIds(html) {
  const seen = new Map();
  for (const m of live(html).matchAll(/\sid="([^"]+)"/g)) seen.set(m[1], (seen.get(m[1]) || 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}
const summary = (html) => [...html.match(/<div class="error-summary[\s\S]*?<\/div>/)[0].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => textOf(m[1]));
const summaryLinks = (html) => [...html.match(/<div class="error-summary[\s\S]*?<\/div>/)[0].matchAll(/<a href="#([^"]+)"/g)].map((m) => m[1]);

// a form body with repeated metric rows: [[code, name, unit, kind], ...]
function body(fields, rows, extra = []) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [].concat(v)) p.append(k, one);
  for (const [c, n, un, k] of rows) { p.append('metric_code', c); p.append('metric_name', n); p.append('metric_unit', un); p.append('metric_kind', k); }
  for (const [k, v] of extra) p.append(k, v);
  return p;
}
const post = (c, path, p) => c.req('POST', path, { raw: p.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });

async function world() {
  const env = makeDb();
  const srv = await startServer(env.db);
  const admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const u = {};
  u.QY = await mkUnit(admin, 'QY', 'Thị xã Quảng Yên', 'district');
  u.BDV = await mkUnit(admin, 'QY-BDV', 'Ban Dân vận Thị ủy Quảng Yên', 'agency', u.QY.id);
  u.YG = await mkUnit(admin, 'QY-YG', 'Phường Yên Giang', 'ward', u.QY.id);
  u.LH = await mkUnit(admin, 'QY-LH', 'Xã Liên Hòa', 'commune', u.QY.id);
  const pw = await addUserAsync(BIN, env.db, 'qy.officer', 'officer', 'QY');
  const officer = new Client(srv.base);
  await officer.login('qy.officer', pw);
  return { srv, officer, u };
}
// a world of the test's own, stopped when the test ends
async function ownWorld(t) {
  const w = await world();
  t.after(() => w.srv.stop());
  return w;
}

before(async () => {
  ({ srv, officer, u } = await world());
});

after(async () => { await srv.stop(); });

test('the new movement form: metric rows as a table, fields by their Vietnamese names, date inputs', async () => {
  const r = await officer.get('/movements/new');
  assert.equal(r.status, 200);
  assert.match(r.text, /<title>Phong trào mới — thidua<\/title>/);
  assert.doesNotMatch(r.text, /name="metrics"/); // the pipe-separated textarea is gone
  const rows = live(r.text).match(/name="metric_code"/g);
  assert.equal(rows.length, 3);
  for (const n of [1, 2, 3]) {
    assert.equal(attr(r.text, `f-m-${n}-code`, 'value'), '');
    assert.match(r.text, new RegExp(`<select id="f-m-${n}-kind" name="metric_kind"><option value="amount" selected>lượng \\(cộng dồn các báo cáo\\)</option><option value="rate">tỷ lệ \\(lấy báo cáo mới nhất\\)</option></select>`));
  }
  // the JavaScript copy of a row lives in a <template> and is never posted
  assert.match(r.text, /<template id="metric-row-template">[\s\S]*id="f-m-__N__-code"[\s\S]*<\/template>/);
  assert.match(r.text, /<script src="\/static\/rows.js" defer><\/script>/);
  assert.match(r.text, /<button type="submit" name="more_rows" value="1" class="button" data-add-row>Thêm dòng<\/button>/);
  // fields: checkboxes with their names, never the codes
  assert.match(r.text, /<input type="checkbox" id="f-fields" name="fields" value="economy"> Kinh tế<\/label>/);
  assert.match(r.text, /<input type="checkbox" id="f-field-digital_transformation" name="fields" value="digital_transformation"> Chuyển đổi số<\/label>/);
  assert.doesNotMatch(textOf(live(r.text)), /digital_transformation|culture_society/);
  for (const f of ['starts_on', 'ends_on', 'register_by']) assert.equal(attr(r.text, `f-${f}`, 'type'), 'date');
  assert.deepEqual(duplicateIds(r.text), []);
  const js = await officer.get('/static/rows.js');
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type'), /javascript/);
});

// (the tests that post a form which must create nothing compare the number of
// movements before and after: other tests create movements of their own)
const movementCount = async () => (await officer.get('/api/v1/movements')).data.total;

test('every error at once: wrong unit codes, bad dates and bad metric rows in one post, everything typed kept', async () => {
  const movementsBefore = await movementCount();
  const r = await post(officer, '/movements', body({
    code: 'DVK 2026', title: 'Phong trào “Dân vận khéo” 2026', kind: 'thematic', theme: 'Dân biết, dân bàn',
    authority_code: 'QY-XYZ', legal_basis: 'Kế hoạch 12-KH/TU', parent_code: '',
    starts_on: '31/12/2026', ends_on: '2027-02-30', register_by: '32/01/2027',
    scope: 'QY, QY-ABC, QY-DEF', fields: ['economy', 'health'],
  }, [
    ['vnd', 'Kinh phí huy động', 'VND', 'amount'],
    ['', 'Số hộ tham gia', 'hộ', 'amount'],
    ['', '', '', 'amount'],
    ['vnd', 'Ngày công', 'ngày', 'rate'],
    ['pct_4g', 'Tỷ lệ thuê bao 4G', '', 'rate'],
  ]));
  assert.equal(r.status, 422, r.text.slice(0, 300));
  // the summary names every problem, each item at fault, and links to its field
  assert.deepEqual(summary(r.text), [
    "Mã: Dùng chữ cái, chữ số, '-', '_' hoặc '.' (tối đa 40 ký tự)",
    'Cơ quan phát động: Mã đơn vị không tồn tại: QY-XYZ',
    'Ngày kết thúc: Không phải là ngày hợp lệ (dd/mm/yyyy)',
    'Hạn đăng ký: Không phải là ngày hợp lệ (dd/mm/yyyy)',
    'Đơn vị được mời: Các mã đơn vị không tồn tại: QY-ABC, QY-DEF',
    "Dòng chỉ số 2: Chỉ số cần có mã gồm chữ cái, chữ số, '-', '_' hoặc '.'",
    'Dòng chỉ số 3: Một mã chỉ số bị liệt kê hai lần',
    'Dòng chỉ số 4: Chỉ số cần có đơn vị tính',
  ]);
  assert.deepEqual(summaryLinks(r.text), ['f-code', 'f-authority_id', 'f-ends_on', 'f-register_by', 'f-scope', 'f-m-2-code', 'f-m-3-code', 'f-m-4-unit']);
  // each field says it is invalid and points at its message
  for (const id of ['code', 'authority_id', 'scope', 'ends_on', 'register_by', 'm-2-code', 'm-3-code', 'm-4-unit']) {
    assert.equal(attr(r.text, `f-${id}`, 'aria-invalid'), 'true', id);
    assert.equal(attr(r.text, `f-${id}`, 'aria-describedby'), `e-${id}`, id);
  }
  assert.equal(byId(r.text, 'e-authority_id'), 'Mã đơn vị không tồn tại: QY-XYZ');
  assert.equal(byId(r.text, 'e-m-3-code'), 'Một mã chỉ số bị liệt kê hai lần');
  for (const id of ['title', 'starts_on', 'm-1-code', 'm-2-name']) assert.equal(attr(r.text, `f-${id}`, 'aria-invalid'), null, id);
  // everything typed is back: the fields, the dates (dd/mm/yyyy as ISO for the date input), the rows without the blank one, the boxes
  assert.equal(attr(r.text, 'f-code', 'value'), 'DVK 2026');
  assert.equal(attr(r.text, 'f-title', 'value'), 'Phong trào “Dân vận khéo” 2026');
  assert.match(r.text, /<textarea id="f-theme" name="theme" rows="2">Dân biết, dân bàn<\/textarea>/);
  assert.match(r.text, /<option value="thematic" selected>/);
  // a code typed into the API-style field is not a choice the picker can show again; the
  // known unit of the scope stays as its chip (the browser never sends codes: it picks)
  assert.equal(attr(r.text, 'f-legal_basis', 'value'), 'Kế hoạch 12-KH/TU');
  assert.match(r.text, new RegExp(`<label class="chip"><input type="checkbox" name="scope" value="${u.QY.id}" checked> Thị xã Quảng Yên <small class="code">QY</small></label>`));
  assert.equal(attr(r.text, 'f-starts_on', 'value'), '2026-12-31');
  assert.equal(attr(r.text, 'f-ends_on', 'value'), '2027-02-30');
  assert.equal(attr(r.text, 'f-register_by', 'value'), '32/01/2027');
  const typed = [1, 2, 3, 4].map((n) => ['code', 'name', 'unit'].map((p) => attr(r.text, `f-m-${n}-${p}`, 'value')));
  assert.deepEqual(typed, [['vnd', 'Kinh phí huy động', 'VND'], ['', 'Số hộ tham gia', 'hộ'], ['vnd', 'Ngày công', 'ngày'], ['pct_4g', 'Tỷ lệ thuê bao 4G', '']]);
  assert.match(r.text, /<select id="f-m-3-kind" name="metric_kind"><option value="amount">[^<]*<\/option><option value="rate" selected>/);
  assert.equal(attr(r.text, 'f-m-5-code', 'value'), ''); // the blank row stays one blank row
  assert.equal(live(r.text).match(/name="metric_code"/g).length, 5);
  assert.match(r.text, /id="f-fields" name="fields" value="economy" checked>/);
  assert.match(r.text, /value="health" checked>/);
  assert.doesNotMatch(r.text, /value="culture_society" checked/);
  assert.deepEqual(duplicateIds(r.text), []);
  // nothing was created
  assert.equal(await movementCount(), movementsBefore);
});

test('"more rows" and "remove" without JavaScript give the form back as typed', async () => {
  const fields = { code: 'DVK2026', title: 'Dân vận khéo 2026', authority_code: 'QY-BDV', starts_on: '01/01/2026' };
  const movementsBefore = await movementCount();
  let r = await post(officer, '/movements', body(fields, [['vnd', 'Kinh phí', 'VND', 'amount'], ['', '', '', 'amount']], [['more_rows', '1']]));
  assert.equal(r.status, 200);
  assert.doesNotMatch(r.text, /error-summary/);
  assert.equal(live(r.text).match(/name="metric_code"/g).length, 5); // the row, the blank one, three more
  assert.equal(attr(r.text, 'f-m-1-name', 'value'), 'Kinh phí');
  assert.equal(attr(r.text, 'f-code', 'value'), 'DVK2026');
  assert.equal(attr(r.text, 'f-starts_on', 'value'), '2026-01-01');
  r = await post(officer, '/movements', body(fields, [['vnd', 'Kinh phí', 'VND', 'amount'], ['ho', 'Số hộ', 'hộ', 'amount'], ['pct', 'Tỷ lệ', '%', 'rate']], [['remove_row', '2']]));
  assert.equal(r.status, 200);
  assert.deepEqual([1, 2].map((n) => attr(r.text, `f-m-${n}-code`, 'value')), ['vnd', 'pct']);
  assert.equal(await movementCount(), movementsBefore);
  // a row's text is one line without control characters; bidi overrides are removed
  r = await post(officer, '/movements', body(fields, [['vnd', 'Kinh phí\u0007', 'VND', 'amount'], ['ho', 'Số hộ\u202e', 'hộ', 'amount']]));
  assert.equal(r.status, 422);
  assert.ok(summary(r.text).includes('Dòng chỉ số 1: Phải là một dòng, không chứa ký tự điều khiển'), summary(r.text).join('\n'));
  assert.equal(attr(r.text, 'f-m-1-name', 'aria-invalid'), 'true');
  assert.equal(attr(r.text, 'f-m-2-name', 'value'), 'Số hộ');
  // a body with more rows than a form can show is refused, quickly, by name
  const many = Array.from({ length: 5000 }, (_, i) => [`m${i}`, `Chỉ số ${i}`, 'cái', 'amount']);
  r = await post(officer, '/movements', body({ ...fields, ends_on: '31/12/2026', register_by: '30/06/2026' }, many));
  assert.equal(r.status, 422);
  assert.deepEqual(summary(r.text).filter((s) => s.startsWith('Các chỉ số theo dõi')), ['Các chỉ số theo dõi: Quá nhiều giá trị']);
});

// No test depends on another. The launch test and the movement pages test
// need the Dân vận khéo 2026 of the round-trip test, under its code DVK2026:
// each gets a server of its own (ownWorld) and builds it there through the
// same form posts (created and edited → launched).
async function dvk2026(officer) {
  let r = await post(officer, '/movements', body({
    code: 'DVK2026', title: 'Dân vận khéo 2026', kind: 'regular', authority_code: 'QY-BDV',
    starts_on: vnDay(-10), ends_on: vnDay(300), register_by: day(30), scope: 'QY', fields: ['economy', 'culture_society'],
  }, [['vnd', 'Kinh phí huy động', 'VND', 'amount'], ['', '', '', 'amount'], ['pct_4g', 'Tỷ lệ thuê bao 4G', '%', 'rate']]));
  assert.equal(r.status, 303, r.text.slice(0, 500));
  const id = r.headers.get('location').match(/\/movements\/(\d+)$/)[1];
  const mv = (await officer.get(`/api/v1/movements/${id}`)).data;
  r = await post(officer, `/movements/${id}`, body({
    version: String(mv.version), code: 'DVK2026', title: 'Dân vận khéo 2026', kind: 'regular', authority_code: 'QY-BDV',
    starts_on: day(-10), ends_on: day(300), register_by: vnDay(40), scope: 'QY', fields: ['economy'],
  }, [['vnd', 'Kinh phí huy động (đồng)', 'VND', 'amount'], ['pct_4g', 'Tỷ lệ thuê bao 4G', '%', 'rate'], ['ho', 'Số hộ tham gia', 'hộ', 'amount'], ['', '', '', 'amount']]));
  assert.equal(r.status, 303, r.text.slice(0, 500));
  return (await officer.get(`/api/v1/movements/${id}`)).data;
}
async function dvk2026Launched(officer) {
  const mv = await dvk2026(officer);
  const r = await post(officer, `/movements/${mv.id}/status`, body({ version: String(mv.version), status: 'launched' }, []));
  assert.equal(r.status, 303);
  return (await officer.get(`/api/v1/movements/${mv.id}`)).data;
}

test('structured metric rows round trip through create and edit, dates typed dd/mm/yyyy', async () => {
  let r = await post(officer, '/movements', body({
    code: 'DVK2026', title: 'Dân vận khéo 2026', kind: 'regular', authority_code: 'QY-BDV',
    starts_on: vnDay(-10), ends_on: vnDay(300), register_by: day(30), scope: 'QY', fields: ['economy', 'culture_society'],
  }, [['vnd', 'Kinh phí huy động', 'VND', 'amount'], ['', '', '', 'amount'], ['pct_4g', 'Tỷ lệ thuê bao 4G', '%', 'rate']]));
  assert.equal(r.status, 303, r.text.slice(0, 500));
  const id = r.headers.get('location').match(/\/movements\/(\d+)$/)[1];
  const mv = (await officer.get(`/api/v1/movements/${id}`)).data;
  assert.deepEqual(mv.metrics.map((m) => [m.code, m.name, m.unit, m.kind]), [['vnd', 'Kinh phí huy động', 'VND', 'amount'], ['pct_4g', 'Tỷ lệ thuê bao 4G', '%', 'rate']]);
  assert.deepEqual([mv.starts_on, mv.ends_on, mv.register_by], [day(-10), day(300), day(30)]);
  assert.deepEqual(mv.fields, ['economy', 'culture_society']);
  // the flash names what was done
  let page = await officer.get(r.headers.get('location'));
  assert.match(page.text, /<p class="flash" role="status">Đã tạo dự thảo phong trào DVK2026<\/p>/);
  // the edit form shows the rows, then blank ones
  r = await officer.get(`/movements/${id}/edit`);
  assert.equal(r.status, 200);
  assert.match(r.text, /<title>Sửa phong trào · Dân vận khéo 2026 — thidua<\/title>/);
  assert.deepEqual([1, 2, 3].map((n) => attr(r.text, `f-m-${n}-code`, 'value')), ['vnd', 'pct_4g', '']);
  assert.match(r.text, /<select id="f-m-2-kind" name="metric_kind"><option value="amount">[^<]*<\/option><option value="rate" selected>/);
  assert.equal(attr(r.text, 'f-starts_on', 'value'), day(-10));
  assert.deepEqual(duplicateIds(r.text), []);
  // rename one, add one, keep the ids of those kept
  r = await post(officer, `/movements/${id}`, body({
    version: String(mv.version), code: 'DVK2026', title: 'Dân vận khéo 2026', kind: 'regular', authority_code: 'QY-BDV',
    starts_on: day(-10), ends_on: day(300), register_by: vnDay(40), scope: 'QY', fields: ['economy'],
  }, [['vnd', 'Kinh phí huy động (đồng)', 'VND', 'amount'], ['pct_4g', 'Tỷ lệ thuê bao 4G', '%', 'rate'], ['ho', 'Số hộ tham gia', 'hộ', 'amount'], ['', '', '', 'amount']]));
  assert.equal(r.status, 303, r.text.slice(0, 500));
  const after = (await officer.get(`/api/v1/movements/${id}`)).data;
  assert.deepEqual(after.metrics.map((m) => [m.code, m.name]), [['vnd', 'Kinh phí huy động (đồng)'], ['pct_4g', 'Tỷ lệ thuê bao 4G'], ['ho', 'Số hộ tham gia']]);
  assert.deepEqual(after.metrics.slice(0, 2).map((m) => m.id), mv.metrics.map((m) => m.id));
  assert.equal(after.register_by, day(40));
  assert.deepEqual(after.fields, ['economy']);
  page = await officer.get(`/movements/${id}`);
  assert.match(page.text, /<p class="flash" role="status">Đã lưu các thay đổi của phong trào DVK2026<\/p>/);
  // an edit with an error keeps the rows typed
  r = await post(officer, `/movements/${id}`, body({
    version: String(after.version), code: 'DVK2026', title: '', kind: 'regular', authority_code: 'QY-BDV',
    starts_on: day(-10), ends_on: day(300), register_by: day(40), scope: 'QY', fields: ['economy'],
  }, [['vnd', 'Kinh phí', 'VND', 'amount'], ['x y', 'Sai', 'cái', 'amount']]));
  assert.equal(r.status, 422);
  assert.deepEqual(summary(r.text), ['Tên gọi: Bắt buộc nhập', "Dòng chỉ số 2: Chỉ số cần có mã gồm chữ cái, chữ số, '-', '_' hoặc '.'"]);
  assert.deepEqual([1, 2].map((n) => attr(r.text, `f-m-${n}-code`, 'value')), ['vnd', 'x y']);
});

test('an edit saved over another one (a stale version) is 409 with the form as typed, at the current version, and saves on the second try', async () => {
  let r = await post(officer, '/movements', body({
    code: 'STALE-MV', title: 'Phong trào thử sửa cùng lúc', kind: 'regular', authority_code: 'QY-BDV',
    starts_on: vnDay(-10), ends_on: vnDay(300), register_by: vnDay(30), scope: 'QY', fields: ['economy'],
  }, [['vnd', 'Kinh phí huy động', 'VND', 'amount']]));
  assert.equal(r.status, 303, r.text.slice(0, 500));
  const id = r.headers.get('location').match(/\/movements\/(\d+)$/)[1];
  const v1 = (await officer.get(`/api/v1/movements/${id}`)).data.version;
  // a colleague saves first
  r = await officer.req('PATCH', `/api/v1/movements/${id}`, { json: { version: v1, theme: 'Chủ đề do đồng nghiệp sửa' } });
  assert.equal(r.status, 200, r.text);
  const v2 = r.data.version;
  // the form opened before: what was typed comes back, nothing is saved
  const typed = {
    version: String(v1), code: 'STALE-MV', title: 'Tên tôi vừa gõ', kind: 'regular', authority_code: 'QY-BDV',
    starts_on: vnDay(-10), ends_on: vnDay(300), register_by: vnDay(45), scope: 'QY', fields: ['economy'],
  };
  r = await post(officer, `/movements/${id}`, body(typed, [['vnd', 'Kinh phí (đồng)', 'VND', 'amount'], ['ho', 'Số hộ', 'hộ', 'amount']]));
  // it was a bare error page: everything typed was lost
  assert.equal(r.status, 409, r.text.slice(0, 300));
  assert.ok(r.text.includes(`<p>Người khác đã thay đổi bản ghi này sau khi bạn mở biểu mẫu; bản ghi hiện ở phiên bản ${v2}. `), r.text.slice(0, 3000));
  assert.equal(attr(r.text, 'f-title', 'value'), 'Tên tôi vừa gõ');
  assert.equal(attr(r.text, 'f-register_by', 'value'), day(45));
  assert.deepEqual([1, 2].map((n) => attr(r.text, `f-m-${n}-name`, 'value')), ['Kinh phí (đồng)', 'Số hộ']);
  assert.match(r.text, new RegExp(`<input type="hidden" name="version" value="${v2}">`));
  let mv = (await officer.get(`/api/v1/movements/${id}`)).data;
  assert.deepEqual([mv.title, mv.register_by, mv.metrics.length], ['Phong trào thử sửa cùng lúc', day(30), 1]);
  // saved again from that form (its version, the colleague's theme kept since the form shows it)
  r = await post(officer, `/movements/${id}`, body({ ...typed, version: String(v2) }, [['vnd', 'Kinh phí (đồng)', 'VND', 'amount'], ['ho', 'Số hộ', 'hộ', 'amount']]));
  assert.equal(r.status, 303, r.text.slice(0, 500));
  mv = (await officer.get(`/api/v1/movements/${id}`)).data;
  assert.deepEqual([mv.title, mv.register_by, mv.metrics.map((m) => m.name)], ['Tên tôi vừa gõ', day(45), ['Kinh phí (đồng)', 'Số hộ']]);
});

test('launch: the confirmation says what will happen, the flash what was done', async (t) => {
  const { officer } = await ownWorld(t);
  const mv = await dvk2026(officer);
  let page = await officer.get(`/movements/${mv.id}`);
  assert.match(page.text, /<title>Dân vận khéo 2026 — thidua<\/title>/);
  const launch = page.text.match(/<button type="submit" class="button primary" data-confirm="([^"]*)">Phát động phong trào<\/button>/);
  assert.ok(launch, 'the launch button');
  assert.equal(launch[1], 'Phát động phong trào DVK2026? Các đơn vị được mời sẽ có thể đăng ký.');
  assert.match(page.text, /<div class="actions stage-actions">\s*<a class="button" href="\/movements\/\d+\/edit">Sửa phong trào<\/a>/);
  let r = await post(officer, `/movements/${mv.id}/status`, body({ version: String(mv.version), status: 'launched' }, []));
  assert.equal(r.status, 303);
  page = await officer.get(`/movements/${mv.id}`);
  assert.match(page.text, /<p class="flash" role="status">Đã phát động phong trào DVK2026<\/p>/);
  assert.match(page.text, /<span class="stage stage-launched">Đã phát động<\/span>/);
  // the next stage's button says what it does too
  const review = page.text.match(/<button type="submit" class="button primary" data-confirm="([^"]*)">Kết thúc đăng ký và chuyển sang bình xét<\/button>/);
  assert.equal(review[1], 'Kết thúc đăng ký phong trào DVK2026 và chuyển sang bình xét? Các đơn vị sẽ không thể đăng ký hay thêm mô hình nữa; báo cáo tiến độ vẫn tiếp tục.');
});

test('every id on every movement page is unique (the model page had f-note twice); model actions flash their model', async (t) => {
  const { officer, u } = await ownWorld(t);
  const mv = await dvk2026Launched(officer);
  let r = await officer.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_code: 'QY-LH' } });
  assert.equal(r.status, 201, r.text);
  r = await officer.post(`/api/v1/movements/${mv.id}/models`, { json: { unit_code: 'QY-LH', code: 'LH-01', title: 'Lan can chống đuối nước', field: 'economy' } });
  assert.equal(r.status, 201, r.text);
  const model = r.data;
  const pages = [`/movements/${mv.id}`, `/movements/${mv.id}/models`, `/movements/${mv.id}/dashboard`, `/movements/${mv.id}/edit`, '/movements/new', '/movements', `/models/${model.id}`];
  for (const p of pages) {
    const g = await officer.get(p);
    assert.equal(g.status, 200, p);
    assert.deepEqual(duplicateIds(g.text), [], p);
  }
  let page = await officer.get(`/models/${model.id}`);
  // the report and the replication forms both have a note, each with its own id
  assert.match(page.text, /<label for="rp-note">Ghi chú<\/label>/);
  assert.match(page.text, /<label for="rl-note">Ghi chú<\/label>/);
  // their dates are picked from a calendar
  assert.deepEqual(['rp-date', 'rl-date'].map((id) => attr(page.text, id, 'type')), ['date', 'date']);
  assert.match(page.text, /<title>Lan can chống đuối nước · Dân vận khéo 2026 — thidua<\/title>/);
  // a progress report: the flash names the model
  r = await post(officer, `/models/${model.id}/reports`, body({ reported_on: day(-1), note: 'Lắp 120 m lan can', 'results.vnd': '180000000' }, []));
  assert.equal(r.status, 303, (r.text.match(/error-msg[^>]*>[\s\S]{0,300}/) || [r.text.slice(0, 300)])[0]);
  page = await officer.get(`/models/${model.id}`);
  assert.match(page.text, /<p class="flash" role="status">Đã ghi báo cáo tiến độ cho mô hình Lan can chống đuối nước<\/p>/);
  // an error on the replication form points at its own field
  r = await post(officer, `/models/${model.id}/replications`, body({ unit_code: 'QY-KHONG', adopted_on: day(-1) }, []));
  assert.equal(r.status, 422);
  // the unit is picked by its name (a select here, few units), and says it is wrong
  assert.equal(attr(r.text, 'f-unit_id', 'aria-invalid'), 'true');
  assert.equal(attr(r.text, 'f-unit_id', 'aria-describedby'), 'e-unit_id');
  assert.equal(attr(r.text, 'rp-note', 'aria-invalid'), null);
  assert.deepEqual(duplicateIds(r.text), []);
  // only an effective model spreads: assess it first
  const version = (await officer.get(`/api/v1/models/${model.id}`)).data.version;
  r = await post(officer, `/models/${model.id}/assessment`, body({ version: String(version), status: 'effective', comment: 'Hiệu quả rõ rệt' }, []));
  assert.equal(r.status, 303);
  page = await officer.get(`/models/${model.id}`);
  assert.match(page.text, /<p class="flash" role="status">Đã đánh giá mô hình Lan can chống đuối nước: Hiệu quả<\/p>/);
  assert.match(page.text, /<option value="effective" selected>Hiệu quả<\/option>/);
  r = await post(officer, `/models/${model.id}/replications`, body({ unit_id: String(u.YG.id), adopted_on: day(-1).split('-').reverse().join('/') }, []));
  assert.equal(r.status, 303, (r.text.match(/error-msg[^>]*>[\s\S]{0,300}/) || [r.text.slice(0, 300)])[0]);
  page = await officer.get(`/models/${model.id}`);
  assert.match(page.text, /<p class="flash" role="status">Đã ghi nhận mô hình Lan can chống đuối nước được nhân rộng tại Phường Yên Giang<\/p>/);
  // the models list: the title first, its code small under it
  page = await officer.get(`/movements/${mv.id}/models`);
  assert.match(page.text, /<td class="title"><a href="\/models\/\d+">Lan can chống đuối nước<\/a><br><small class="code">LH-01<\/small><\/td>/);
  assert.match(page.text, /<title>Mô hình · Dân vận khéo 2026 — thidua<\/title>/);
  page = await officer.get(`/movements/${mv.id}/dashboard`);
  assert.match(page.text, /<title>Dân vận khéo 2026 · Bảng tổng hợp — thidua<\/title>/);
  page = await officer.get('/typical?movement=DVK2026');
  assert.match(page.text, /<title>Điển hình tiên tiến · Dân vận khéo 2026 — thidua<\/title>/);
});

test('the parent movement chosen in the form\'s select is kept on create and on edit, and can be removed', async () => {
  const base = { kind: 'regular', authority_code: 'QY-BDV', starts_on: vnDay(-5), ends_on: vnDay(200), register_by: day(20), scope: 'QY', fields: ['economy'] };
  const rows = [['vnd', 'Kinh phí', 'VND', 'amount']];
  let r = await post(officer, '/movements', body({ ...base, kind: 'campaign', code: 'PT-CHA', title: 'Phong trào cha' }, rows));
  assert.equal(r.status, 303, r.text.slice(0, 500));
  const parentId = Number(r.headers.get('location').match(/\/movements\/(\d+)$/)[1]);
  r = await post(officer, '/movements', body({ ...base, code: 'PT-CON', title: 'Phong trào con', parent_id: String(parentId) }, rows));
  assert.equal(r.status, 303, r.text.slice(0, 500));
  const childId = r.headers.get('location').match(/\/movements\/(\d+)$/)[1];
  let child = (await officer.get(`/api/v1/movements/${childId}`)).data;
  assert.deepEqual([child.parent_id, child.parent_code], [parentId, 'PT-CHA']);
  // the edit form shows it selected; posting the empty choice removes it
  r = await officer.get(`/movements/${childId}/edit`);
  assert.match(r.text, new RegExp(`<option value="${parentId}" selected>`));
  r = await post(officer, `/movements/${childId}`, body({ ...base, version: String(child.version), code: 'PT-CON', title: 'Phong trào con', parent_id: '' }, rows));
  assert.equal(r.status, 303, r.text.slice(0, 500));
  child = (await officer.get(`/api/v1/movements/${childId}`)).data;
  assert.equal(child.parent_id, null);
});
