// The movement workflow as people click it: an officer prepares and launches
// a movement, registers a unit and a model, attaches an evidence file,
// reports a result, and sees it on the dashboard; the demo's Dân vận khéo
// 2024 dashboard and the public typical examples.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoServer, launch, newPage, loginForm, screenshot, clickAndWait, submit, text, facts, assertNoProblems, pickOption } from './browser.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, browser, page;
let mvUrl, modelUrl;
const day = (offset) => officeDay(offset);

before(async () => {
  ({ env, srv } = await demoServer());
  browser = await launch();
  ({ page } = await newPage(browser));
  await loginForm(page, srv.base, 'admin', env.adminPassword);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('the demo movements are listed, Dân vận khéo 2024 with 32 units and 138 models', async () => {
  await page.goto(srv.base + '/movements?q=dvk2024');
  const row = page.locator('table.list tbody tr', { hasText: 'DVK2024' });
  assert.deepEqual((await row.locator('td.num').allInnerTexts()).map((s) => s.trim()), ['32', '138']);
  await clickAndWait(page, row.getByRole('link').first());
  assert.match(await text(page.locator('h1')), /Dân vận khéo/);
  assert.equal((await facts(page))['Mã'], 'DVK2024');
  await clickAndWait(page, page.locator('p.actions a.button').first());
  assert.match(page.url(), /\/dashboard$/);
  const tiles = await page.locator('ul.tiles li b').allInnerTexts();
  assert.deepEqual(tiles, ['32', '138', '127', '14', '8']);
  // the charts are drawn on the server as SVG
  assert.equal(await page.locator('figure.chart svg[role="img"]').count(), 3);
  const vnd = page.locator('table.list tbody tr', { hasText: 'Kinh phí huy động' }).locator('td.num').first();
  assert.equal(await text(vnd), '7.366.000.000');
  await screenshot(page, 'movement-dashboard.png');
  assertNoProblems(page);
});

test('an officer prepares a movement and launches it', async () => {
  await page.goto(srv.base + '/movements/new');
  await page.locator('input[name=code]').fill('E2E-DVK');
  await page.locator('input[name=title]').fill('Phong trào thi đua “Dân vận khéo” thử nghiệm');
  await pickOption(page, 'Đơn vị phát động', 'QY-BDV', /^Ban Dân vận Thị ủy Quảng Yên/);
  await page.locator('input[name=starts_on]').fill(day(-20));
  await page.locator('input[name=ends_on]').fill(day(200));
  await page.locator('input[name=register_by]').fill(day(30));
  await pickOption(page, 'Các đơn vị được mời (mỗi đơn vị kèm các đơn vị trực thuộc)', 'QN-QUANGYEN', /^Thị xã Quảng Yên/);
  await page.locator('input[name=fields][value=economy]').check();
  await page.locator('input[name=fields][value=culture_society]').check();
  for (const [n, [code, name, unit]] of [['vnd', 'Kinh phí huy động', 'VND'], ['length_m', 'Chiều dài', 'm']].entries()) {
    await page.locator(`#f-m-${n + 1}-code`).fill(code);
    await page.locator(`#f-m-${n + 1}-name`).fill(name);
    await page.locator(`#f-m-${n + 1}-unit`).fill(unit);
  }
  await screenshot(page, 'movement-new.png');
  const res = await submit(page, page.locator('form.card button.primary'));
  assert.equal(res.status(), 303);
  mvUrl = page.url();
  assert.match(mvUrl, /\/movements\/\d+$/);
  assert.equal(await text(page.locator('h1 .stage')), 'Dự thảo');
  // launch
  const launchBtn = page.locator('form[action$="/status"] button');
  assert.equal(await launchBtn.count(), 1);
  page.once('dialog', (d) => d.accept());
  await submit(page, launchBtn);
  assert.equal(await text(page.locator('h1 .stage')), 'Đã phát động');
  assertNoProblems(page);
});

test('register Yên Giang ward and a model, attach evidence, report a result', async () => {
  const reg = page.locator('form[action$="/registrations"]');
  await pickOption(reg, 'Đơn vị', 'yen giang', /^Phường Yên Giang/);
  await reg.locator('input[name=pledge]').fill('Đăng ký 1 mô hình');
  await submit(page, reg.locator('button'));
  assert.equal(await page.locator('section table.list tbody tr').count(), 1);
  await page.goto(mvUrl + '/models');
  const form = page.locator('form[method=post][action$="/models"]');
  await pickOption(form, 'Đơn vị đã đăng ký', 'yen giang', /^Phường Yên Giang/);
  await form.locator('input[name=title]').fill('Nhà văn hóa khu phố sáng – xanh – sạch');
  await form.locator('select[name=field]').selectOption('culture_society');
  await form.locator('input[name="plans.vnd"]').fill('1000000000');
  await submit(page, form.locator('button'));
  assert.equal((await facts(page))['Kết quả dự kiến'], 'Kinh phí huy động: 1.000.000.000 VND');
  modelUrl = page.url();
  assert.match(modelUrl, /\/models\/\d+$/);
  assert.equal(await text(page.locator('h1')), 'Nhà văn hóa khu phố sáng – xanh – sạch');
  // an evidence file: a PDF
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
  const up = page.locator('form[action$="/files"]');
  await up.locator('input[type=file]').setInputFiles({ name: 'bien-ban-nghiem-thu.pdf', mimeType: 'application/pdf', buffer: pdf });
  await submit(page, up.locator('button'));
  assert.deepEqual(await page.locator('ul.files a').allInnerTexts(), ['bien-ban-nghiem-thu.pdf']);
  // a report with a result
  const rep = page.locator('form[action$="/reports"]');
  await rep.locator('input[name=reported_on]').fill(day(-1));
  await rep.locator('input[name=note]').fill('Lắp đặt 16 điều hòa');
  await rep.locator('input[name="results.vnd"]').fill('180000000');
  await submit(page, rep.locator('button'));
  assert.match(await text(page.locator('dl.facts')), /180\.000\.000/);
  await screenshot(page, 'movement-model.png');
  assertNoProblems(page);
});

test('the dashboard shows the new model and its result', async () => {
  await page.goto(mvUrl + '/dashboard');
  assert.deepEqual(await page.locator('ul.tiles li b').allInnerTexts(), ['1', '1', '0', '0', '0']);
  const vnd = page.locator('table.list tbody tr', { hasText: 'Kinh phí huy động' }).locator('td.num').first();
  assert.equal(await text(vnd), '180.000.000');
  const ward = page.locator('table.tree-table tbody tr', { hasText: 'Phường Yên Giang' });
  assert.deepEqual((await ward.locator('td.num').allInnerTexts()).slice(0, 3), ['1', '1', '180.000.000']);
  // a unit's name drills the dashboard down to its subtree
  await clickAndWait(page, ward.getByRole('link', { name: 'Phường Yên Giang' }));
  assert.match(page.url(), /dashboard\?under=\d+$/);
  assert.deepEqual(await page.locator('ul.tiles li b').allInnerTexts(), ['1', '1', '0', '0', '0']);
  assertNoProblems(page);
});

test('the public page shows typical examples without login', async () => {
  const { page: anon } = await newPage(browser);
  await anon.goto(srv.base + '/typical?movement=DVK2024');
  assert.equal(await anon.locator('article.typical').count(), 14);
  assert.match(await text(anon.locator('article.typical', { hasText: 'đuối nước' }).first()), /120/);
  await screenshot(anon, 'typical.png');
  assertNoProblems(anon);
});
