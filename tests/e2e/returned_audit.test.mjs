// On a phone (390 px): the administrator follows the home page's link to
// every completion returned for correction and opens one; on the audit log
// page checks the chain with one click.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoServer, launch, phonePage, loginForm, text, assertNoProblems } from './browser.mjs';

let env, srv, browser;

before(async () => {
  ({ env, srv } = await demoServer());
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

const phone = () => phonePage(browser);

test('from the home page to every returned completion, then to one of them', async () => {
  const page = await phone();
  await loginForm(page, srv.base, 'admin', env.adminPassword);
  const section = page.locator('#home-returned-tasks');
  assert.equal(await section.locator('li').count(), 8);
  await Promise.all([page.waitForURL(`${srv.base}/tasks/returned`), section.getByRole('link', { name: 'Mọi báo cáo hoàn thành bị trả lại (30)' }).click()]);
  assert.equal(await text(page.locator('h1')), 'Bị trả lại, chờ báo cáo lại');
  assert.equal(await page.locator('main li[id^="home-returned-"]').count(), 30);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
  const first = page.locator('main li[id^="home-returned-"]').first();
  const code = await text(first.locator('.code'));
  await Promise.all([page.waitForURL(/\/tasks\/\d+$/), first.getByRole('link').click()]);
  assert.ok((await text(page.locator('main'))).includes(code));
  assert.equal(await page.locator('#task-returned').count(), 1);
  assertNoProblems(page);
});

test('the audit log\'s chain checked with one click', async () => {
  const page = await phone();
  await loginForm(page, srv.base, 'admin', env.adminPassword);
  await page.goto(`${srv.base}/audit`);
  await Promise.all([page.waitForURL(`${srv.base}/audit/verify`), page.getByRole('link', { name: 'Kiểm tra chuỗi ngay' }).click()]);
  assert.match(await text(page.getByRole('status')), /^Chuỗi nhật ký nguyên vẹn: [\d.]+ mục đã kiểm tra, không mục nào bị sửa, xóa hay thêm ngoài ứng dụng\.$/);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
  assertNoProblems(page);
});
