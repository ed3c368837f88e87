// A member scores another in the browser: the reporter of Tỉnh An opens the
// year's page, follows "Chấm điểm" to Tỉnh Bình, types the points the
// Vietnamese way and sees the running total change as she types (penalty
// points subtracted), saves, submits, and the card is locked; the page
// shows the card submitted in the scoring matrix.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, addUser, startServer, Client, testPassword } from '../lib/server.mjs';
import { mkUnit } from '../http/_util.mjs';
import { launch, newPage, loginForm, submit, text, screenshot, assertNoProblems } from './browser.mjs';

let env, srv, browser, yearUrl, editUrl;

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  const admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  await mkUnit(admin, 'HD-TW', 'Hội đồng Thi đua – Khen thưởng Trung ương', 'central');
  for (const [code, name] of [['P-A', 'Tỉnh An'], ['P-B', 'Tỉnh Bình'], ['P-C', 'Tỉnh Cường']]) await mkUnit(admin, code, name, 'province');
  addUser(env.db, 'a.reporter', 'reporter', 'P-A');
  addUser(env.db, 'tw.officer', 'officer', 'HD-TW');
  const c = await admin.post('/api/v1/clusters', { json: { code: 'CUM-E2E', name: 'Cụm thi đua thử', kind: 'cluster', organiser_code: 'HD-TW' } });
  const y = await admin.post(`/api/v1/clusters/${c.data.id}/years`, { json: { year: 2024, members: ['P-A', 'P-B', 'P-C'], leader: 'P-A', deputy: 'P-B' } });
  await admin.req('PUT', `/api/v1/clusters/${c.data.id}/years/2024/criteria`, { json: { version: y.data.version, criteria: [
    { code: 'I', title: 'Nhiệm vụ chính trị', kind: 'group' },
    { code: '1.1', title: 'Tăng trưởng kinh tế', kind: 'score', max: 10, parent: 'I' },
    { code: '1.2', title: 'Thu ngân sách', kind: 'score', max: 10, parent: 'I' },
    { code: 'P1', title: 'Vi phạm', kind: 'penalty', max: 5 },
  ] } });
  yearUrl = `${srv.base}/clusters/${c.data.id}/years/2024`;
  // a second year, not scored yet, whose sheet the organiser edits
  const y25 = await admin.post(`/api/v1/clusters/${c.data.id}/years`, { json: { year: 2025 } });
  assert.equal(y25.status, 201, y25.text);
  editUrl = `${srv.base}/clusters/${c.data.id}/years/2025`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('a member scores another and sees the running total while typing', async () => {
  const { context, page } = await newPage(browser);
  await loginForm(page, srv.base, 'a.reporter', testPassword('a.reporter'));
  await page.goto(yearUrl);
  await page.locator('#cards').getByRole('link', { name: 'Chấm điểm Tỉnh Bình' }).click();
  await page.waitForURL(/\/score\?scorer=\d+&target=\d+$/);
  assert.equal(await text(page.locator('h1')), 'Tỉnh An → Tỉnh Bình');
  const total = page.locator('#running-total');
  assert.equal(await text(total), '0');
  await page.locator('#p-1\\.1').fill('9,5');
  assert.equal(await text(total), '9,5');
  await page.locator('#p-1\\.2').fill('8,25');
  assert.equal(await text(total), '17,75');
  await page.locator('#p-P1').fill('1');
  assert.equal(await text(total), '16,75');
  await page.locator('#e-1\\.1').fill('Báo cáo KT-XH năm 2024');
  await screenshot(page, 'cluster-scorecard.png');
  await submit(page, page.getByRole('button', { name: 'Lưu' }));
  assert.equal(await text(page.locator('#card-status')), 'nháp');
  assert.equal(await text(total), '16,75');
  page.once('dialog', (d) => d.accept());
  await submit(page, page.getByRole('button', { name: 'Nộp phiếu' }));
  assert.equal(await text(page.locator('#card-status')), 'đã nộp');
  assert.equal(await page.locator('#p-1\\.1').getAttribute('readonly'), '');
  assert.equal(await page.getByRole('button', { name: 'Lưu' }).count(), 0);
  await page.goto(yearUrl);
  assert.match(await text(page.locator('#cards tbody tr').first()), /Tỉnh An[\s\S]*16,75 ✓/);
  await screenshot(page, 'cluster-year.png');
  assertNoProblems(page);
  await context.close();
});

test('on a phone the organiser adds a criterion under a group and sees it in the tree and the total maximum change', async () => {
  const { context, page } = await newPage(browser);
  await page.setViewportSize({ width: 390, height: 844 });
  await loginForm(page, srv.base, 'tw.officer', testPassword('tw.officer'));
  await page.goto(editUrl);
  assert.equal(await text(page.locator('#criteria-total')), '20');
  const form = page.locator('#criterion-form');
  assert.equal(await text(form.locator('h3')), 'Thêm tiêu chí');
  await form.getByLabel('Thuộc nhóm').selectOption({ label: 'I Nhiệm vụ chính trị' });
  await form.getByLabel('Mã').fill('1.3');
  await form.getByLabel('Tiêu chí', { exact: true }).fill('Cải cách hành chính');
  await form.getByLabel('Điểm tối đa').fill('7,5');
  await form.getByLabel('Minh chứng yêu cầu').fill('Báo cáo CCHC');
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
  await screenshot(page, 'cluster-criterion-form.png');
  await submit(page, form.getByRole('button', { name: 'Thêm tiêu chí này' }));
  const rows = page.locator('#criteria tbody tr');
  assert.deepEqual(await rows.locator('td:first-child').allInnerTexts(), ['I', '1.1', '1.2', '1.3', 'P1']);
  assert.equal(await rows.nth(3).locator('td.depth-1').count(), 1);
  assert.equal(await text(rows.nth(0).locator('td.num')), '27,5');
  assert.equal(await text(page.locator('#criteria-total')), '27,5');
  // edited: its maximum lowered, then moved above 1.2
  await rows.nth(3).getByRole('link', { name: 'Sửa 1.3' }).click();
  await page.waitForURL(/\?edit=1\.3/);
  assert.equal(await form.getByLabel('Điểm tối đa').inputValue(), '7,5');
  await form.getByLabel('Điểm tối đa').fill('5');
  await submit(page, form.getByRole('button', { name: 'Lưu tiêu chí' }));
  await submit(page, page.locator('#criteria').getByRole('button', { name: 'Chuyển lên 1.3' }));
  assert.deepEqual(await rows.locator('td:first-child').allInnerTexts(), ['I', '1.1', '1.3', '1.2', 'P1']);
  assert.equal(await text(page.locator('#criteria-total')), '25');
  await screenshot(page, 'cluster-criteria-edited.png');
  assertNoProblems(page);
  await context.close();
});
