// The movement form in Chromium on a phone (390 px wide), as an officer fills
// it: metric rows added and removed in place (static/rows.js), fields ticked
// by their Vietnamese names, dates picked; a first try with a wrong unit code
// and a row without its code shows every error at once and keeps every row;
// the draft is then launched after a confirmation that says what will happen.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoServer, launch, newPage, loginForm, screenshot, submit, text, facts, assertNoProblems } from './browser.mjs';
import { pickOption } from './browser.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, browser, page;
const day = (offset) => officeDay(offset);

before(async () => {
  ({ env, srv } = await demoServer());
  browser = await launch();
  ({ page } = await newPage(browser));
  await page.setViewportSize({ width: 390, height: 844 });
  await loginForm(page, srv.base, 'admin', env.adminPassword);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

const rows = () => page.locator('tbody[data-rows] tr[data-row]');
const rowNumbers = async () => (await rows().locator('.row-no').allInnerTexts()).map((s) => s.trim());
const fillRow = async (n, code, name, unit, kind) => {
  await page.locator(`#f-m-${n}-code`).fill(code);
  await page.locator(`#f-m-${n}-name`).fill(name);
  await page.locator(`#f-m-${n}-unit`).fill(unit);
  if (kind) await page.locator(`#f-m-${n}-kind`).selectOption(kind);
};

test('metric rows are added and removed in place, then every error shows at once and every row is kept', async () => {
  await page.goto(srv.base + '/movements/new');
  assert.equal(await page.title(), 'Phong trào mới — thidua');
  await page.getByLabel('Mã', { exact: true }).fill('E2E-FORM');
  await page.getByLabel('Tên gọi', { exact: true }).fill('Phong trào “Dân vận khéo” trên điện thoại');
  // the launching unit is left out on purpose (it is picked after the first try)
  await page.getByLabel('Ngày bắt đầu').fill(day(-5));
  await page.getByLabel('Ngày kết thúc').fill(day(200));
  await page.getByLabel('Hạn đăng ký').fill(day(30));
  await pickOption(page, 'Các đơn vị được mời (mỗi đơn vị kèm các đơn vị trực thuộc)', 'thi xa quang yen', /^Thị xã Quảng Yên/);
  await page.getByLabel('Kinh tế').check();
  await page.getByLabel('Chuyển đổi số').check();
  assert.deepEqual(await rowNumbers(), ['1', '2', '3']);
  await fillRow(1, 'vnd', 'Kinh phí huy động', 'VND');
  await fillRow(2, 'tam', 'Dòng sẽ gỡ bỏ', 'cái');
  // "Thêm dòng" adds a row here, without leaving the page, and puts the cursor in it
  const url = page.url();
  await page.getByRole('button', { name: 'Thêm dòng' }).click();
  assert.equal(page.url(), url);
  assert.deepEqual(await rowNumbers(), ['1', '2', '3', '4']);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-m-4-code');
  await fillRow(4, '', 'Tỷ lệ thuê bao 4G', '%', 'rate');
  // "Gỡ bỏ" on row 2 removes it in place; the rows are numbered again
  await rows().nth(1).getByRole('button', { name: 'Gỡ bỏ dòng 2' }).click();
  assert.equal(page.url(), url);
  assert.deepEqual(await rowNumbers(), ['1', '2', '3']);
  assert.deepEqual(await rows().locator('input[name=metric_name]').evaluateAll((els) => els.map((e) => e.value)), ['Kinh phí huy động', '', 'Tỷ lệ thuê bao 4G']);
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Gỡ bỏ dòng 2');
  // the ids stay unique after the JavaScript changes
  assert.deepEqual(await page.evaluate(() => {
    const seen = {};
    for (const el of document.querySelectorAll('[id]')) seen[el.id] = (seen[el.id] || 0) + 1;
    return Object.keys(seen).filter((k) => seen[k] > 1);
  }), []);
  await screenshot(page, 'movement-form-rows.png');
  // first try: the missing launching unit and the row without its code are named together
  const res = await submit(page, page.getByRole('button', { name: 'Tạo bản dự thảo' }));
  assert.equal(res.status(), 422);
  assert.deepEqual(await page.locator('#error-summary li').allInnerTexts(), [
    'Cơ quan phát động: Bắt buộc nhập',
    "Dòng chỉ số 2: Chỉ số cần có mã gồm chữ cái, chữ số, '-', '_' hoặc '.'",
  ]);
  // a summary link takes the officer to the field
  await page.locator('#error-summary a', { hasText: 'Dòng chỉ số 2' }).click();
  assert.match(page.url(), /#f-m-2-code$/);
  assert.equal(await page.locator('#f-m-2-code').getAttribute('aria-invalid'), 'true');
  assert.equal(await text(page.locator('#e-m-2-code')), "Chỉ số cần có mã gồm chữ cái, chữ số, '-', '_' hoặc '.'");
  // everything typed is still there: rows (the blank one left out), kinds, boxes, dates
  assert.deepEqual(await rows().locator('input[name=metric_name]').evaluateAll((els) => els.map((e) => e.value)), ['Kinh phí huy động', 'Tỷ lệ thuê bao 4G', '']);
  assert.equal(await page.locator('#f-m-2-kind').inputValue(), 'rate');
  assert.equal(await page.getByLabel('Kinh tế').isChecked(), true);
  assert.equal(await page.getByLabel('Chuyển đổi số').isChecked(), true);
  assert.equal(await page.getByLabel('Văn hóa – xã hội').isChecked(), false);
  assert.equal(await page.getByLabel('Hạn đăng ký').inputValue(), day(30));
  assert.equal(await page.getByLabel('Mã', { exact: true }).inputValue(), 'E2E-FORM');
  await screenshot(page, 'movement-form-errors.png');
  assertNoProblems(page, ['422 POST /movements']);
});

test('corrected, the draft is created and launched after a confirmation that says what happens', async () => {
  await pickOption(page, 'Đơn vị phát động', 'ban dan van thi uy quang yen', /^Ban Dân vận Thị ủy Quảng Yên/);
  await page.locator('#f-m-2-code').fill('sim4g_pct');
  // Enter in a row saves the form (the first submit button is a hidden "save", not a row's "remove")
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.locator('#f-m-2-code').press('Enter'),
  ]);
  await page.waitForLoadState('load');
  assert.equal(res.status(), 303);
  assert.match(page.url(), /\/movements\/\d+$/);
  assert.equal(await text(page.locator('p.flash')), 'Đã tạo dự thảo phong trào E2E-FORM');
  assert.equal((await facts(page))['Các chỉ số theo dõi'], 'Kinh phí huy động (VND); Tỷ lệ thuê bao 4G (%)');
  assert.equal((await facts(page))['Lĩnh vực'], 'Kinh tế, Chuyển đổi số');
  let asked = null;
  page.once('dialog', (d) => { asked = d.message(); d.accept(); });
  await submit(page, page.getByRole('button', { name: 'Phát động phong trào' }));
  assert.equal(asked, 'Phát động phong trào E2E-FORM? Các đơn vị được mời sẽ có thể đăng ký.');
  assert.equal(await text(page.locator('p.flash')), 'Đã phát động phong trào E2E-FORM');
  assert.equal(await text(page.locator('h1 .stage')), 'Đã phát động');
  // dismissing the next confirmation changes nothing
  page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await page.getByRole('button', { name: 'Kết thúc đăng ký và chuyển sang bình xét' }).click();
  assert.match(asked, /^Kết thúc đăng ký phong trào E2E-FORM và chuyển sang bình xét\?/);
  assert.equal(await text(page.locator('h1 .stage')), 'Đã phát động');
  await screenshot(page, 'movement-launched-phone.png');
  assertNoProblems(page);
});
