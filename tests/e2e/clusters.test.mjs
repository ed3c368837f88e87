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

let env, srv, browser, yearUrl;

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  const admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  await mkUnit(admin, 'HD-TW', 'Hội đồng Thi đua – Khen thưởng Trung ương', 'central');
  for (const [code, name] of [['P-A', 'Tỉnh An'], ['P-B', 'Tỉnh Bình'], ['P-C', 'Tỉnh Cường']]) await mkUnit(admin, code, name, 'province');
  addUser(env.db, 'a.reporter', 'reporter', 'P-A');
  const c = await admin.post('/api/v1/clusters', { json: { code: 'CUM-E2E', name: 'Cụm thi đua thử', kind: 'cluster', organiser_code: 'HD-TW' } });
  const y = await admin.post(`/api/v1/clusters/${c.data.id}/years`, { json: { year: 2024, members: ['P-A', 'P-B', 'P-C'], leader: 'P-A', deputy: 'P-B' } });
  await admin.req('PUT', `/api/v1/clusters/${c.data.id}/years/2024/criteria`, { json: { version: y.data.version, criteria: [
    { code: 'I', title: 'Nhiệm vụ chính trị', kind: 'group' },
    { code: '1.1', title: 'Tăng trưởng kinh tế', kind: 'score', max: 10, parent: 'I' },
    { code: '1.2', title: 'Thu ngân sách', kind: 'score', max: 10, parent: 'I' },
    { code: 'P1', title: 'Vi phạm', kind: 'penalty', max: 5 },
  ] } });
  yearUrl = `${srv.base}/clusters/${c.data.id}/years/2024`;
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
