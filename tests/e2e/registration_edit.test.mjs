// The Quảng Yên reporter, on a phone (390 px), changes the unit's
// registration for a movement from the movement's page: the commitments are
// shown the Vietnamese way and typed back the same way; then the unit,
// which has no models, withdraws after a confirmation.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../lib/server.mjs';
import { demoServer, launch, newPage, loginForm, submit, clickAndWait, text, assertNoProblems } from './browser.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, browser, page, mv, reg;

before(async () => {
  ({ env, srv } = await demoServer());
  const admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  let r = await admin.post('/api/v1/movements', {
    json: {
      code: 'E2E-SUA', title: 'Phong trào “Phường xanh, sạch, đẹp”', kind: 'regular', authority_code: 'QN-QUANGYEN',
      starts_on: officeDay(-10), ends_on: officeDay(200), register_by: officeDay(20), scope: ['QN-QUANGYEN'], fields: ['environment'],
      metrics: [{ code: 'vnd', name: 'Kinh phí huy động', unit: 'VND', kind: 'amount' }, { code: 'pct', name: 'Tỷ lệ hộ phân loại rác', unit: '%', kind: 'rate' }],
    },
  });
  assert.equal(r.status, 201, r.text);
  mv = r.data;
  r = await admin.post(`/api/v1/movements/${mv.id}/status`, { json: { status: 'launched', version: mv.version } });
  assert.equal(r.status, 200, r.text);
  const rep = new Client(srv.base);
  await rep.login('quangyen.reporter', env.demoUsers['quangyen.reporter'].password);
  r = await rep.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_code: 'QY-HLHPN', pledge: 'Mỗi hội viên một cây xanh', planned_models: 2,
    commitments: { vnd: 250000000, pct: 60.5 } } });
  assert.equal(r.status, 201, r.text);
  reg = r.data;
  browser = await launch();
  ({ page } = await newPage(browser));
  await page.setViewportSize({ width: 390, height: 844 });
  await loginForm(page, srv.base, 'quangyen.reporter', env.demoUsers['quangyen.reporter'].password);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('on a phone the reporter opens the registration from the movement page, changes a commitment typed the Vietnamese way, and saves', async () => {
  await page.goto(`${srv.base}/movements/${mv.id}`);
  await clickAndWait(page, page.getByRole('link', { name: 'Sửa đăng ký Hội Liên hiệp Phụ nữ thị xã Quảng Yên' }));
  assert.equal(new URL(page.url()).pathname, `/registrations/${reg.id}`);
  assert.equal(await text(page.locator('h1')), 'Đăng ký · Hội Liên hiệp Phụ nữ thị xã Quảng Yên');
  const vnd = page.getByLabel('Kinh phí huy động (VND)');
  assert.equal(await vnd.inputValue(), '250.000.000');
  assert.equal(await page.getByLabel('Tỷ lệ hộ phân loại rác (%)').inputValue(), '60,5');
  // every box inside the screen
  const boxes = await page.locator('main form input:not([type=hidden])').evaluateAll((es) => es.map((e) => {
    const b = e.getBoundingClientRect();
    return [Math.round(b.left), Math.round(b.right)];
  }));
  assert.ok(boxes.length >= 4, `${boxes.length} boxes`);
  assert.deepEqual(boxes.filter(([l, rt]) => l < 0 || rt > 390), []);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
  await vnd.fill('1.500.000.000');
  const res = await submit(page, page.getByRole('button', { name: 'Lưu', exact: true }));
  assert.equal(res.status(), 303);
  assert.equal(new URL(page.url()).pathname, `/movements/${mv.id}`);
  assert.match(await text(page.locator('p.flash')), /Đã lưu đăng ký của Hội Liên hiệp Phụ nữ thị xã Quảng Yên/);
  const api = new Client(srv.base);
  await api.login('admin', env.adminPassword);
  const g = (await api.get(`/api/v1/registrations/${reg.id}`)).data;
  assert.deepEqual(g.commitments, { vnd: 1500000000, pct: 60.5 });
  assertNoProblems(page);
});

test('the unit without models withdraws after saying yes to the question', async () => {
  await page.goto(`${srv.base}/registrations/${reg.id}`);
  let asked = null;
  page.once('dialog', (d) => { asked = d.message(); d.accept(); });
  const res = await submit(page, page.getByRole('button', { name: 'Rút đăng ký', exact: true }));
  assert.equal(asked, 'Rút đăng ký này? Đơn vị sẽ không còn đăng ký tham gia phong trào.');
  assert.equal(res.status(), 303);
  const row = page.locator('table.list tbody tr', { hasText: 'Hội Liên hiệp Phụ nữ thị xã Quảng Yên' });
  assert.match(await text(row.locator('td').first()), /đã rút đăng ký/);
  assert.equal(await row.getByRole('link', { name: /Sửa đăng ký/ }).count(), 0);
  assertNoProblems(page);
});
