// Movements over the API: launch, scope, registration and the deadline,
// models, reports, assessment, typical examples, replication, the
// dashboard's totals and the public page.
//
// No test depends on another: each builds the movement it needs, as far as
// it needs it (draft → launched → registered → with models and reports),
// with its own code, through the same API calls the earlier tests assert.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, makeDb, startServer, Client } from '../lib/server.mjs';
import { addUserAsync, mkUnit, sql } from './_util.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, admin, officer, reporter, stranger, anon;
const u = {};

const day = (offset) => officeDay(offset);

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const add = async (code, name, kind, parent) => { u[code] = await mkUnit(admin, code, name, kind, parent ? u[parent].id : 1); };
  await add('T-QN', 'Tỉnh Quảng Ninh', 'province');
  await add('QY', 'Thị xã Quảng Yên', 'district', 'T-QN');
  await add('QY-BDV', 'Ban Dân vận Thị ủy Quảng Yên', 'agency', 'QY');
  await add('QY-YG', 'Phường Yên Giang', 'ward', 'QY');
  await add('QY-LH', 'Xã Liên Hòa', 'commune', 'QY');
  await add('QY-LH-T1', 'Thôn 1', 'subunit', 'QY-LH');
  await add('T-SL', 'Tỉnh Sơn La', 'province');
  const [pwO, pwR, pwS] = await Promise.all([
    addUserAsync(BIN, env.db, 'qy.officer', 'officer', 'QY'),
    addUserAsync(BIN, env.db, 'lh.reporter', 'reporter', 'QY-LH'),
    addUserAsync(BIN, env.db, 'sl.reporter', 'reporter', 'T-SL'),
  ]);
  officer = new Client(srv.base);
  reporter = new Client(srv.base);
  stranger = new Client(srv.base);
  anon = new Client(srv.base);
  await Promise.all([officer.login('qy.officer', pwO), reporter.login('lh.reporter', pwR), stranger.login('sl.reporter', pwS)]);
});

after(async () => { await srv.stop(); });

const movementJson = (code) => ({
  code, title: 'Phong trào thi đua “Dân vận khéo”', kind: 'regular', authority_code: 'QY-BDV',
  legal_basis: 'Quyết định số 733/QĐ-TTg ngày 14/6/2019', starts_on: day(-30), ends_on: day(300), register_by: day(30),
  scope: ['QY'], fields: ['economy', 'culture_society', 'digital_transformation'],
  metrics: [
    { code: 'vnd', name: 'Kinh phí huy động', unit: 'VND', kind: 'amount' },
    { code: 'length_m', name: 'Chiều dài công trình', unit: 'm', kind: 'amount' },
    { code: 'sim4g_pct', name: 'Chuyển đổi thuê bao 2G sang 4G', unit: '%', kind: 'rate' },
  ],
});
const ok = (r, status) => { assert.equal(r.status, status, r.text); return r.data; };

// the stages of a movement, each built on the one before
async function draft(code) {
  return ok(await officer.post('/api/v1/movements', { json: movementJson(code) }), 201);
}
async function launched(code) {
  const mv = await draft(code);
  return ok(await officer.post(`/api/v1/movements/${mv.id}/status`, { json: { status: 'launched', version: mv.version } }), 200);
}
async function registered(code) {
  const mv = await launched(code);
  ok(await reporter.post(`/api/v1/movements/${mv.id}/registrations`, {
    json: { unit_code: 'QY-LH', pledge: 'Đăng ký 2 mô hình', planned_models: 2, commitments: { vnd: 400000000 } },
  }), 201);
  for (const code of ['QY-YG', 'QY-LH-T1']) ok(await officer.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_code: code } }), 201);
  return mv;
}
// the four models of Liên Hòa, its village and Yên Giang
async function addModels(mv) {
  const mk = async (c, unit, code, title, field, extra = {}) =>
    ok(await c.post(`/api/v1/movements/${mv.id}/models`, { json: { unit_code: unit, code, title, field, ...extra } }), 201);
  return {
    railing: await mk(reporter, 'QY-LH', 'LH-01', 'Lan can chống đuối nước', 'culture_society', { owner_unit_code: 'QY-LH', plans: { length_m: 120 } }),
    lanes: await mk(officer, 'QY-LH-T1', 'LH-T1-01', 'Bê tông hóa đường ngõ xóm thôn 1', 'economy'),
    cultural: await mk(officer, 'QY-YG', 'YG-01', 'Nhà văn hóa khu phố', 'culture_society'),
    digital: await mk(officer, 'QY-YG', 'YG-02', 'Chuyển đổi số', 'digital_transformation'),
  };
}
// their progress reports: 807 million đồng, 446 m, 96 % at the end
async function addReports({ railing, lanes, cultural, digital }) {
  const rep = async (c, m, on, results, note) => ok(await c.post(`/api/v1/models/${m.id}/reports`, { json: { reported_on: on, note, results } }), 201);
  await rep(reporter, railing, day(-10), { length_m: 120, vnd: 75000000 }, 'Hoàn thành 120 m lan can');
  await rep(officer, lanes, day(-9), { length_m: 326, vnd: 352000000 }, '326 m × 3 m');
  await rep(officer, cultural, day(-8), { vnd: 180000000 }, '16 điều hòa');
  await rep(officer, cultural, day(-7), { vnd: 200000000 }, 'Ti vi, loa, bàn ghế');
  await rep(officer, digital, day(-8), { sim4g_pct: 90 }, 'Quý I');
  await rep(officer, digital, day(-6), { sim4g_pct: 96 }, 'Quý II');
}
async function withModels(code) {
  const mv = await registered(code);
  const models = await addModels(mv);
  await addReports(models);
  return { mv, ...models };
}

test('an officer creates a draft movement; only the organiser sees it', async () => {
  const r = await officer.post('/api/v1/movements', { json: movementJson('DVK-T') });
  assert.equal(r.status, 201, r.text);
  const mv = r.data;
  assert.equal(mv.status, 'draft');
  assert.equal(mv.authority_code, 'QY-BDV');
  assert.deepEqual(mv.fields, ['economy', 'culture_society', 'digital_transformation']);
  assert.deepEqual(mv.metrics.map((m) => m.code), ['vnd', 'length_m', 'sim4g_pct']);
  assert.equal(mv.scope[0].code, 'QY');
  assert.equal(r.headers.get('location'), `/api/v1/movements/${mv.id}`);
  assert.equal((await stranger.get(`/api/v1/movements/${mv.id}`)).status, 404);
  assert.equal((await stranger.get('/api/v1/movements?limit=500')).data.items.filter((m) => m.id === mv.id).length, 0);
  assert.equal((await officer.get('/api/v1/movements/DVK-T')).data.id, mv.id);
  // a reporter may not create one
  assert.equal((await reporter.post('/api/v1/movements', { json: { code: 'X' } })).status, 403);
  // validation names every bad field
  const bad = await officer.post('/api/v1/movements', { json: { code: 'bad code', title: '', kind: 'party', authority_code: 'QY', starts_on: '2025-13-01', ends_on: day(1), register_by: day(1) } });
  assert.equal(bad.status, 422);
  assert.deepEqual(Object.keys(bad.data.error.fields).sort(), ['code', 'kind', 'starts_on', 'title']);
});

test('registration opens at launch; the scope and the deadline are enforced', async () => {
  let mv = await draft('DVK-REG');
  let r = await reporter.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_code: 'QY-LH' } });
  assert.equal(r.status, 404); // still a draft: the reporter does not see it
  r = await officer.post(`/api/v1/movements/${mv.id}/status`, { json: { status: 'launched', version: mv.version } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.status, 'launched');
  mv = r.data;
  r = await stranger.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_code: 'T-SL' } });
  assert.equal(r.status, 422);
  assert.match(r.data.error.fields.unit_id, /not invited|không được mời|आमंत्रित/);
  r = await reporter.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_code: 'QY-YG' } });
  assert.equal(r.status, 403); // another unit
  r = await reporter.post(`/api/v1/movements/${mv.id}/registrations`, {
    json: { unit_code: 'QY-LH', pledge: 'Đăng ký 2 mô hình', planned_models: 2, commitments: { vnd: 400000000 } },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.late, false);
  assert.deepEqual(r.data.commitments, { vnd: 400000000 });
  assert.equal((await reporter.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_code: 'QY-LH' } })).status, 422);
  // the officer registers Yên Giang and the village
  for (const code of ['QY-YG', 'QY-LH-T1']) {
    r = await officer.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_code: code } });
    assert.equal(r.status, 201, r.text);
  }
});

test('models, progress reports and the standing values', async () => {
  const mv = await registered('DVK-MOD');
  const models = await addModels(mv);
  const { railing, cultural, digital } = models;
  assert.deepEqual(railing.plans, { length_m: 120 });
  // a field the movement does not have; a unit that did not register; another unit's reporter
  let r = await reporter.post(`/api/v1/movements/${mv.id}/models`, { json: { unit_code: 'QY-LH', title: 'X', field: 'health' } });
  assert.equal(r.status, 422);
  assert.ok(r.data.error.fields.field);
  r = await stranger.post(`/api/v1/movements/${mv.id}/models`, { json: { unit_code: 'QY-LH', title: 'X', field: 'economy' } });
  assert.equal(r.status, 403);
  // reports
  await addReports(models);
  r = await reporter.post(`/api/v1/models/${railing.id}/reports`, { json: { reported_on: day(-1), results: { sim4g_pct: 120 } } });
  assert.equal(r.status, 422);
  r = await stranger.post(`/api/v1/models/${railing.id}/reports`, { json: { reported_on: day(-1), results: { vnd: 1 } } });
  assert.equal(r.status, 404);
  r = await officer.get(`/api/v1/models/${cultural.id}`);
  assert.deepEqual(r.data.results, { vnd: 380000000 });
  assert.equal(r.data.reports, 2);
  r = await officer.get(`/api/v1/models/${digital.id}`);
  assert.deepEqual(r.data.results, { sim4g_pct: 96 });
  r = await officer.get(`/api/v1/models/${railing.id}/reports`);
  assert.deepEqual(r.data.items.map((x) => x.note), ['Hoàn thành 120 m lan can']);
  // scope of lists: the stranger sees no model, the reporter only Liên Hòa's subtree
  assert.equal((await stranger.get(`/api/v1/movements/${mv.id}/models`)).data.total, 0);
  assert.deepEqual((await reporter.get(`/api/v1/movements/${mv.id}/models`)).data.items.map((m) => m.code), ['LH-01', 'LH-T1-01']);
  assert.equal((await officer.get(`/api/v1/movements/${mv.id}/models?field=culture_society`)).data.total, 2);
  assert.equal((await officer.get(`/api/v1/movements/${mv.id}/models?q=nha van hoa`)).data.items[0].code, 'YG-01');
});

test('the dashboard: totals per unit and subtree are the sums of their parts', async () => {
  const { mv } = await withModels('DVK-DASH');
  const r = await officer.get(`/api/v1/movements/${mv.id}/dashboard`);
  assert.equal(r.status, 200, r.text);
  const d = r.data;
  assert.equal(d.registrations, 3);
  assert.equal(d.models.total, 4);
  const vnd = d.metrics.find((m) => m.code === 'vnd');
  assert.equal(vnd.value, 75000000 + 352000000 + 380000000);
  assert.equal(d.metrics.find((m) => m.code === 'sim4g_pct').value, 96);
  const unit = (code) => d.units.find((x) => x.code === code);
  assert.equal(unit('QY').results_subtree.vnd, 807000000);
  assert.equal(unit('QY-YG').results_subtree.vnd, 380000000);
  assert.equal(unit('QY-LH').results.vnd, 75000000);
  assert.equal(unit('QY-LH').results_subtree.vnd, 75000000 + 352000000);
  assert.equal(unit('QY-LH').results_subtree.length_m, 446);
  assert.equal(unit('QY').models_subtree, 4);
  assert.equal(unit('QY').registered_subtree, 3);
  assert.equal(unit('QY-LH').registered_subtree, 2);
  assert.equal(d.units.find((x) => x.code === 'T-QN'), undefined); // above the scope
  const children = d.units.filter((x) => x.parent_id === unit('QY').id);
  assert.equal(children.reduce((s, x) => s + (x.results_subtree.vnd || 0), 0), unit('QY').results_subtree.vnd);
  assert.deepEqual(d.fields.map((f) => [f.field, f.models]), [['economy', 1], ['culture_society', 2], ['digital_transformation', 1]]);
  // the reporter's dashboard is their subtree
  const mine = (await reporter.get(`/api/v1/movements/${mv.id}/dashboard`)).data;
  assert.equal(mine.models.total, 2);
  assert.equal(mine.metrics.find((m) => m.code === 'vnd').value, 427000000);
  assert.equal((await reporter.get(`/api/v1/movements/${mv.id}/dashboard?under=${u['QY-YG'].id}`)).status, 403);
  assert.equal((await officer.get(`/api/v1/movements/${mv.id}/dashboard?from=2020-13-01`)).status, 400);
  const reversed = await officer.get(`/api/v1/movements/${mv.id}/dashboard?from=2024-12-31&to=2024-01-01`, { headers: { 'Accept-Language': 'en' } });
  assert.equal(reversed.status, 400);
  assert.deepEqual(reversed.data.error.fields, { to: 'Ends before it starts' });
});

test('the dashboard page reads the period as typed (dd/mm/yyyy) and says so when it ends before it starts', async () => {
  const { mv } = await withModels('DVK-DAYS');
  const web = new Client(srv.base);
  const pre = (await web.get('/login')).text.match(/name="_csrf" value="([^"]+)"/)[1];
  assert.equal((await web.post('/login', { form: { _csrf: pre, login: 'admin', password: env.adminPassword } })).status, 303);
  const iso = await web.get(`/movements/${mv.id}/dashboard?from=2024-03-15&to=2024-12-31`);
  const typed = await web.get(`/movements/${mv.id}/dashboard?from=15/03/2024&to=31/12/2024`);
  assert.equal(typed.status, 200, typed.text);
  const figures = (html) => html.slice(html.indexOf('<main'), html.indexOf('</main>')).replace(/(from|to)=[^&"]*/g, '').replace(/value="[^"]*"/g, '');
  assert.equal(figures(typed.text), figures(iso.text));
  assert.notEqual(figures(iso.text), figures((await web.get(`/movements/${mv.id}/dashboard`)).text)); // the period counts
  const reversed = await web.get(`/movements/${mv.id}/dashboard?from=31/12/2024&to=01/01/2024`);
  assert.equal(reversed.status, 400);
  assert.ok(reversed.text.includes('Ngày kết thúc trước ngày bắt đầu'), reversed.text);
});

test('assessment, typical examples, replication and the public page', async () => {
  const { railing } = await withModels('DVK-TYP');
  let r = await reporter.post(`/api/v1/models/${railing.id}/assessment`, { json: { status: 'effective', version: railing.version } });
  assert.equal(r.status, 403);
  r = await officer.post(`/api/v1/models/${railing.id}/typical`, { json: { typical: true, citation: 'Tiêu biểu', version: 1 } });
  assert.equal(r.status, 422);
  assert.ok(r.data.error.fields.typical);
  r = await officer.post(`/api/v1/models/${railing.id}/assessment`, { json: { status: 'effective', comment: 'Hiệu quả rõ rệt', version: 1 } });
  assert.equal(r.status, 200, r.text);
  r = await officer.post(`/api/v1/models/${railing.id}/typical`, { json: { typical: true, citation: 'Mô hình tiêu biểu năm 2024', version: 1 } });
  assert.equal(r.status, 409); // stale version
  r = await officer.post(`/api/v1/models/${railing.id}/typical`, { json: { typical: true, citation: 'Mô hình tiêu biểu năm 2024', version: 2 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.typical, true);
  r = await officer.post(`/api/v1/models/${railing.id}/replications`, { json: { unit_code: 'QY-YG', adopted_on: day(-2), note: 'Nhân rộng' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.replications, 1);
  r = await officer.get(`/api/v1/models/${railing.id}/replications`);
  assert.deepEqual(r.data.items.map((x) => x.unit_code), ['QY-YG']);
  // the reporter can no longer edit an assessed model
  r = await reporter.patch(`/api/v1/models/${railing.id}`, { json: { title: 'Đổi', version: 3 } });
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'state');
  // the public page, without login
  r = await anon.get('/api/v1/public/typical');
  assert.equal(r.status, 200);
  assert.equal(r.data.total, 1);
  assert.equal(r.data.items[0].title, 'Lan can chống đuối nước');
  assert.equal(r.data.items[0].citation, 'Mô hình tiêu biểu năm 2024');
  assert.deepEqual(r.data.items[0].results.map((x) => [x.metric, x.value]), [['vnd', 75000000], ['length_m', 120]]);
  assert.equal((await anon.get('/api/v1/movements')).status, 401);
});

test('evidence files: checked by content, stored once, readable only in scope', async () => {
  const { railing } = await withModels('DVK-FILE');
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5f0000000049454e44ae426082', 'hex');
  const up = (c, id, name, bytes, type) => {
    const fd = new FormData();
    fd.append('file', new Blob([bytes], { type }), name);
    return c.req('POST', `/api/v1/models/${id}/files`, { raw: fd });
  };
  let r = await up(reporter, railing.id, 'bien-ban-nghiem-thu.pdf', pdf, 'application/pdf');
  assert.equal(r.status, 201, r.text);
  const att = r.data;
  assert.equal(att.mime, 'application/pdf');
  assert.equal(att.name, 'bien-ban-nghiem-thu.pdf');
  r = await up(reporter, railing.id, 'anh.pdf', png, 'application/pdf');
  assert.equal(r.status, 422);
  assert.match(r.data.error.fields.file, /PNG/);
  r = await up(stranger, railing.id, 'x.pdf', pdf, 'application/pdf');
  assert.equal(r.status, 404);
  // the same bytes again: a second attachment, one stored file
  r = await up(officer, railing.id, 'ban-sao.pdf', pdf, 'application/pdf');
  assert.equal(r.status, 201, r.text);
  assert.equal(sql(env.db, 'SELECT count(*) FROM files'), '1');
  r = await officer.get(`/api/v1/files/${att.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.match(r.headers.get('content-disposition'), /attachment; filename="bien-ban-nghiem-thu.pdf"/);
  assert.equal(r.text, pdf.toString('latin1').replace(/[^\x00-\x7f]/g, ''));
  assert.equal((await stranger.get(`/api/v1/files/${att.id}`)).status, 404);
  assert.deepEqual((await reporter.get(`/api/v1/models/${railing.id}/files`)).data.items.map((x) => x.name), ['ban-sao.pdf', 'bien-ban-nghiem-thu.pdf']);
});

test('models and results: export, re-import unchanged, per-line errors, all or nothing', async () => {
  const { mv, lanes } = await withModels('DVK-IO');
  const imp = (c, kind, name, text) => {
    const fd = new FormData();
    fd.append('file', new Blob([text], { type: 'text/csv' }), name);
    return c.req('POST', `/api/v1/movements/${mv.id}/import/${kind}`, { raw: fd }).then((r) => c.waitJob(r));
  };
  let r = await officer.get(`/movements/${mv.id}/export/models?format=csv`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  const csv = r.text;
  // the headers are in the user's language (Vietnamese by default); the import reads them back
  assert.equal(csv.split('\r\n')[0], 'Mã mô hình,Mã đơn vị,Tên gọi,Lĩnh vực,Mã đơn vị chủ trì,Mô tả,Ngày bắt đầu,Trạng thái,Tiêu biểu (1 hoặc 0),' +
    'Nội dung biểu dương,Số lần báo cáo,Kết quả: Kinh phí huy động (VND),Kết quả: Chiều dài công trình (m),Kết quả: Chuyển đổi thuê bao 2G sang 4G (%)');
  r = await imp(officer, 'models', 'models.csv', csv);
  assert.equal(r.status, 'done', JSON.stringify(r));
  assert.deepEqual([r.result.lines, r.result.inserted, r.result.updated, r.result.unchanged], [4, 0, 0, 4]);
  // two good lines and a bad one: nothing imported, the bad line named
  const bad = 'code,unit_code,title,field\nLH-02,QY-LH,Đường điện chiếu sáng,economy\nLH-03,QY-LH,Sai lĩnh vực,health\nYG-03,QY-YG,Mô hình mới,economy\n';
  r = await reporter.req('POST', `/api/v1/movements/${mv.id}/import/models`, { raw: (() => { const fd = new FormData(); fd.append('file', new Blob([bad]), 'm.csv'); return fd; })() });
  assert.equal(r.status, 202);
  assert.match(r.headers.get('location'), /^\/api\/v1\/jobs\/\d+$/);
  assert.equal(r.data.kind, 'import_models');
  r = await reporter.waitJob(r);
  assert.equal(r.status, 'failed');
  assert.equal(r.result.rejected, 2);
  assert.deepEqual(r.errors, ['dòng 3: field: Không phải lĩnh vực của phong trào này', 'dòng 4: nằm ngoài các đơn vị bạn được phép thay đổi']);
  assert.equal((await officer.get(`/api/v1/movements/${mv.id}/models`)).data.total, 4);
  // results: one report of two rows; the same file again changes nothing
  const res = 'model_code,reported_on,metric,value,note\nLH-T1-01,' + day(-3) + ',vnd,10000000,Đợt 2\nLH-T1-01,' + day(-3) + ',length_m,20,Đợt 2\n';
  r = await imp(reporter, 'results', 'r.csv', res);
  assert.equal(r.status, 'done', JSON.stringify(r));
  assert.equal(r.result.inserted, 1);
  r = await imp(reporter, 'results', 'r.csv', res);
  assert.deepEqual([r.result.inserted, r.result.unchanged], [0, 1]);
  // a good line and two bad ones: nothing stored, each bad line named
  r = await imp(reporter, 'results', 'bad.csv', 'model_code,reported_on,metric,value\nLH-T1-01,' + day(-2) + ',vnd,5\nKHONG-CO,' + day(-2) +
    ',vnd,5\nLH-T1-01,' + day(5) + ',vnd,5\n');
  assert.equal(r.status, 'failed');
  assert.deepEqual(r.errors, ["dòng 3: model_code: Phong trào không có mô hình 'KHONG-CO'", 'dòng 4: reported_on: Không được là ngày trong tương lai']);
  assert.deepEqual([r.result.inserted, r.result.rejected], [0, 2]);
  // two reports of one file are checked together: their amounts add up past the limit
  r = await imp(reporter, 'results', 'big.csv', 'model_code,reported_on,metric,value\nLH-T1-01,' + day(-2) + ',vnd,600000000000000\nLH-T1-01,' +
    day(-1) + ',vnd,600000000000000\n');
  assert.equal(r.status, 'failed');
  assert.deepEqual(r.errors, ['dòng 3: value: Tổng của mô hình sẽ vượt quá 1.000.000.000.000.000']);
  assert.deepEqual((await officer.get(`/api/v1/models/${lanes.id}`)).data.results, { vnd: 362000000, length_m: 346 });
  // the exported results re-import unchanged
  r = await officer.get(`/movements/${mv.id}/export/results?format=csv`);
  r = await imp(officer, 'results', 'all.csv', r.text);
  assert.equal(r.status, 'done', JSON.stringify(r));
  assert.equal(r.result.inserted, 0);
  // the XLSX export re-imports unchanged too
  const x = await fetch(srv.base + `/movements/${mv.id}/export/models?format=xlsx`, { headers: { Authorization: 'Bearer ' + officer.token } });
  const fd = new FormData();
  fd.append('file', new Blob([await x.arrayBuffer()]), 'models.xlsx');
  r = await officer.waitJob(await officer.req('POST', `/api/v1/movements/${mv.id}/import/models`, { raw: fd }));
  assert.equal(r.status, 'done', JSON.stringify(r));
  assert.deepEqual([r.result.lines, r.result.unchanged], [4, 4]);
  // registrations: the export re-imports unchanged; a new pledge updates one
  r = await officer.get(`/movements/${mv.id}/export/registrations?format=csv`);
  const regs = r.text;
  assert.match(regs.split('\n')[0], /^Mã đơn vị,Tên đơn vị,Ngày đăng ký,Nội dung cam kết,Số mô hình dự kiến,Mô hình,Cam kết: Kinh phí huy động \(VND\),/);
  r = await imp(officer, 'registrations', 'regs.csv', regs);
  assert.equal(r.status, 'done', JSON.stringify(r));
  assert.deepEqual([r.result.lines, r.result.unchanged], [3, 3]);
  r = await imp(reporter, 'registrations', 'regs.csv', 'unit_code,pledge,planned_models,commit_vnd\nQY-LH,Đăng ký 3 mô hình,3,450000000\n');
  assert.deepEqual([r.status, r.result.updated], ['done', 1]);
  const lh = (await reporter.get(`/api/v1/movements/${mv.id}/registrations`)).data.items.find((g) => g.unit_code === 'QY-LH');
  assert.deepEqual([lh.pledge, lh.planned_models, lh.commitments], ['Đăng ký 3 mô hình', 3, { vnd: 450000000 }]);
  // the organiser's exports are not for a reporter; the template is
  assert.equal((await reporter.get(`/movements/${mv.id}/export/models?format=csv`)).status, 403);
  r = await reporter.get(`/movements/${mv.id}/export/template?format=xlsx`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
});

test('a closed movement changes no more', async () => {
  const { mv, railing } = await withModels('DVK-END');
  let m = (await officer.get(`/api/v1/movements/${mv.id}`)).data;
  let r = await officer.post(`/api/v1/movements/${mv.id}/status`, { json: { status: 'closed', version: m.version } });
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'state');
  r = await officer.post(`/api/v1/movements/${mv.id}/status`, { json: { status: 'reviewing', version: m.version } });
  assert.equal(r.status, 200);
  // under review: no new registrations, reports still allowed
  r = await reporter.post(`/api/v1/models/${railing.id}/reports`, { json: { reported_on: day(0), results: { vnd: 1000000 } } });
  assert.equal(r.status, 201, r.text);
  r = await officer.post(`/api/v1/movements/${mv.id}/status`, { json: { status: 'closed', version: r.data ? m.version + 1 : 0 } });
  assert.equal(r.status, 200, r.text);
  m = r.data;
  r = await officer.patch(`/api/v1/movements/${mv.id}`, { json: { title: 'Khác', version: m.version } });
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'state');
  r = await reporter.post(`/api/v1/models/${railing.id}/reports`, { json: { reported_on: day(0), results: { vnd: 1 } } });
  assert.equal(r.status, 409);
  assert.equal(sql(env.db, `SELECT count(*) FROM audit_log WHERE entity = 'movement' AND entity_id = ${mv.id}`), '4');
  assert.equal(sql(env.db, `SELECT action FROM audit_log WHERE entity = 'movement' AND entity_id = ${mv.id} ORDER BY id`).split('\n').join(','), 'create,launch,review,close');
});
