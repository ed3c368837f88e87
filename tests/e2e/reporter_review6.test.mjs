// Review 6B: a department's reporter enters indicator values on a phone
// (390 px). Each indicator is a card: the entry boxes fit the screen (they
// were cut by its edge in a table 786 px wide scrolled in a 366 px box), and
// the figure, target and status are labelled.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoServer, launch, newPage, loginForm, assertNoProblems } from './browser.mjs';

let env, srv, browser, page;

before(async () => {
  ({ env, srv } = await demoServer());
  browser = await launch();
  ({ page } = await newPage(browser));
  await page.setViewportSize({ width: 390, height: 844 });
  await loginForm(page, srv.base, 'sonla.stttt.reporter', env.demoUsers['sonla.stttt.reporter'].password);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('the indicator entry fits a 390 px phone: one card per indicator, its boxes inside the screen', async () => {
  await page.goto(srv.base + '/indicators');
  const wrap = page.locator('.table-wrap:has(> table.list.indicators)');
  assert.deepEqual(await wrap.evaluate((w) => [w.scrollWidth, w.clientWidth]), [366, 366]);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
  const boxes = await page.locator('table.list.indicators input:not([type=hidden])').evaluateAll((es) => es.map((e) => {
    const b = e.getBoundingClientRect();
    return [Math.round(b.left), Math.round(b.right)];
  }));
  assert.ok(boxes.length > 40, `${boxes.length} boxes`);
  assert.deepEqual(boxes.filter(([l, rt]) => l < 0 || rt > 390), []);
  // a plain indicator's value box spans the card
  const box = await page.locator('#v-dept_ioc_datasets').boundingBox();
  assert.deepEqual([Math.round(box.x), Math.round(box.width)], [24, 342]);
  // the other columns are labelled in the card
  const row = page.locator('#row-dept_ioc_datasets');
  assert.deepEqual(await row.locator('td[data-label]').evaluateAll((tds) => tds.map((td) => getComputedStyle(td, '::before').content)),
    ['"Số liệu (đơn vị và cấp dưới): "', '"Chỉ tiêu kế hoạch: "', '"Trạng thái: "']);
  assertNoProblems(page);
});
