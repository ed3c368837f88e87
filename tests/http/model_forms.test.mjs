// The model form of a movement's models page and the progress report form of
// a model's page, posted as a browser does (an exploratory tester on a phone:
// "1.5" typed as the area and "1.500.000,5" as the money came back with one
// message under the last box and a summary without a list). Every problem of
// a submission is named at once, each beside its own box (aria-invalid,
// aria-describedby), listed and linked in a summary the page lands on, and
// everything typed stays in the form; nothing is stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, makeDb, startServer, Client } from '../lib/server.mjs';
import { addUserAsync, csrfOf, mkUnit, postForm, unescape } from './_util.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, admin, reporter, mv, model, yg;

const day = (offset) => officeDay(offset);
const textOf = (html) => unescape(html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim());
// the opening tag of the element with this id, and one of its attributes
function tag(html, id) {
  const t = html.match(new RegExp(`<[a-z]+ [^>]*id="${id}"[^>]*>`));
  assert.ok(t, `an element with id ${id}`);
  return t[0];
}
function attr(html, id, name) {
  const m = tag(html, id).match(new RegExp(` ${name}(?:="([^"]*)")?[ >]`));
  return m ? unescape(m[1] ?? '') : null;
}
function byId(html, id) {
  const m = html.match(new RegExp(`<([a-z]+) [^>]*id="${id}"[^>]*>([\\s\\S]*?)</\\1>`));
  assert.ok(m, `an element with id ${id}`);
  return textOf(m[2]);
}
const summaryOf = (html) => html.match(/<div class="error-summary[\s\S]*?<\/div>/)[0];
const summary = (html) => [...summaryOf(html).matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => textOf(m[1]));
const summaryLinks = (html) => [...summaryOf(html).matchAll(/<a href="#([^"]+)"/g)].map((m) => m[1]);
const fieldErrors = (html) => [...html.matchAll(/<p class="field-error" id="([^"]+)">([\s\S]*?)<\/p>/g)].map((m) => [m[1], textOf(m[2])]);

// A browser's session: log in through the form, with the language cookie set.
async function browserAs(login, password, lang) {
  const c = new Client(srv.base);
  if (lang) c.cookies.lang = lang;
  const page = await c.get('/login');
  const r = await c.post('/login', { form: { _csrf: csrfOf(page.text), login, password, next: '/' } });
  assert.equal(r.status, 303, r.text);
  return c;
}

// Posts a form of a page as the page itself would (its _csrf).
const NUMBER = 'Phải là số viết như 1.500.000,5 (dấu chấm nhóm hàng nghìn, dấu phẩy trước phần thập phân)';
const WHOLE = 'Tiền được tính bằng đồng chẵn (không có phần lẻ)';
const PCT = 'Phải từ 0 đến 100';

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const qn = await mkUnit(admin, 'T-QN', 'Tỉnh Quảng Ninh', 'province');
  const qy = await mkUnit(admin, 'QY', 'Thị xã Quảng Yên', 'district', qn.id);
  yg = await mkUnit(admin, 'QY-YG', 'Phường Yên Giang', 'ward', qy.id);
  reporter = { login: 'yg.reporter', pw: await addUserAsync(BIN, env.db, 'yg.reporter', 'reporter', 'QY-YG') };
  let r = await admin.post('/api/v1/movements', {
    json: {
      code: 'NTM-MH', title: 'Chung sức xây dựng nông thôn mới', kind: 'regular', authority_code: 'QY', starts_on: day(-30), ends_on: day(300),
      register_by: day(30), scope: ['QY'], fields: ['economy', 'culture_society'],
      metrics: [{ code: 'area', name: 'Diện tích', unit: 'm²', kind: 'amount' }, { code: 'vnd', name: 'Kinh phí huy động', unit: 'VND', kind: 'amount' },
        { code: 'pct', name: 'Tỷ lệ hộ tham gia', unit: '%', kind: 'rate' }],
    },
  });
  assert.equal(r.status, 201, r.text);
  mv = r.data;
  r = await admin.post(`/api/v1/movements/${mv.id}/status`, { json: { status: 'launched', version: mv.version } });
  assert.equal(r.status, 200, r.text);
  r = await admin.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_code: 'QY-YG' } });
  assert.equal(r.status, 201, r.text);
  r = await admin.post(`/api/v1/movements/${mv.id}/models`, { json: { unit_code: 'QY-YG', code: 'YG-01', title: 'Đường hoa', field: 'economy' } });
  assert.equal(r.status, 201, r.text);
  model = r.data;
});

after(async () => { await srv.stop(); });

async function modelCount() {
  const r = await admin.get(`/api/v1/movements/${mv.id}/models`);
  assert.equal(r.status, 200, r.text);
  return r.data.total;
}

test('the model form: every box at fault has its own message, the summary lists and links them all, what was typed stays', async () => {
  const c = await browserAs(reporter.login, reporter.pw);
  const before = await modelCount();
  const page = `/movements/${mv.id}/models`;
  const r = await postForm(c, page, page, {
    unit_id: String(yg.id), title: '', field: 'culture_society', description: 'Trồng hoa hai bên đường', started_on: '31/02/2026',
    'plans.area': '1.5', 'plans.vnd': '1.500.000,5', 'plans.pct': '120',
  });
  assert.equal(r.status, 422);
  const h = r.text;
  // beside each box its own message, and only there
  assert.deepEqual(fieldErrors(h), [
    ['e-title', 'Bắt buộc nhập'],
    ['e-started_on', 'Không phải là ngày hợp lệ (dd/mm/yyyy)'],
    ['e-plan-area', NUMBER],
    ['e-plan-vnd', WHOLE],
    ['e-plan-pct', PCT],
  ]);
  for (const [box, err] of [['f-title', 'e-title'], ['f-started_on', 'e-started_on'], ['f-plan-area', 'e-plan-area'], ['f-plan-vnd', 'e-plan-vnd'], ['f-plan-pct', 'e-plan-pct']]) {
    assert.equal(attr(h, box, 'aria-invalid'), 'true', box);
    assert.equal(attr(h, box, 'aria-describedby'), err, box);
  }
  assert.equal(attr(h, 'f-field', 'aria-invalid'), null);
  // the summary at the top of the form: every problem, in the order of the form, each a link to its box
  assert.deepEqual(summary(h), [
    'Tên gọi: Bắt buộc nhập',
    'Ngày bắt đầu: Không phải là ngày hợp lệ (dd/mm/yyyy)',
    `Diện tích: ${NUMBER}`,
    `Kinh phí huy động: ${WHOLE}`,
    `Tỷ lệ hộ tham gia: ${PCT}`,
  ]);
  assert.deepEqual(summaryLinks(h), ['f-title', 'f-started_on', 'f-plan-area', 'f-plan-vnd', 'f-plan-pct']);
  assert.match(summaryOf(h), /<p><b>Vui lòng sửa lại biểu mẫu<\/b> \(5\)<\/p>/);
  // the page lands on it: the summary is in the form, focusable and focused on load
  assert.equal(attr(h, 'error-summary', 'tabindex'), '-1');
  assert.equal(attr(h, 'error-summary', 'autofocus'), '');
  assert.ok(h.indexOf('id="error-summary"') > h.indexOf(`<form method="post" action="/movements/${mv.id}/models"`));
  // what was typed stays
  assert.equal(attr(h, 'f-plan-area', 'value'), '1.5');
  assert.equal(attr(h, 'f-plan-vnd', 'value'), '1.500.000,5');
  assert.equal(attr(h, 'f-plan-pct', 'value'), '120');
  assert.equal(attr(h, 'f-started_on', 'value'), '31/02/2026');
  assert.equal(byId(h, 'f-description'), 'Trồng hoa hai bên đường');
  assert.match(h, /<option value="culture_society" selected>/);
  assert.match(tag(h, 'f-unit_id'), /id="f-unit_id"/);
  assert.match(h, new RegExp(`<option value="${yg.id}" selected>`));
  assert.equal(await modelCount(), before);
});

test('the model form: one box at fault among good ones; a problem of the group itself stays under the group', async () => {
  const c = await browserAs(reporter.login, reporter.pw);
  const page = `/movements/${mv.id}/models`;
  let r = await postForm(c, page, page, { unit_id: String(yg.id), title: 'Vườn hoa', field: 'economy', 'plans.area': '1.200', 'plans.vnd': '2.000.000,5', 'plans.pct': '' });
  assert.equal(r.status, 422);
  assert.deepEqual(fieldErrors(r.text), [['e-plan-vnd', WHOLE]]);
  assert.deepEqual(summary(r.text), [`Kinh phí huy động: ${WHOLE}`]);
  assert.deepEqual(summaryLinks(r.text), ['f-plan-vnd']);
  assert.equal(attr(r.text, 'f-plan-area', 'aria-invalid'), null);
  assert.equal(attr(r.text, 'f-plan-area', 'value'), '1.200');
  assert.equal(attr(r.text, 'f-title', 'value'), 'Vườn hoa');
  // corrected, it is registered with its plans read the Vietnamese way
  r = await postForm(c, page, page, { unit_id: String(yg.id), title: 'Vườn hoa', field: 'economy', 'plans.area': '1.200', 'plans.vnd': '2.000.000', 'plans.pct': '80,5' });
  assert.equal(r.status, 303, r.text);
  const id = r.headers.get('location').match(/\/models\/(\d+)$/)[1];
  const got = await admin.get(`/api/v1/models/${id}`);
  assert.equal(got.status, 200);
  assert.match(got.text, /"area":1200/);
  assert.match(got.text, /"vnd":2000000/);
});

test('the model form in English: the same places, the English messages (1,5 is the misread one there)', async () => {
  const c = await browserAs(reporter.login, reporter.pw, 'en');
  const page = `/movements/${mv.id}/models`;
  const r = await postForm(c, page, page, { unit_id: String(yg.id), title: 'Garden', field: 'economy', 'plans.area': '1,5', 'plans.vnd': '1,500,000.5' });
  assert.equal(r.status, 422);
  assert.deepEqual(fieldErrors(r.text), [['e-plan-area', 'Must be a number written like 1,500,000.5'], ['e-plan-vnd', 'Money is counted in whole đồng']]);
  assert.deepEqual(summary(r.text), ['Diện tích: Must be a number written like 1,500,000.5', 'Kinh phí huy động: Money is counted in whole đồng']);
  assert.match(summaryOf(r.text), /Please correct the form/);
});

test('the model\'s edit form keeps what was typed: after an error (422), and after someone else saved first (409, at the current version)', async () => {
  let r = await admin.post(`/api/v1/movements/${mv.id}/models`, { json: { unit_code: 'QY-YG', code: 'YG-ED', title: 'Nhà văn hoá', field: 'economy',
    description: 'Mô tả cũ', started_on: day(-20) } });
  assert.equal(r.status, 201, r.text);
  const m0 = r.data;
  const c = await browserAs(reporter.login, reporter.pw);
  const page = `/models/${m0.id}`;
  const typed = { version: String(m0.version), title: '', field: 'culture_society', description: 'Mô tả mới tôi vừa gõ', started_on: '01/02/2026' };
  r = await postForm(c, page, page, typed);
  assert.equal(r.status, 422, r.text.slice(0, 300));
  assert.deepEqual(fieldErrors(r.text), [['e-md-title', 'Bắt buộc nhập']]);
  // the form showed the stored model again: the description and the field typed were lost
  assert.equal(byId(r.text, 'md-desc'), 'Mô tả mới tôi vừa gõ');
  assert.match(r.text, /<option value="culture_society" selected>/);
  assert.equal(attr(r.text, 'md-started_on', 'value'), '01/02/2026');
  // someone else saves first
  r = await admin.req('PATCH', `/api/v1/models/${m0.id}`, { json: { version: m0.version, description: 'Sửa của cán bộ' } });
  assert.equal(r.status, 200, r.text);
  const v2 = r.data.version;
  r = await postForm(c, page, page, { ...typed, title: 'Nhà văn hoá kiểu mẫu' });
  // it was a bare "changed by someone else" page: everything typed was lost
  assert.equal(r.status, 409, r.text.slice(0, 300));
  assert.ok(r.text.includes(`bản ghi hiện ở phiên bản ${v2}.`), r.text.slice(0, 2000));
  assert.equal(attr(r.text, 'md-title', 'value'), 'Nhà văn hoá kiểu mẫu');
  assert.equal(byId(r.text, 'md-desc'), 'Mô tả mới tôi vừa gõ');
  assert.match(r.text, new RegExp(`<input type="hidden" name="version" value="${v2}">`));
  assert.equal((await admin.get(`/api/v1/models/${m0.id}`)).data.title, 'Nhà văn hoá');
  // saved from that form
  r = await postForm(c, page, page, { ...typed, version: String(v2), title: 'Nhà văn hoá kiểu mẫu' });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  const now = (await admin.get(`/api/v1/models/${m0.id}`)).data;
  assert.deepEqual([now.title, now.field, now.description, now.started_on], ['Nhà văn hoá kiểu mẫu', 'culture_society', 'Mô tả mới tôi vừa gõ', '2026-02-01']);
});

test('the progress report form: each result box with its own message, the date too, all at once, typed values kept', async () => {
  const c = await browserAs(reporter.login, reporter.pw);
  const page = `/models/${model.id}`;
  const reports = async () => (await admin.get(`/api/v1/models/${model.id}/reports`)).data.items.length;
  const before = await reports();
  let r = await postForm(c, page, `${page}/reports`, { reported_on: '30/02/2026', note: 'Quý I', 'results.area': '1.5', 'results.vnd': '1.500.000,5', 'results.pct': '80' });
  assert.equal(r.status, 422);
  let h = r.text;
  assert.deepEqual(fieldErrors(h), [['e-rp-date', 'Không phải là ngày hợp lệ (dd/mm/yyyy)'], ['e-rp-res-area', NUMBER], ['e-rp-res-vnd', WHOLE]]);
  for (const [box, err] of [['rp-date', 'e-rp-date'], ['rp-res-area', 'e-rp-res-area'], ['rp-res-vnd', 'e-rp-res-vnd']]) {
    assert.equal(attr(h, box, 'aria-invalid'), 'true', box);
    assert.equal(attr(h, box, 'aria-describedby'), err, box);
  }
  assert.equal(attr(h, 'rp-res-pct', 'aria-invalid'), null);
  assert.deepEqual(summary(h), ['Ngày: Không phải là ngày hợp lệ (dd/mm/yyyy)', `Diện tích: ${NUMBER}`, `Kinh phí huy động: ${WHOLE}`]);
  assert.deepEqual(summaryLinks(h), ['rp-date', 'rp-res-area', 'rp-res-vnd']);
  assert.equal(attr(h, 'error-summary', 'autofocus'), '');
  assert.deepEqual([attr(h, 'rp-date', 'value'), attr(h, 'rp-note', 'value'), attr(h, 'rp-res-area', 'value'), attr(h, 'rp-res-vnd', 'value'), attr(h, 'rp-res-pct', 'value')],
    ['30/02/2026', 'Quý I', '1.5', '1.500.000,5', '80']);
  // no result at all: the group's own message, under the group, every box pointing at it
  r = await postForm(c, page, `${page}/reports`, { reported_on: day(-1), note: '', 'results.area': '', 'results.vnd': '', 'results.pct': '' });
  assert.equal(r.status, 422);
  h = r.text;
  assert.deepEqual(fieldErrors(h), [['e-rp-results', 'Nhập ít nhất một kết quả']]);
  assert.deepEqual(summary(h), ['Kết quả: Nhập ít nhất một kết quả']);
  assert.deepEqual(summaryLinks(h), ['rp-res-area']);
  assert.equal(attr(h, 'rp-res-vnd', 'aria-describedby'), 'e-rp-results');
  assert.equal(await reports(), before);
});

test('a progress report dated before the model started (or, without a start date, before the movement) is refused at the date', async () => {
  const reports = async (id) => (await admin.get(`/api/v1/models/${id}/reports`)).data.items.length;
  // YG-01 has no start date: the movement's start (30 days ago) bounds it
  const before = await reports(model.id);
  let r = await admin.post(`/api/v1/models/${model.id}/reports`, { json: { reported_on: '1999-01-01', note: 'gõ nhầm năm', results: { area: 1 } } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.data.error.fields, { reported_on: 'Không được trước ngày bắt đầu của phong trào' });
  // a model started 10 days ago: a report of 20 days ago is refused, one of its first day taken
  const m = await admin.post(`/api/v1/movements/${mv.id}/models`, { json: { unit_code: 'QY-YG', code: 'YG-02', title: 'Sân chơi', field: 'economy', started_on: day(-10) } });
  assert.equal(m.status, 201, m.text);
  r = await admin.post(`/api/v1/models/${m.data.id}/reports`, { json: { reported_on: day(-20), results: { area: 1 } } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.data.error.fields, { reported_on: 'Không được trước ngày bắt đầu của mô hình' });
  const c = await browserAs(reporter.login, reporter.pw);
  const form = await postForm(c, `/models/${m.data.id}`, `/models/${m.data.id}/reports`, { reported_on: day(-20).split('-').reverse().join('/'), 'results.area': '2' });
  assert.equal(form.status, 422);
  assert.deepEqual(fieldErrors(form.text), [['e-rp-date', 'Không được trước ngày bắt đầu của mô hình']]);
  r = await admin.post(`/api/v1/models/${m.data.id}/reports`, { json: { reported_on: day(-10), results: { area: 1 } } });
  assert.equal(r.status, 201, r.text);
  assert.equal(await reports(model.id), before);
});

test('the dashboard shows a rate nobody reported as —, not 0 %, in its total and in the units\' cells', async () => {
  let r = await admin.post('/api/v1/movements', {
    json: {
      code: 'KTS-TL', title: 'Thanh toán không dùng tiền mặt', kind: 'regular', authority_code: 'QY', starts_on: day(-30), ends_on: day(300),
      register_by: day(30), scope: ['QY'], fields: ['economy'],
      metrics: [{ code: 'cashless', name: 'Tỷ lệ thanh toán không tiền mặt', unit: '%', kind: 'rate' }, { code: 'shops', name: 'Cửa hàng', unit: 'cửa hàng', kind: 'amount' }],
    },
  });
  assert.equal(r.status, 201, r.text);
  const m = r.data;
  assert.equal((await admin.post(`/api/v1/movements/${m.id}/status`, { json: { status: 'launched', version: m.version } })).status, 200);
  assert.equal((await admin.post(`/api/v1/movements/${m.id}/registrations`, { json: { unit_code: 'QY-YG' } })).status, 201);
  const d = await admin.post(`/api/v1/movements/${m.id}/models`, { json: { unit_code: 'QY-YG', code: 'TL-01', title: 'Chợ 4.0', field: 'economy' } });
  assert.equal(d.status, 201, d.text);
  const c = await browserAs('admin', env.adminPassword);
  const page = await c.get(`/movements/${m.id}/dashboard`);
  assert.equal(page.status, 200);
  const total = page.text.match(/<tr><td>Tỷ lệ thanh toán không tiền mặt <small>\(trung bình\)<\/small><\/td><td class="num">([^<]*)<\/td>/);
  assert.ok(total, page.text);
  assert.equal(total[1], '—');
  const yenGiang = page.text.match(/>Phường Yên Giang<\/a><\/td>((?:<td class="num">.*?<\/td>)+)<\/tr>/);
  assert.deepEqual([...yenGiang[1].matchAll(/<td class="num">(.*?)<\/td>/g)].map((x) => x[1].replace(/<[^>]+>/g, '')), ['1', '1', '—', '—']);
  // one report of 80 %: the average is 80
  assert.equal((await admin.post(`/api/v1/models/${d.data.id}/reports`, { json: { reported_on: day(0), results: { cashless: 80 } } })).status, 201);
  const after = await c.get(`/movements/${m.id}/dashboard`);
  assert.match(after.text, /<tr><td>Tỷ lệ thanh toán không tiền mặt <small>\(trung bình\)<\/small><\/td><td class="num">80<\/td>/);
});
