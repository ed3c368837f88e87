// A ward's reporter who knows no unit code does the whole job on a phone:
// opens a launched movement that invites Quảng Yên, finds the ward by typing
// "yen giang", registers it, adds a model (its first try, 1.500.000,5 VND,
// lands on a summary naming each box at fault, what was typed kept), reports
// 1.500.000 VND and sees that figure on the model page and in the dashboard's total.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../lib/server.mjs';
import { demoServer, launch, newPage, loginForm, submit, clickAndWait, text, facts, assertNoProblems, pickOption } from './browser.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, browser, page, mv;
const iso = (offset) => officeDay(offset);

before(async () => {
  ({ env, srv } = await demoServer());
  // a launched movement inviting Quảng Yên and open for registration: the
  // demo's, while its deadline has not passed, else one an officer launches now
  const officer = new Client(srv.base);
  await officer.login('tw.officer', env.demoUsers['tw.officer'].password);
  const today = iso(0);
  const list = await officer.get('/api/v1/movements?status=launched&limit=100');
  for (const item of list.data.items) {
    const m = (await officer.get('/api/v1/movements/' + item.id)).data;
    const regs = (await officer.get(`/api/v1/movements/${m.id}/registrations`)).data;
    if (m.register_by >= today && m.scope.some((s) => s.code === 'QN-QUANGYEN') && m.metrics.some((k) => k.code === 'vnd') && regs.total === 0) { mv = m; break; }
  }
  if (!mv) {
    const r = await officer.post('/api/v1/movements', {
      json: {
        code: 'QY-REPORTER', title: 'Phong trào “Dân vận khéo” – đợt thử của phường', kind: 'regular', authority_code: 'QY-BDV',
        starts_on: iso(-10), ends_on: iso(200), register_by: iso(30), scope: ['QN-QUANGYEN'], fields: ['economy', 'culture_society'],
        metrics: [{ code: 'vnd', name: 'Kinh phí huy động', unit: 'VND', kind: 'amount' }],
      },
    });
    assert.equal(r.status, 201, r.text);
    const l = await officer.post(`/api/v1/movements/${r.data.id}/status`, { json: { status: 'launched', version: r.data.version } });
    assert.equal(l.status, 200, l.text);
    mv = l.data;
  }
  browser = await launch();
  ({ page } = await newPage(browser));
  await page.setViewportSize({ width: 390, height: 844 });
  await loginForm(page, srv.base, 'quangyen.reporter', env.demoUsers['quangyen.reporter'].password);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('the reporter opens the movement from the list, by its title', async () => {
  // on a phone the header's links fold into the menu
  await page.locator('header .menu > summary').click();
  await clickAndWait(page, page.locator('header nav').getByRole('link', { name: 'Phong trào thi đua' }));
  await clickAndWait(page, page.getByRole('link', { name: mv.title, exact: true }));
  assert.equal(page.url(), `${srv.base}/movements/${mv.id}`);
  assertNoProblems(page);
});

test('finds the ward by typing "yen giang" and registers it', async () => {
  const form = page.locator('form[action$="/registrations"]');
  const box = await pickOption(form, 'Đơn vị', 'yen giang', /^Phường Yên Giang/);
  assert.equal(await box.inputValue(), 'Phường Yên Giang — Thị xã Quảng Yên');
  await form.getByLabel('Nội dung cam kết').fill('Đăng ký 1 mô hình “Dân vận khéo”');
  const res = await submit(page, form.getByRole('button', { name: 'Đăng ký' }));
  assert.equal(res.status(), 303);
  assert.deepEqual(await page.locator('section table.list tbody td:first-child a:first-of-type').allInnerTexts(), ['Phường Yên Giang']);
  assertNoProblems(page);
});

test('adds a model of the ward', async () => {
  await clickAndWait(page, page.locator('p.actions').getByRole('link', { name: /^Mô hình/ }));
  const form = page.locator('form[method=post][action$="/models"]');
  await pickOption(form, 'Đơn vị đã đăng ký', 'yen giang', /^Phường Yên Giang/);
  await form.getByLabel('Tên gọi').fill('Nhà văn hóa khu phố sáng – xanh – sạch');
  // first try: money with a decimal part, and (the demo's movement has one) an area written the English way
  const money = form.getByLabel('Kinh phí huy động (VND)');
  const area = form.getByLabel('Diện tích (m²)');
  const hasArea = (await area.count()) > 0;
  await money.fill('1.500.000,5');
  if (hasArea) await area.fill('1.5');
  let res = await submit(page, form.getByRole('button', { name: 'Đăng ký mô hình' }));
  assert.equal(res.status(), 422);
  // the page lands on the summary (focused, on the phone's screen), which names and links every problem
  const summary = page.locator('#error-summary');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary');
  const box = await summary.boundingBox();
  assert.ok(box.y >= 0 && box.y < 844, `the summary is on the screen (y ${box.y})`);
  const areaName = hasArea ? await area.getAttribute('name') : null;
  const says = { 'plans.vnd': 'Kinh phí huy động: Tiền được tính bằng đồng chẵn (không có phần lẻ)' };
  if (hasArea) says[areaName] = 'Diện tích: Phải là số viết như 1.500.000,5 (dấu chấm nhóm hàng nghìn, dấu phẩy trước phần thập phân)';
  // in the order of the boxes in the form
  const order = await page.locator('form[method=post][action$="/models"] input[name^="plans."]').evaluateAll((els) => els.map((e) => e.name));
  const expected = order.filter((n) => says[n]).map((n) => says[n]);
  assert.deepEqual(await summary.locator('li').allInnerTexts(), expected);
  // each box says what is wrong with it; what was typed stays
  const moneyForm = page.locator('form[method=post][action$="/models"]');
  const moneyBox = moneyForm.getByLabel('Kinh phí huy động (VND)');
  assert.equal(await moneyBox.getAttribute('aria-invalid'), 'true');
  assert.equal(await moneyBox.getAttribute('aria-describedby'), 'e-plan-vnd');
  assert.equal(await text(page.locator('#e-plan-vnd')), 'Tiền được tính bằng đồng chẵn (không có phần lẻ)');
  assert.equal(await moneyBox.inputValue(), '1.500.000,5');
  if (hasArea) {
    assert.equal(await text(page.locator('#e-plan-' + areaName.slice(6))), 'Phải là số viết như 1.500.000,5 (dấu chấm nhóm hàng nghìn, dấu phẩy trước phần thập phân)');
    assert.equal(await moneyForm.getByLabel('Diện tích (m²)').inputValue(), '1.5');
  }
  assert.equal(await moneyForm.getByLabel('Tên gọi').inputValue(), 'Nhà văn hóa khu phố sáng – xanh – sạch');
  // a link of the summary takes the reporter to the box
  await summary.getByRole('link', { name: /^Kinh phí huy động/ }).click();
  assert.match(page.url(), /#f-plan-vnd$/);
  await moneyBox.fill('1.500.000');
  if (hasArea) await moneyForm.getByLabel('Diện tích (m²)').fill('1.500');
  assertNoProblems(page, [`422 POST /movements/${mv.id}/models`]);
  res = await submit(page, moneyForm.getByRole('button', { name: 'Đăng ký mô hình' }));
  assert.equal(res.status(), 303);
  assert.match(page.url(), /\/models\/\d+$/);
  assert.equal(await text(page.locator('h1')), 'Nhà văn hóa khu phố sáng – xanh – sạch');
  assert.match((await facts(page))['Đơn vị'], /^Phường Yên Giang/);
  assertNoProblems(page);
});

test('reports 1.500.000 VND and sees it on the model page and in the dashboard total', async () => {
  const form = page.locator('form[action$="/reports"]');
  await form.locator('input[name=reported_on]').fill(iso(0)); // a date input: the browser shows it as dd/mm/yyyy
  await form.getByLabel('Kinh phí huy động (VND)').fill('1.500.000');
  const res = await submit(page, form.getByRole('button'));
  assert.equal(res.status(), 303);
  assert.equal((await facts(page))['Kết quả'], 'Kinh phí huy động: 1.500.000 VND');
  await page.goto(`${srv.base}/movements/${mv.id}/dashboard`);
  const total = page.locator('table.list tbody tr', { hasText: 'Kinh phí huy động' }).locator('td.num').first();
  assert.equal(await text(total), '1.500.000');
  assertNoProblems(page);
});
