// A unit's registration for a movement changed and withdrawn from the web,
// as the API's PATCH /api/v1/registrations/{id} could before: the form shows
// the pledge, the plan and each commitment the Vietnamese way ("500.000.000"),
// reads them back the same way, keeps what was typed when someone else changed
// the registration meanwhile (409), and a unit without models withdraws and
// registers again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, makeDb, startServer, Client } from '../lib/server.mjs';
import { addUserAsync, csrfOf, formLogin, mkUnit, postForm, unescape } from './_util.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, admin, yg, ha, mv, reporter, other;

function inputValue(html, id) {
  const t = html.match(new RegExp(`<input id="${id}"[^>]*>`));
  assert.ok(t, `an input with id ${id}`);
  const v = t[0].match(/ value="([^"]*)"/);
  return v ? unescape(v[1]) : null;
}
const fieldErrors = (html) => [...html.matchAll(/<p class="field-error" id="([^"]+)">([\s\S]*?)<\/p>/g)].map((m) => [m[1], unescape(m[2])]);

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const qn = await mkUnit(admin, 'T-QN', 'Tỉnh Quảng Ninh', 'province');
  const qy = await mkUnit(admin, 'QY', 'Thị xã Quảng Yên', 'district', qn.id);
  yg = await mkUnit(admin, 'QY-YG', 'Phường Yên Giang', 'ward', qy.id);
  ha = await mkUnit(admin, 'QY-HA', 'Phường Hà An', 'ward', qy.id);
  reporter = await formLogin(srv.base, 'yg.reporter', await addUserAsync(BIN, env.db, 'yg.reporter', 'reporter', 'QY-YG'));
  other = await formLogin(srv.base, 'ha.reporter', await addUserAsync(BIN, env.db, 'ha.reporter', 'reporter', 'QY-HA'));
  let r = await admin.post('/api/v1/movements', {
    json: {
      code: 'NTM-SUA', title: 'Chung sức xây dựng nông thôn mới', kind: 'regular', authority_code: 'QY', starts_on: officeDay(-30), ends_on: officeDay(300),
      register_by: officeDay(30), scope: ['QY'], fields: ['economy'],
      metrics: [{ code: 'vnd', name: 'Kinh phí huy động', unit: 'VND', kind: 'amount' }, { code: 'pct', name: 'Tỷ lệ hộ tham gia', unit: '%', kind: 'rate' }],
    },
  });
  assert.equal(r.status, 201, r.text);
  mv = r.data;
  r = await admin.post(`/api/v1/movements/${mv.id}/status`, { json: { status: 'launched', version: mv.version } });
  assert.equal(r.status, 200, r.text);
  r = await postForm(reporter, `/movements/${mv.id}`, `/movements/${mv.id}/registrations`, {
    unit_id: String(yg.id), pledge: 'Huy động 500 triệu đồng', planned_models: '2', 'commitments.vnd': '500.000.000', 'commitments.pct': '80,5',
  });
  assert.equal(r.status, 303, r.text);
});

after(async () => { if (srv) await srv.stop(); });

async function registration() {
  const r = await admin.get(`/api/v1/movements/${mv.id}/registrations`);
  assert.equal(r.status, 200, r.text);
  const g = r.data.items.find((x) => x.unit_id === yg.id);
  assert.ok(g);
  return g;
}

test('the movement page links the unit\'s own registration to its form, which shows it the Vietnamese way; the change is stored', async () => {
  const g = await registration();
  const page = await reporter.get(`/movements/${mv.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, new RegExp(`<a href="/registrations/${g.id}">Sửa đăng ký<span class="sr"> Phường Yên Giang</span></a>`));
  const form = await reporter.get(`/registrations/${g.id}`);
  assert.equal(form.status, 200);
  assert.match(form.text, /<h1>Đăng ký · Phường Yên Giang<\/h1>/);
  assert.equal(inputValue(form.text, 'f-pledge'), 'Huy động 500 triệu đồng');
  assert.equal(inputValue(form.text, 'f-planned_models'), '2');
  assert.equal(inputValue(form.text, 'f-commit-vnd'), '500.000.000');
  assert.equal(inputValue(form.text, 'f-commit-pct'), '80,5');
  const r = await reporter.post(`/registrations/${g.id}`, { form: { _csrf: csrfOf(form.text), version: String(g.version),
    pledge: 'Huy động 1,2 tỷ đồng', planned_models: '3', 'commitments.vnd': '1.200.000.000', 'commitments.pct': '' } });
  assert.equal(r.status, 303, r.text);
  assert.equal(r.headers.get('location'), `/movements/${mv.id}`);
  const after = await registration();
  assert.deepEqual([after.pledge, after.planned_models, after.commitments, after.version], ['Huy động 1,2 tỷ đồng', 3, { vnd: 1200000000 }, g.version + 1]);
  const flash = await reporter.get(`/movements/${mv.id}`);
  assert.match(flash.text, /Đã lưu đăng ký của Phường Yên Giang/);
});

test('a number that does not read is told at its box, what was typed is kept, nothing is stored', async () => {
  const g = await registration();
  const form = await reporter.get(`/registrations/${g.id}`);
  const r = await reporter.post(`/registrations/${g.id}`, { form: { _csrf: csrfOf(form.text), version: String(g.version),
    pledge: 'Thử', planned_models: '4', 'commitments.vnd': '1.5OO.000', 'commitments.pct': '120' } });
  assert.equal(r.status, 422, r.text.slice(0, 300));
  assert.deepEqual(fieldErrors(r.text), [
    ['e-commit-vnd', 'Phải là số viết như 1.500.000,5 (dấu chấm nhóm hàng nghìn, dấu phẩy trước phần thập phân)'],
    ['e-commit-pct', 'Phải từ 0 đến 100'],
  ]);
  assert.equal(inputValue(r.text, 'f-commit-vnd'), '1.5OO.000');
  assert.equal(inputValue(r.text, 'f-pledge'), 'Thử');
  assert.equal(inputValue(r.text, 'f-planned_models'), '4');
  assert.deepEqual(await registration(), g);
});

test('changed by someone else after the form was opened: 409, nothing saved, the typed values kept at the new version; saved again, it applies', async () => {
  const g = await registration();
  const form = await reporter.get(`/registrations/${g.id}`);
  const p = await admin.req('PATCH', `/api/v1/registrations/${g.id}`, { json: { version: g.version, planned_models: 7 } });
  assert.equal(p.status, 200, p.text);
  const stale = await reporter.post(`/registrations/${g.id}`, { form: { _csrf: csrfOf(form.text), version: String(g.version),
    pledge: 'Của tôi', planned_models: '5', 'commitments.vnd': '900.000.000', 'commitments.pct': '' } });
  assert.equal(stale.status, 409, stale.text.slice(0, 300));
  assert.match(stale.text, /Người khác đã sửa đăng ký này sau khi bạn mở biểu mẫu; chưa có gì được lưu/);
  assert.equal(inputValue(stale.text, 'f-pledge'), 'Của tôi');
  assert.equal(inputValue(stale.text, 'f-planned_models'), '5');
  assert.equal(inputValue(stale.text, 'f-commit-vnd'), '900.000.000');
  assert.match(stale.text, new RegExp(`name="version" value="${g.version + 1}"`));
  assert.equal((await registration()).planned_models, 7);
  const again = await reporter.post(`/registrations/${g.id}`, { form: { _csrf: csrfOf(stale.text), version: String(g.version + 1),
    pledge: 'Của tôi', planned_models: '5', 'commitments.vnd': '900.000.000', 'commitments.pct': '' } });
  assert.equal(again.status, 303, again.text.slice(0, 300));
  const now = await registration();
  assert.deepEqual([now.pledge, now.planned_models, now.commitments], ['Của tôi', 5, { vnd: 900000000 }]);
});

test('another unit\'s reporter neither sees the link nor opens the form', async () => {
  const g = await registration();
  const page = await other.get(`/movements/${mv.id}`);
  assert.doesNotMatch(page.text, new RegExp(`href="/registrations/${g.id}"`));
  const form = await other.get(`/registrations/${g.id}`);
  assert.ok([403, 404].includes(form.status), String(form.status));
  assert.doesNotMatch(form.text, /name="pledge"/);
});

test('a unit without models withdraws, is shown withdrawn, and registers again with the same registration', async () => {
  const g = await registration();
  const form = await reporter.get(`/registrations/${g.id}`);
  assert.match(form.text, /<button type="submit" class="danger" data-confirm="[^"]+">Rút đăng ký<\/button>/);
  const w = await reporter.post(`/registrations/${g.id}`, { form: { _csrf: csrfOf(form.text), version: String(g.version), active: '0' } });
  assert.equal(w.status, 303, w.text.slice(0, 300));
  const gone = await registration();
  assert.equal(gone.active, false);
  const page = await reporter.get(`/movements/${mv.id}`);
  assert.match(page.text, /Đã rút đăng ký của Phường Yên Giang/);
  assert.match(page.text, /Phường Yên Giang<\/a> <span class="badge muted">đã rút đăng ký<\/span>/);
  assert.doesNotMatch(page.text, new RegExp(`href="/registrations/${g.id}"`));
  const closed = await reporter.get(`/registrations/${g.id}`);
  assert.equal(closed.status, 403);
  assert.match(closed.text, /Đăng ký này đã được rút/);
  // registered again: the same row, active, with what the new form says
  const r = await postForm(reporter, `/movements/${mv.id}`, `/movements/${mv.id}/registrations`, {
    unit_id: String(yg.id), pledge: 'Đăng ký lại', planned_models: '1', 'commitments.vnd': '100.000.000', 'commitments.pct': '',
  });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  const back = await registration();
  assert.deepEqual([back.id, back.active, back.pledge, back.planned_models, back.commitments], [g.id, true, 'Đăng ký lại', 1, { vnd: 100000000 }]);
  // once is enough: a second registration of the unit is still refused
  const twice = await postForm(reporter, `/movements/${mv.id}`, `/movements/${mv.id}/registrations`, { unit_id: String(yg.id) });
  assert.equal(twice.status, 422);
  assert.match(twice.text, /Đơn vị này đã đăng ký/);
});
