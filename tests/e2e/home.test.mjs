// The home page as the demo's people use it: the Quảng Yên reporter on a
// phone follows what their units must do; the country-wide officer finds the
// draft waiting; the language switch keeps the page and its filters.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../lib/server.mjs';
import { demoServer, launch, newPage, loginForm, screenshot, clickAndWait, text, assertNoProblems } from './browser.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, browser, ids = {};

before(async () => {
  ({ env, srv } = await demoServer());
  browser = await launch();
  const api = new Client(srv.base);
  await api.login('admin', env.adminPassword);
  for (const code of ['TTG-XHHT', 'DVK2026', 'DVK2027', 'DVK2024']) ids[code] = (await api.get('/api/v1/movements/' + code)).data.id;
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// The tiles of the home page as { label: number as shown }.
const tiles = (page) => page.locator('ul.stats li').evaluateAll((lis) => Object.fromEntries(lis.map((li) => [li.querySelector('span').textContent.trim(), li.querySelector('strong').textContent.trim()])));

async function phone(login) {
  const { context, page } = await newPage(browser);
  await page.setViewportSize({ width: 390, height: 844 });
  await loginForm(page, srv.base, login, env.demoUsers[login].password);
  return { context, page };
}

test('on a phone the Quảng Yên reporter sees what the units must do and follows it', async () => {
  const { context, page } = await phone('quangyen.reporter');
  try {
    const today = officeDay(0); // when asked: a run may cross midnight (UTC+7)
    const movements = [['DVK2026', '2026-12-31'], ['TTG-XHHT', '2030-12-31']].filter(([, by]) => by >= today);
    const open = movements.map(([c]) => c);
    // a deadline within 30 days (from 1 December, the demo's 31/12) is marked too
    const soon = movements.some(([, by]) => by <= officeDay(30));
    assert.equal(await text(page.locator('h1')), 'Xin chào, Báo cáo viên Quảng Yên');
    assert.deepEqual(await page.locator('main h2').allInnerTexts(), ['Việc đơn vị của bạn cần làm', 'Trong phạm vi của bạn', 'Vai trò của bạn']);
    const t = await tiles(page);
    assert.equal(t['phong trào cần đăng ký'], String(open.length));
    assert.equal(t['mô hình chờ báo cáo tiến độ'], '0');
    assert.equal(t['phong trào đang mở'], '2');
    // the counts that wait are marked, the ones at zero are not
    assert.deepEqual(await page.locator('ul.stats li.todo').evaluateAll((lis) => lis.map((li) => li.id)),
      [...(open.length ? ['home-to-register'] : []), ...(soon ? ['home-deadlines'] : [])]);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
    await screenshot(page, 'home-reporter-phone.png');
    // the list names each movement with its deadline
    const items = await page.locator('#to-register + ul.worklist li').allInnerTexts();
    assert.equal(items.length, open.length);
    if (open[0] === 'DVK2026') assert.match(items[0], /^Phong trào thi đua “Dân vận khéo” năm 2026 DVK2026\s+Hạn đăng ký 31\/12\/2026 · /);
    // the count leads to the list it counts
    await clickAndWait(page, page.locator('#home-to-register a'));
    if (open.length === 1) assert.equal(page.url(), `${srv.base}/movements/${ids[open[0]]}`);
    else {
      assert.equal(page.url(), srv.base + '/movements?status=launched&mine=1');
      assert.equal(await text(page.locator('p.total')), '2 phong trào');
      assert.equal(await page.getByLabel('Giai đoạn').inputValue(), 'launched');
      assert.equal(await page.getByLabel('Chỉ những phong trào liên quan đến đơn vị của tôi').isChecked(), true);
    }
    await page.goBack();
    await clickAndWait(page, page.locator('#to-register + ul.worklist a').first());
    assert.equal(page.url(), `${srv.base}/movements/${ids[open[0]]}`);
    assertNoProblems(page);
  } finally {
    await context.close();
  }
});

test('the country-wide officer finds the 2027 draft waiting and opens it from the home page', async () => {
  const { context, page } = await newPage(browser);
  try {
    await loginForm(page, srv.base, 'tw.officer', env.demoUsers['tw.officer'].password);
    assert.equal(await page.title(), 'Trang chủ — thidua');
    const t = await tiles(page);
    assert.deepEqual([t['đăng ký mới trong 14 ngày qua'], t['mô hình chờ đánh giá'], t['mô hình 30 ngày chưa báo cáo'], t['dự thảo chưa phát động']], ['0', '0', '0', '1']);
    await screenshot(page, 'home-officer.png');
    await clickAndWait(page, page.locator('#home-drafts a'));
    assert.equal(page.url(), srv.base + '/movements?status=draft');
    assert.deepEqual(await page.locator('table.list tbody td:first-child a').allInnerTexts(), ['Phong trào thi đua “Dân vận khéo” năm 2027']);
    await page.goBack();
    await clickAndWait(page, page.locator('#drafts + ul.worklist a'));
    assert.equal(page.url(), `${srv.base}/movements/${ids.DVK2027}`);
    assertNoProblems(page);
  } finally {
    await context.close();
  }
});

test('the admin sees the system: units, people, users, the audit chain and movements by stage', async () => {
  const { context, page } = await newPage(browser);
  try {
    await loginForm(page, srv.base, 'admin', env.adminPassword);
    const t = await tiles(page);
    assert.equal(t['người dùng'], '20'); // admin, 4 demo users, the 6 representatives who vote (votes_demo.c), the 6 signers of the cluster agreement (clusters_demo.c), seed 003's camau.officer and camau.skhcn, sonla.stttt.reporter (indicators)
    assert.match(t['dung lượng cơ sở dữ liệu'], /^\d+(,\d)? MB$/);
    assert.deepEqual(await page.locator('ul.stages li').allInnerTexts(), ['Dự thảo 1', 'Đã phát động 2', 'Đang bình xét 0', 'Đã kết thúc 14']);
    await screenshot(page, 'home-admin.png');
    await clickAndWait(page, page.locator('#home-stage-closed a'));
    assert.equal(page.url(), srv.base + '/movements?status=closed');
    assert.equal(await text(page.locator('p.total')), '14 phong trào');
    assertNoProblems(page);
  } finally {
    await context.close();
  }
});

test('changing the language on a phone keeps the page and its filter', async () => {
  const { context, page } = await phone('quangyen.reporter');
  try {
    const where = `${srv.base}/movements/${ids.DVK2024}/dashboard?field=economy`;
    await page.goto(where);
    assert.equal(await page.getByLabel('Lĩnh vực', { exact: true }).inputValue(), 'economy');
    await page.locator('header .menu > summary').click();
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    await Promise.all([page.waitForURL(where), page.waitForEvent('load'), page.getByRole('button', { name: 'Đổi' }).click()]);
    assert.equal(page.url(), where);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.getByLabel('Field', { exact: true }).inputValue(), 'economy');
    assert.equal(await page.title(), 'Phong trào thi đua “Dân vận khéo” năm 2024 · Dashboard — thidua');
    assertNoProblems(page);
  } finally {
    await context.close();
  }
});
