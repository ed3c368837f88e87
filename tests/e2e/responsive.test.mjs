// Phones: at 390 px every key page fits the screen (no sideways scrolling),
// the header folds into a menu that works without JavaScript, wide tables
// scroll inside their own box, forms are one column and touch targets are at
// least 44 px. Every page is also shot at 1280 px (build/e2e-shots, or
// docs/img with SCREENSHOTS=docs).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../lib/server.mjs';
import { demoServer, launch, screenshot, assertNoProblems } from './browser.mjs';
import { sql as dbSql } from '../http/_util.mjs';

let env, srv, browser;
const pages = [];   // [name, path]

before(async () => {
  ({ env, srv } = await demoServer());
  browser = await launch();
  const api = new Client(srv.base);
  await api.login('admin', env.adminPassword);
  const unit = (await api.get('/api/v1/units?q=QN-QUANGYEN')).data.items.find((u) => u.code === 'QN-QUANGYEN');
  const person = (await api.get(`/api/v1/people?under=${unit.id}&limit=1`)).data.items[0];
  const mv = (await api.get('/api/v1/movements/DVK2024')).data;
  const model = (await api.get(`/api/v1/movements/${mv.id}/models?limit=1&q=DVK24-001`)).data.items[0];
  pages.push(
    ['home', '/'], ['units', '/units'], ['unit', `/units/${unit.id}`], ['people', '/people'], ['person', `/people/${person.id}`],
    ['movements', '/movements'], ['movement', `/movements/${mv.id}`], ['models', `/movements/${mv.id}/models`],
    ['model', `/models/${model.id}`], ['dashboard', `/movements/${mv.id}/dashboard`], ['movement-new', '/movements/new'],
    ['typical', '/typical'],
  );
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// A context of the given width, logged in as the admin through the form.
async function phone(width, { js = true, login = true } = {}) {
  const context = await browser.newContext({ locale: 'vi-VN', viewport: { width, height: 844 }, javaScriptEnabled: js, hasTouch: width < 500 });
  context.setDefaultTimeout(5000);
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push('page error: ' + e.message));
  page.on('response', (r) => { if (r.status() >= 400) page.problems.push(`${r.status()} ${new URL(r.url()).pathname}`); });
  if (login) {
    await page.goto(srv.base + '/login');
    await page.getByLabel('Tên đăng nhập').fill('admin');
    await page.getByLabel('Mật khẩu').fill(env.adminPassword);
    await Promise.all([page.waitForURL(srv.base + '/'), page.getByRole('button', { name: 'Đăng nhập' }).click()]);
  }
  return { context, page };
}

const sideways = (page) => page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: innerWidth }));

// Visible controls a finger must hit that are less than 44 px tall, as "tag text height".
const smallTargets = (page) => page.evaluate(() => {
  const out = [];
  const sel = 'header a, header button, header select, header summary, main button, main select, main input:not([type="hidden"]):not([type="checkbox"]):not([type="radio"]), main a.button, .pager a';
  for (const el of document.querySelectorAll(sel)) {
    const b = el.getBoundingClientRect();
    if (b.width === 0 || b.height === 0) continue; // not shown (the folded menu)
    if (el.closest('[aria-hidden="true"], .sr')) continue; // not for fingers: the form's hidden default button
    if (b.height < 43.5) out.push(`${el.tagName.toLowerCase()} ${(el.textContent || el.name || '').trim().slice(0, 30)} ${b.height}`);
  }
  return out;
});

test('at 390 px the key pages fit the screen and their controls are big enough to touch', async () => {
  const { context, page } = await phone(390);
  try {
    for (const [name, path] of [['login', null], ...pages]) {
      if (path === null) {
        const anon = await phone(390, { login: false });
        await anon.page.goto(srv.base + '/login');
        assert.deepEqual(await sideways(anon.page), { scroll: 390, width: 390 }, 'login');
        assert.deepEqual(await smallTargets(anon.page), [], 'login');
        await screenshot(anon.page, 'phone-login.png');
        await anon.context.close();
        continue;
      }
      const res = await page.goto(srv.base + path);
      assert.equal(res.status(), 200, path);
      assert.deepEqual(await sideways(page), { scroll: 390, width: 390 }, `${path} scrolls sideways`);
      assert.deepEqual(await smallTargets(page), [], path);
      assert.match(await page.title(), / — thidua$/, path);
      await screenshot(page, `phone-${name}.png`);
    }
    assertNoProblems(page);
  } finally {
    await context.close();
  }
});

// Tables that hold screen-reader-only text (.sr, absolutely placed): on a
// phone the table scrolls in its box and that text stays inside it; it once
// widened /rules to 669 px, a decision to 826 and a cluster's year to 674.
test('at 390 px the pages of rules, a decision and a cluster year do not scroll sideways', async () => {
  const one = (q) => Number(dbSql(env.db, q));
  const decision = one("SELECT id FROM decisions WHERE number = '3125/QĐ-UBND'");
  const cluster = one("SELECT id FROM clusters WHERE code = 'CUM-BTB'");
  const { context, page } = await phone(390);
  try {
    for (const path of ['/rules', `/decisions/${decision}`, `/clusters/${cluster}/years/2023`]) {
      const res = await page.goto(srv.base + path);
      assert.equal(res.status(), 200, path);
      assert.deepEqual(await sideways(page), { scroll: 390, width: 390 }, `${path} scrolls sideways`);
    }
  } finally {
    await context.close();
  }
});

// A chart is drawn 640 units wide with labels of 11: shrunk to a phone's
// 358 px its labels were 6 px. On a phone it keeps 560 px (labels of 9.6 px)
// in a box of its own that scrolls sideways, a region the keyboard reaches.
test('at 390 px a chart keeps labels that can be read, and scrolls in its own box', async () => {
  const one = (q) => Number(dbSql(env.db, q));
  const mv = one("SELECT id FROM movements WHERE code = 'DVK2024'");
  const programme = one("SELECT id FROM task_programmes WHERE code = 'NQ57-CAMAU'");
  const cluster = one("SELECT id FROM clusters WHERE code = 'CUM-BTB'");
  const { context, page } = await phone(390);
  try {
    for (const path of [`/movements/${mv}/dashboard`, `/programmes/${programme}`, `/clusters/${cluster}/years/2023`]) {
      const res = await page.goto(srv.base + path);
      assert.equal(res.status(), 200, path);
      assert.deepEqual(await sideways(page), { scroll: 390, width: 390 }, `${path} scrolls sideways`);
      const boxes = await page.locator('.chart-scroll').evaluateAll((els) => els.map((box) => {
        const svg = box.querySelector('svg.chart');
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return {
          label: Math.round(11 * scale * 10) / 10, inside: box.getBoundingClientRect().right <= innerWidth,
          scrolls: box.scrollWidth > box.clientWidth, tab: box.tabIndex, region: box.getAttribute('role') === 'region' && !!box.getAttribute('aria-label'),
        };
      }));
      assert.ok(boxes.length >= 1, `${path}: no chart`);
      for (const b of boxes) assert.deepEqual(b, { label: 9.6, inside: true, scrolls: true, tab: 0, region: true }, path);
    }
  } finally {
    await context.close();
  }
});

test('at 1280 px the same pages fit too, with the menu open in the header', async () => {
  const { context, page } = await phone(1280);
  try {
    for (const [name, path] of pages) {
      await page.goto(srv.base + path);
      assert.deepEqual(await sideways(page), { scroll: 1280, width: 1280 }, path);
      // no "Menu" button on a wide screen: the links are in the header
      assert.equal(await page.locator('.menu > summary').isVisible(), false);
      assert.equal(await page.locator('header nav').getByRole('link', { name: 'Phong trào thi đua' }).isVisible(), true);
      await screenshot(page, `wide-${name}.png`);
    }
    assertNoProblems(page);
  } finally {
    await context.close();
  }
});

test('the header folds into a menu on a phone, and it opens without JavaScript', async () => {
  const { context, page } = await phone(390, { js: false });
  try {
    await page.goto(srv.base + '/units');
    const menu = page.locator('header .menu > summary');
    assert.equal(await menu.innerText(), 'Menu');
    assert.equal(await page.locator('header nav').getByRole('link', { name: 'Cán bộ' }).isVisible(), false);
    assert.equal(await page.getByRole('button', { name: 'Đăng xuất' }).isVisible(), false);
    // the closed header is one row: brand and the menu button
    const header = await page.locator('header.top').boundingBox();
    assert.ok(header.height <= 60, `header ${header.height} px tall`);
    await menu.click();
    assert.deepEqual(await page.locator('header nav a').allInnerTexts(), ['Trang chủ', 'Đơn vị', 'Cán bộ', 'Phong trào thi đua', 'Đề nghị khen thưởng', 'Quyết định khen thưởng', 'Khen thưởng', 'Xét điều kiện', 'Cụm, khối thi đua', 'Bỏ phiếu', 'Nhiệm vụ', 'Chỉ tiêu', 'Người dùng', 'Điển hình tiên tiến']);
    // the links are stacked, full width, each at least 44 px tall
    const boxes = await page.locator('header nav a').evaluateAll((as) => as.map((a) => a.getBoundingClientRect()).map((b) => [Math.round(b.width), b.height]));
    for (const [w, h] of boxes) { assert.ok(w >= 340, `link ${w} px wide`); assert.ok(h >= 44, `link ${h} px tall`); }
    assert.equal(await page.getByRole('button', { name: 'Đăng xuất' }).isVisible(), true);
    await screenshot(page, 'phone-menu.png');
    await Promise.all([page.waitForURL(srv.base + '/people'), page.locator('header nav').getByRole('link', { name: 'Cán bộ' }).click()]);
    assert.equal(await page.locator('header nav a[aria-current="page"]').textContent(), 'Cán bộ');
  } finally {
    await context.close();
  }
});

test('a wide table scrolls inside its own box; forms are one column, inputs full width', async () => {
  const { context, page } = await phone(390);
  try {
    const models = pages.find(([n]) => n === 'models')[1];
    await page.goto(srv.base + models);
    const t = await page.locator('table.list').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, overflow: getComputedStyle(el).overflowX }));
    assert.equal(t.overflow, 'auto');
    assert.ok(t.scroll > t.client, `the models table is wider than its box (${t.scroll} > ${t.client})`);
    assert.ok(t.client <= 366, `the box fits the screen (${t.client})`);
    // the first column stays readable
    const first = await page.locator('table.list tbody tr:first-child td.title').boundingBox();
    assert.ok(first.width >= 150, `the model's title is ${first.width} px wide`);

    await page.goto(srv.base + '/movements/new');
    const form = await page.locator('form.card').boundingBox();
    for (const label of ['Mã', 'Tên gọi', 'Loại']) {
      const box = await page.getByLabel(label, { exact: true }).boundingBox();
      assert.ok(Math.abs(box.width - (form.width - 26)) <= 2, `${label}: ${box.width} px in a form of ${form.width}`);
    }
    const submit = await page.getByRole('button', { name: 'Tạo bản dự thảo' }).boundingBox();
    assert.ok(submit.width >= form.width - 30, 'the button spans the form');
    // the search row stacks: the box, then the select, then the button, one under the other
    await page.goto(srv.base + '/movements');
    const [q, stage, go] = await Promise.all([page.getByLabel('Tìm phong trào'), page.getByLabel('Giai đoạn'), page.getByRole('button', { name: 'Tìm kiếm' })].map((l) => l.boundingBox()));
    assert.ok(q.y < stage.y && stage.y < go.y, 'stacked');
    assert.ok(q.width >= 360 && stage.width >= 360 && go.width >= 360, 'full width');
    // a stage badge never breaks over two lines
    const heights = await page.locator('table.list .stage').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    assert.ok(heights.length >= 10);
    for (const h of heights) assert.ok(h < 26, `a stage badge ${h} px tall`);
  } finally {
    await context.close();
  }
});

test('buttons look like buttons and focus stays visible', async () => {
  const { context, page } = await phone(1280);
  try {
    const mv = pages.find(([n]) => n === 'movement')[1];
    await page.goto(srv.base + mv);
    // the action row: every action is drawn as a button, not a bare link
    const actions = await page.locator('p.actions a').evaluateAll((as) => as.map((a) => {
      const s = getComputedStyle(a);
      return [a.innerText.trim(), s.display, s.borderTopStyle, s.textDecorationLine, a.getBoundingClientRect().height >= 44];
    }));
    assert.deepEqual(actions.map((a) => a.slice(1)), actions.map(() => ['flex', 'solid', 'none', true]));
    assert.equal(actions[0][0], 'Bảng tổng hợp');
    // primary and danger colours
    await page.goto(srv.base + '/movements/new');
    const primary = await page.getByRole('button', { name: 'Tạo bản dự thảo' }).evaluate((b) => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]);
    assert.deepEqual(primary, ['rgb(163, 21, 27)', 'rgb(255, 255, 255)']);
    // keyboard focus draws the yellow outline
    await page.getByLabel('Mã', { exact: true }).focus();
    const outline = await page.getByLabel('Mã', { exact: true }).evaluate((el) => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; });
    assert.deepEqual(outline, ['solid', '3px', 'rgb(242, 180, 0)']);
    assertNoProblems(page);
  } finally {
    await context.close();
  }
});
