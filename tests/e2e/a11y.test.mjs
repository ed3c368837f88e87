// Keyboard and screen-reader smoke test: every form control has a label, and
// the "skip to content" link is the first thing the Tab key reaches.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoServer, launch, newPage, loginForm, clickAndWait, resultLink, text, assertNoProblems } from './browser.mjs';

let env, srv, browser, page;

before(async () => {
  ({ env, srv } = await demoServer());
  browser = await launch();
  ({ page } = await newPage(browser));
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// Controls a person can reach without a label naming them, as "tag#id name=...".
function unlabelled() {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('input, select, textarea')) {
      if (el.type === 'hidden') continue;
      const named = [...el.labels].some((l) => l.textContent.trim() !== '');
      if (!named) out.push(`${el.tagName.toLowerCase()}#${el.id} name=${el.name}`);
    }
    return out;
  });
}

// Ids used more than once (a label's for= then points at the first only).
function duplicateIds() {
  return page.evaluate(() => {
    const seen = new Map();
    for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) || 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  });
}

// The first focusable element in document order, and what Tab reaches first.
async function skipLinkFirst() {
  const first = await page.evaluate(() => {
    const sel = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    const el = [...document.querySelectorAll(sel)].find((e) => !e.disabled);
    return el && el.outerHTML;
  });
  assert.equal(first, '<a class="skip" href="#main">Chuyển đến nội dung</a>');
  // off screen until focused, then visible in the corner
  assert.ok((await page.locator('a.skip').boundingBox()).x < 0);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.outerHTML), first);
  const box = await page.locator('a.skip').boundingBox();
  assert.ok(box.x >= 0 && box.y >= 0, JSON.stringify(box));
  // following it moves to the content (the caller checks where Tab goes next)
  await page.keyboard.press('Enter');
  await page.waitForURL(/#main$/);
  assert.equal(await page.evaluate(() => location.hash), '#main');
}

test('the login page: labels and the skip link', async () => {
  await page.goto(srv.base + '/login');
  assert.deepEqual(await unlabelled(), []);
  assert.deepEqual(await duplicateIds(), []);
  await skipLinkFirst();
  // after the skip link, Tab goes into the content, not back to the header
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'login');
});

test('the home, units and unit pages: labels and the skip link', async () => {
  await loginForm(page, srv.base, 'admin', env.adminPassword);
  assert.deepEqual(await unlabelled(), []);
  assert.deepEqual(await duplicateIds(), []);
  await page.goto(srv.base + '/units?q=quang+yen');
  assert.deepEqual(await unlabelled(), []);
  assert.deepEqual(await duplicateIds(), []);
  await clickAndWait(page, resultLink(page, 'Thị xã Quảng Yên'));
  assert.equal(await text(page.locator('h1')), 'Thị xã Quảng Yên');
  // the unit page has the most controls: header, edit, move and deactivate forms
  assert.ok((await page.locator('main input:not([type="hidden"]), main select').count()) >= 4);
  assert.deepEqual(await unlabelled(), []);
  assert.deepEqual(await duplicateIds(), []);
  await skipLinkFirst();
  await page.keyboard.press('Tab');
  // the first link of the content is the first crumb
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Đơn vị');
  assert.equal(await page.evaluate(() => !!document.activeElement.closest('nav.crumbs')), true);
});

test('the people pages: labels', async () => {
  await page.goto(srv.base + '/people?q=nguyen');
  assert.deepEqual(await unlabelled(), []);
  assert.deepEqual(await duplicateIds(), []);
  await page.goto(srv.base + '/units?q=QN-QUANGYEN');
  await clickAndWait(page, resultLink(page, 'Thị xã Quảng Yên'));
  await clickAndWait(page, page.getByRole('link', { name: 'Thêm cán bộ' }));
  assert.deepEqual(await unlabelled(), []);
  assert.deepEqual(await duplicateIds(), []);
  assertNoProblems(page);
});

test('without JavaScript the language form works with its button', async () => {
  const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 800 }, javaScriptEnabled: false });
  try {
    const p = await context.newPage();
    await p.goto(srv.base + '/login');
    await p.getByLabel('Ngôn ngữ').selectOption('en'); // nothing happens by itself
    assert.equal(await p.getAttribute('html', 'lang'), 'vi');
    await Promise.all([p.waitForEvent('load'), p.getByRole('button', { name: 'Đổi' }).click()]);
    assert.equal(p.url(), srv.base + '/login');
    assert.equal(await p.getAttribute('html', 'lang'), 'en');
    assert.equal((await p.locator('h1').innerText()).trim(), 'Log in');
    assert.deepEqual(await p.locator('label:not(.sr)').allInnerTexts(), ['Login', 'Password']);
  } finally {
    await context.close();
  }
});
