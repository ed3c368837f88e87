// The officer's forms of indicators in the browser (issue 13), on the demo:
// the province's officer defines a new indicator on a phone, a rule that
// does not parse points at its column, an index's criteria show their
// running total of points as they are typed, the Department of Information
// and Communications' reporter enters a value for the new indicator, and the
// officer adds it to the public dashboard with a checkbox: the dashboard,
// without login, shows the province's figure. Screenshots for
// docs/INDICATORS.md.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoServer, launch, newPage, loginForm, submit, clickAndWait, pickOption, text, assertNoProblems, screenshot } from './browser.mjs';

let env, srv, browser, off, rep, anon;

before(async () => {
  ({ env, srv } = await demoServer());
  browser = await launch();
  ({ page: off } = await newPage(browser));
  await off.setViewportSize({ width: 390, height: 844 });
  await loginForm(off, srv.base, 'sonla.officer', env.demoUsers['sonla.officer'].password);
  ({ page: rep } = await newPage(browser));
  await rep.setViewportSize({ width: 390, height: 844 });
  await loginForm(rep, srv.base, 'sonla.stttt.reporter', env.demoUsers['sonla.stttt.reporter'].password);
  ({ page: anon } = await newPage(browser));
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// no horizontal scrolling of the page on a phone (a wide table scrolls in its own box)
const fitsPhone = async (page) => assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390 + 1), 'the page fits 390 px');

test('the officer defines an indicator on a phone', async () => {
  await off.goto(`${srv.base}/indicators`);
  await clickAndWait(off, off.getByRole('link', { name: 'Danh mục chỉ tiêu' }));
  const form = off.locator('form[aria-labelledby="new-indicator"]');
  await form.getByLabel('Mã (chữ thường, chữ số, _)').fill('dept_open_datasets');
  await form.getByLabel('Tên tiếng Việt').fill('Bộ dữ liệu mở đã công bố');
  await form.getByLabel('Tên tiếng Anh').fill('Open datasets published');
  await form.getByLabel('Tên tiếng Hindi').fill('प्रकाशित खुले डेटासेट');
  await form.getByLabel('Đơn vị tính', { exact: true }).fill('bộ');
  await form.getByLabel('Đơn vị tính, bằng tiếng Anh').fill('datasets');
  await form.getByLabel('Loại', { exact: true }).selectOption('number');
  await form.getByLabel('Cách tổng hợp').selectOption('sum');
  await form.getByLabel('Loại kỳ').selectOption('year');
  await fitsPhone(off);
  await screenshot(off, 'indicators-definition.png');
  const res = await submit(off, form.getByRole('button', { name: 'Tạo chỉ tiêu' }));
  assert.equal(res.status(), 303);
  assert.equal(await text(off.locator('p.flash')), 'Đã tạo chỉ tiêu');
  assert.match(await text(off.locator('#def-dept_open_datasets')), /Bộ dữ liệu mở đã công bố \(bộ\)/);
  assertNoProblems(off);
});

test('a rule that does not parse points at its column', async () => {
  await off.goto(`${srv.base}/indicators/rules`);
  const form = off.locator('form[aria-labelledby="new-rule"]');
  await form.getByLabel('Mã', { exact: true }).fill('open_datasets_max');
  await form.getByLabel(/^Quy tắc/).fill('dept_open_datasets <= * 500');
  await form.getByLabel('Khi vi phạm').selectOption('warning');
  await form.getByLabel('Thông báo bằng tiếng Việt').fill('Số bộ dữ liệu mở lớn bất thường');
  await form.getByLabel('Thông báo bằng tiếng Anh').fill('Unusually many open datasets');
  await form.getByLabel('Thông báo bằng tiếng Hindi').fill('असामान्य रूप से अधिक');
  const res = await submit(off, form.getByRole('button', { name: 'Tạo quy tắc' }));
  assert.equal(res.status(), 422);
  assert.match(await text(off.locator('#e-expression p')), /^Cột 23: /);
  assert.equal(await off.locator('pre.expr-caret').innerText(), 'dept_open_datasets <= * 500\n                      ^');
  await screenshot(off, 'indicators-rule-error.png');
  const again = off.locator('form[aria-labelledby="new-rule"]');
  assert.equal(await again.getByLabel('Khi vi phạm').inputValue(), 'warning');
  await again.getByLabel(/^Quy tắc/).fill('dept_open_datasets <= 500');
  assert.equal((await submit(off, again.getByRole('button', { name: 'Tạo quy tắc' }))).status(), 303);
  assert.match(await text(off.locator('#rule-open_datasets_max')), /dept_open_datasets <= 500/);
  assertNoProblems(off, ['422 POST /indicators/rules']);
});

test('the index form keeps the running total of points as they are typed', async () => {
  await off.setViewportSize({ width: 1280, height: 900 });
  await off.goto(`${srv.base}/indexes/new`);
  const row = (n, part) => off.locator(`#f-crit-${n}-${part}`);
  await row(1, 'code').fill('A');
  await row(1, 'name_vi').fill('Dữ liệu mở');
  await row(1, 'points').fill('1.000');
  await row(2, 'code').fill('A1');
  await row(2, 'points').fill('600');
  await row(2, 'indicator').selectOption('dept_open_datasets');
  await row(3, 'code').fill('A2');
  await row(3, 'points').fill('250,5');
  assert.equal(await text(off.locator('[data-total-mains]')), '1.000');
  assert.equal(await text(off.locator('tr[data-row]').first().locator('[data-subs]')), 'tiêu chí thành phần: 850,5');
  await row(3, 'points').fill('400');
  assert.equal(await text(off.locator('tr[data-row]').first().locator('[data-subs]')), 'tiêu chí thành phần: 1.000');
  const before = await off.locator('tr[data-row]').count();
  await off.getByRole('button', { name: 'Thêm dòng' }).click();
  assert.equal(await off.locator('tr[data-row]').count(), before + 1);
  await screenshot(off, 'indicators-index-form.png');
  // the rest of the index, and it is created: A2 goes, A1 takes all the points by rank
  await off.getByLabel('Mã', { exact: true }).fill('DL-MO');
  await off.getByLabel('Tên tiếng Việt', { exact: true }).fill('Chỉ số dữ liệu mở');
  await off.getByLabel('Tên tiếng Anh', { exact: true }).fill('Open data index');
  await off.getByLabel('Tên tiếng Hindi', { exact: true }).fill('खुला डेटा सूचकांक');
  await pickOption(off.locator('#index-form'), 'Phạm vi: xếp hạng các đơn vị trực thuộc', 'Tỉnh Sơn La', /^Tỉnh Sơn La/);
  await off.getByLabel('Chỉ các đơn vị thuộc loại này').selectOption('department');
  await row(2, 'points').fill('1.000');
  await row(2, 'method').selectOption('rank');
  await row(3, 'code').fill('');
  await row(3, 'points').fill('');
  for (const p of ['name_en', 'name_hi']) { await row(1, p).fill('Open data'); await row(2, p).fill('Datasets'); }
  await row(2, 'name_vi').fill('Bộ dữ liệu mở');
  const res = await submit(off, off.getByRole('button', { name: 'Tạo bộ chỉ số' }));
  assert.equal(res.status(), 303);
  assert.equal(await text(off.locator('p.flash')), 'Đã tạo bộ chỉ số');
  assert.equal(await text(off.locator('h1')), 'Chỉ số dữ liệu mở · 2025');
  assertNoProblems(off);
  // on a phone each criterion is a card with its labels
  await off.setViewportSize({ width: 390, height: 844 });
  await off.goto(`${srv.base}/indexes/new`);
  await fitsPhone(off);
  assert.equal(await off.getByText('Điểm, dòng 1', { exact: true }).isVisible(), true);
  assertNoProblems(off);
});

test("the department's reporter enters a value for the new indicator", async () => {
  await rep.goto(`${srv.base}/indicators`);
  const row = rep.locator('#row-dept_open_datasets');
  await row.locator('input[name="v.dept_open_datasets"]').fill('1.250');
  const res = await submit(rep, rep.getByRole('button', { name: 'Lưu số liệu' }));
  assert.equal(res.status(), 303);
  // saved, and the officer's new rule (at most 500) warns
  assert.equal(await text(rep.locator('p.flash')), 'Đã lưu số liệu, có cảnh báo: Bộ dữ liệu mở đã công bố: Số bộ dữ liệu mở lớn bất thường');
  assert.equal(await text(rep.locator('[data-figure="dept_open_datasets"]')), '1.250\u00a0bộ'); // with its unit of measure
  assertNoProblems(rep);
});

test('the officer adds it to the public dashboard with a checkbox; the dashboard shows it without login', async () => {
  await off.goto(`${srv.base}/indicators/dashboard`);
  await clickAndWait(off, off.locator('#saved-dashboards').getByRole('link', { name: /^Sửa/ }).first());
  assert.equal(await off.getByLabel('Công khai: ai cũng xem được, không cần đăng nhập').isChecked(), true);
  await off.getByRole('checkbox', { name: /^Bộ dữ liệu mở đã công bố/ }).check();
  await fitsPhone(off);
  await screenshot(off, 'indicators-dashboard-form.png');
  const res = await submit(off, off.getByRole('button', { name: 'Lưu bảng điều hành' }));
  assert.equal(res.status(), 303);
  assert.equal(new URL(off.url()).pathname, '/public/indicators/son-la');
  assertNoProblems(off);
  await anon.goto(`${srv.base}/public/indicators/son-la`);
  assert.match(await text(anon.locator('[data-figure="dept_open_datasets"]')), /^1\.250 bộ/);
  assertNoProblems(anon);
  // in English, the unit of measure typed for English
  const en = await fetch(`${srv.base}/public/indicators/son-la`, { headers: { 'Accept-Language': 'en' } });
  assert.match(await en.text(), /data-figure="dept_open_datasets">1,250 <small>datasets<\/small>/);
});

test('the new index ranks the department that entered the value first', async () => {
  await off.goto(`${srv.base}/indicators`);
  await clickAndWait(off, off.getByRole('link', { name: 'Chỉ số dữ liệu mở' }));
  const first = off.locator('table.ranking tbody tr').first();
  assert.equal(await text(first.locator('th')), 'Sở Thông tin và Truyền thông');
  assert.equal(await text(first.locator('td').nth(1)), '1.000');
  assertNoProblems(off);
});
