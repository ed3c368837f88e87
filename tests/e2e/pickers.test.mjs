// The picker as people use it: type part of a name without accents, arrow
// down, Enter, and the form carries the unit's id; the same forms without
// JavaScript (a plain select, or a search step that re-renders the page);
// the units of a movement as removable chips.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../lib/server.mjs';
import { demoServer, launch, newPage, loginForm, submit, clickAndWait, text, facts, assertNoProblems, pickOption } from './browser.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, browser, page, mv, ward;
const day = (offset) => officeDay(offset);

before(async () => {
  ({ env, srv } = await demoServer());
  // a movement open for registration, prepared by an officer through the API
  const officer = new Client(srv.base);
  await officer.login('tw.officer', env.demoUsers['tw.officer'].password);
  const r = await officer.post('/api/v1/movements', {
    json: {
      code: 'PICK-E2E', title: 'Phong trào thử bộ chọn', kind: 'regular', authority_code: 'QY-BDV',
      starts_on: day(-5), ends_on: day(100), register_by: day(20), scope: ['QN-QUANGYEN'], fields: ['economy'],
      metrics: [{ code: 'vnd', name: 'Kinh phí huy động', unit: 'VND', kind: 'amount' }],
    },
  });
  assert.equal(r.status, 201, r.text);
  mv = r.data;
  const l = await officer.post(`/api/v1/movements/${mv.id}/status`, { json: { status: 'launched', version: mv.version } });
  assert.equal(l.status, 200, l.text);
  ward = (await officer.get('/api/v1/units?q=QY-P-YENGIANG')).data.items.find((u) => u.code === 'QY-P-YENGIANG');
  browser = await launch();
  ({ page } = await newPage(browser));
  await loginForm(page, srv.base, 'quangyen.reporter', env.demoUsers['quangyen.reporter'].password);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('type "yen giang", arrow down, Enter: the hidden input holds the ward\'s id', async () => {
  await page.goto(`${srv.base}/movements/${mv.id}`);
  const form = page.locator('form[action$="/registrations"]');
  const box = form.getByRole('combobox', { name: 'Đơn vị' });
  assert.equal(await form.locator('select').count(), 0, 'the select became a combobox');
  await box.pressSequentially('yen giang');
  const list = form.getByRole('listbox');
  await list.getByRole('option').first().waitFor();
  // a slow machine may show the answer to "yen" first: wait for the answer to the whole text
  await page.waitForFunction(() => document.querySelectorAll('form[action$="/registrations"] [role=listbox] [role=option]').length === 2);
  assert.equal(await box.getAttribute('aria-expanded'), 'true');
  const options = await list.getByRole('option').allInnerTexts();
  assert.deepEqual(options.map((s) => s.replace(/\s+/g, ' ').trim()), [
    'Phường Yên Giang Thị xã Quảng Yên QY-P-YENGIANG',
    'Ủy ban MTTQ phường Yên Giang Phường Yên Giang QY-P-YENGIANG-MTTQ',
  ]);
  await box.press('ArrowDown');
  assert.equal(await box.getAttribute('aria-activedescendant'), await list.getByRole('option').first().getAttribute('id'));
  assert.equal(await list.getByRole('option').first().getAttribute('aria-selected'), 'true');
  await box.press('Enter');
  assert.equal(await form.locator('input[type=hidden][name=unit_id]').inputValue(), String(ward.id));
  assert.equal(await box.inputValue(), 'Phường Yên Giang — Thị xã Quảng Yên');
  assert.equal(await box.getAttribute('aria-expanded'), 'false');
  // Escape closes the list without choosing
  await box.fill('');
  await box.pressSequentially('quang yen');
  await list.getByRole('option').first().waitFor();
  await box.press('Escape');
  assert.equal(await list.isHidden(), true);
  assert.equal(await form.locator('input[type=hidden][name=unit_id]').inputValue(), '', 'a new text clears the old choice');
  // choose again and register
  await box.fill('');
  await box.pressSequentially('yen giang');
  await list.getByRole('option').first().waitFor();
  await page.waitForFunction(() => document.querySelectorAll('form[action$="/registrations"] [role=listbox] [role=option]').length === 2);
  await box.press('ArrowDown');
  await box.press('Enter');
  const res = await submit(page, form.getByRole('button', { name: 'Đăng ký' }));
  assert.equal(res.status(), 303);
  assert.deepEqual(await page.locator('section table.list tbody td:first-child a:first-of-type').allInnerTexts(), ['Phường Yên Giang']);
  assertNoProblems(page);
});

test('a registered ward is no longer offered for registration', async () => {
  await page.goto(`${srv.base}/movements/${mv.id}`);
  const form = page.locator('form[action$="/registrations"]');
  await form.getByRole('combobox').pressSequentially('yen giang');
  const list = form.getByRole('listbox');
  // the list first shows what focusing the box asked for; wait for the answer to the text typed
  await list.getByRole('option', { name: /MTTQ phường Yên Giang/ }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('form[action$="/registrations"] [role=listbox] [role=option]').length === 1);
  assert.deepEqual((await list.getByRole('option').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim()),
    ['Ủy ban MTTQ phường Yên Giang Phường Yên Giang QY-P-YENGIANG-MTTQ']);
  await form.getByRole('combobox').fill('khong co don vi nay');
  await list.getByText('Không có kết quả phù hợp').waitFor();
  assertNoProblems(page);
});

test('without JavaScript: a few choices are a select, many a search step', async () => {
  const context = await browser.newContext({ locale: 'vi-VN', javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const p = await context.newPage();
  await loginForm(p, srv.base, 'admin', env.adminPassword);
  // the model form of this movement: one registered unit, a select
  await p.goto(`${srv.base}/movements/${mv.id}/models`);
  const mform = p.locator('form[method=post][action$="/models"]');
  const sel = mform.getByLabel('Đơn vị đã đăng ký');
  assert.deepEqual((await sel.locator('option').allInnerTexts()).map((s) => s.trim()), ['—', 'Phường Yên Giang — Thị xã Quảng Yên']);
  // a new unit: the whole tree to choose from, so a search step
  await p.goto(srv.base + '/units/new');
  assert.equal(await p.locator('select[name=parent_id]').count(), 0);
  await p.getByLabel('Đơn vị cấp trên').fill('yen giang');
  await clickAndWait(p, p.getByRole('button', { name: 'Tìm' }));
  // the search step posts the form itself: it comes back with the matches
  assert.equal(p.url(), srv.base + '/units');
  const found = p.locator('select[name=parent_id]');
  assert.deepEqual((await found.locator('option').allInnerTexts()).map((s) => s.trim()),
    ['Phường Yên Giang — Thị xã Quảng Yên', 'Ủy ban MTTQ phường Yên Giang — Phường Yên Giang']);
  await found.selectOption({ label: 'Phường Yên Giang — Thị xã Quảng Yên' });
  await p.getByLabel('Mã', { exact: true }).fill('YG-TOCDS');
  await p.getByLabel('Tên', { exact: true }).fill('Tổ công nghệ số cộng đồng');
  await p.getByLabel('Loại', { exact: true }).selectOption({ label: 'Phòng, tổ, bộ phận' });
  await clickAndWait(p, p.getByRole('button', { name: 'Tạo' }));
  assert.equal((await facts(p))['Đơn vị cấp trên'], 'Phường Yên Giang');
  await context.close();
});

test('without JavaScript the search step keeps what was typed before it: a new unit, then a person of it', async () => {
  const context = await browser.newContext({ locale: 'vi-VN', javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const p = await context.newPage();
  await loginForm(p, srv.base, 'admin', env.adminPassword);
  // the code, name and kind first, the parent after: nothing typed is lost by the search
  await p.goto(srv.base + '/units/new');
  await p.getByLabel('Mã', { exact: true }).fill('YG-TOTHANHNIEN');
  await p.getByLabel('Tên', { exact: true }).fill('Tổ thanh niên tình nguyện');
  await p.getByLabel('Loại', { exact: true }).selectOption({ label: 'Phòng, tổ, bộ phận' });
  await p.getByLabel('Đơn vị cấp trên').fill('yen giang');
  await clickAndWait(p, p.getByRole('button', { name: 'Tìm' }));
  assert.equal(await p.getByLabel('Mã', { exact: true }).inputValue(), 'YG-TOTHANHNIEN');
  assert.equal(await p.getByLabel('Tên', { exact: true }).inputValue(), 'Tổ thanh niên tình nguyện');
  assert.equal((await p.getByLabel('Loại', { exact: true }).locator('option:checked').innerText()).trim(), 'Phòng, tổ, bộ phận');
  assert.equal(await p.locator('input[name=find_parent_id]').inputValue(), 'yen giang');
  const found = p.locator('select[name=parent_id]');
  assert.deepEqual((await found.locator('option').allInnerTexts()).map((s) => s.trim()),
    ['Phường Yên Giang — Thị xã Quảng Yên', 'Ủy ban MTTQ phường Yên Giang — Phường Yên Giang']);
  assert.equal((await p.locator('.flash, .error-summary, .field-error').count()), 0, 'a search is not a failed form');
  await clickAndWait(p, p.getByRole('button', { name: 'Tạo' }));
  assert.deepEqual([(await facts(p))['Đơn vị cấp trên'], await text(p.locator('h1'))], ['Phường Yên Giang', 'Tổ thanh niên tình nguyện']);
  // a person: the name, gender and birth year first, the unit searched after
  await p.goto(srv.base + '/people/new');
  await p.getByLabel('Họ và tên').fill('Phạm Thu Hằng');
  await p.getByLabel('Giới tính').selectOption({ label: 'nữ' });
  await p.getByLabel('Năm sinh').fill('1998');
  await p.getByLabel('Đơn vị', { exact: true }).fill('to thanh nien');
  await clickAndWait(p, p.getByRole('button', { name: 'Tìm' }));
  assert.equal(await p.getByLabel('Họ và tên').inputValue(), 'Phạm Thu Hằng');
  assert.equal((await p.getByLabel('Giới tính').locator('option:checked').innerText()).trim(), 'nữ');
  assert.equal(await p.getByLabel('Năm sinh').inputValue(), '1998');
  assert.deepEqual((await p.locator('select[name=unit_id] option').allInnerTexts()).map((s) => s.trim()), ['Tổ thanh niên tình nguyện — Phường Yên Giang']);
  await clickAndWait(p, p.getByRole('button', { name: 'Thêm' }));
  assert.deepEqual([await text(p.locator('h1')), (await facts(p))['Đơn vị'], (await facts(p))['Năm sinh']], ['Phạm Thu Hằng', 'Tổ thanh niên tình nguyện', '1998']);
  await context.close();
});

test('the units of a movement are chips: added by name, removed with ×', async () => {
  const { page: op, context } = await newPage(browser);
  await op.setViewportSize({ width: 390, height: 844 });
  await loginForm(op, srv.base, 'tw.officer', env.demoUsers['tw.officer'].password);
  await op.goto(`${srv.base}/movements/${mv.id}/edit`);
  const chips = op.locator('.chip-list .chip');
  const chipTexts = async () => (await chips.allInnerTexts()).map((s) => s.replace(/[×\s]+/g, ' ').trim());
  assert.deepEqual(await chipTexts(), ['Thị xã Quảng Yên QN-QUANGYEN']);
  const box = op.getByRole('combobox', { name: 'Các đơn vị được mời (mỗi đơn vị kèm các đơn vị trực thuộc)' });
  await box.pressSequentially('yen hai');
  await op.getByRole('listbox').getByRole('option').first().waitFor();
  // wait for the answer to the whole text, not to a part of it
  for (let i = 0; i < 50 && !/^Phường Yên Hải/.test((await op.getByRole('listbox').getByRole('option').first().innerText()).trim()); i++) await op.waitForTimeout(100);
  await box.press('ArrowDown');
  await box.press('Enter');
  assert.deepEqual(await chipTexts(), ['Thị xã Quảng Yên QN-QUANGYEN', 'Phường Yên Hải QY-P-YENHAI']);
  assert.equal(await box.inputValue(), '');
  // × removes a chip; the form then sends only the other one
  await op.getByRole('button', { name: /^Gỡ bỏ Thị xã Quảng Yên/ }).click();
  assert.deepEqual(await chipTexts(), ['Phường Yên Hải QY-P-YENHAI']);
  const sent = await op.locator('form.card.wide').evaluate((f) => new FormData(f).getAll('scope'));
  const yh = await op.evaluate(async () => (await (await fetch('/pick/units?for=scope&q=QY-P-YENHAI')).json()).items[0].id);
  assert.deepEqual(sent, ['', String(yh)]);
  assertNoProblems(op);
  await context.close();
});

test('the units tree puts no link or control inside another (axe nested-interactive)', async () => {
  await page.goto(srv.base + '/units');
  const nested = await page.evaluate(() => [...document.querySelectorAll('summary, a, button')]
    .filter((el) => el.querySelector('a[href], button, input, select, textarea, summary'))
    .map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(nested, []);
  // each root is still a link, and its children fold under a summary of their own
  const root = page.locator('ul.tree > li').first();
  assert.equal(await text(root.locator('> a')), 'Việt Nam');
  assert.match(await text(root.locator('summary')), /^Đơn vị trực thuộc \(\d+\)$/);
  assertNoProblems(page);
});

test('a reporter adds a person from the people list, choosing the ward by name', async () => {
  await clickAndWait(page, page.locator('header nav').getByRole('link', { name: 'Cán bộ' }));
  await clickAndWait(page, page.getByRole('link', { name: 'Thêm cán bộ' }));
  assert.equal(page.url(), srv.base + '/people/new');
  await pickOption(page.locator('form.card'), 'Đơn vị', 'yen giang', /^Phường Yên Giang/);
  await page.getByLabel('Họ và tên').fill('Vũ Thị Hạnh');
  await page.getByLabel('Giới tính').selectOption({ label: 'nữ' });
  const res = await submit(page, page.getByRole('button', { name: 'Thêm' }));
  assert.equal(res.status(), 303);
  assert.equal((await facts(page))['Đơn vị'], 'Phường Yên Giang');
  assertNoProblems(page);
});
