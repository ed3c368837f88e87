// Adding a person from a unit's page and finding her again by a name typed
// without accents.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoServer, launch, newPage, loginForm, screenshot, clickAndWait, resultLink, submit, text, facts, assertNoProblems } from './browser.mjs';

let env, srv, browser, page;
let unitUrl, newUrl, peopleBefore;

before(async () => {
  ({ env, srv } = await demoServer());
  browser = await launch();
  ({ page } = await newPage(browser));
  await loginForm(page, srv.base, 'admin', env.adminPassword);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();

async function fillPerson(p) {
  await page.getByLabel('Họ và tên').fill(p.name);
  await page.getByLabel('Giới tính').selectOption({ label: p.gender });
  await page.getByLabel('Năm sinh').fill(p.year);
  await page.getByLabel('Mã số cán bộ, công chức').fill(p.code);
  await page.getByLabel('Chức vụ').fill(p.position);
}
const lan = { name: 'Nguyễn Thị Lan', gender: 'nữ', year: '1985', code: 'QY-0001', position: 'Chuyên viên' };

test('"Add a person" on a unit page opens an empty form for that unit', async () => {
  await page.goto(srv.base + '/units?q=QN-QUANGYEN');
  await clickAndWait(page, resultLink(page, 'Thị xã Quảng Yên'));
  unitUrl = page.url();
  peopleBefore = Number((await facts(page))['Cán bộ']);
  await clickAndWait(page, page.getByRole('link', { name: 'Thêm cán bộ' }));
  newUrl = page.url();
  assert.equal(newUrl, srv.base + '/people/new?unit=' + unitUrl.split('/').pop());
  assert.equal(await page.title(), 'Cán bộ mới — thidua');
  assert.equal(await text(page.locator('h1')), 'Cán bộ mới');
  assert.equal(await text(page.locator('main > p').first()), 'Đơn vị: Thị xã Quảng Yên');
  assert.equal(await page.locator('header nav a[aria-current="page"]').innerText(), 'Cán bộ');
  for (const label of ['Họ và tên', 'Năm sinh', 'Mã số cán bộ, công chức', 'Chức vụ'])
    assert.equal(await page.getByLabel(label).inputValue(), '', label);
  assert.deepEqual(await page.getByLabel('Giới tính').locator('option').allInnerTexts(), ['—', 'nữ', 'nam', 'khác']);
  assert.equal(await page.getByLabel('Giới tính').inputValue(), ''); // no gender is chosen for the user
});

test('an impossible birth year is refused inline and the typed values are kept', async () => {
  await fillPerson({ ...lan, year: '1850' });
  const res = await submit(page, page.getByRole('button', { name: 'Thêm' }));
  assert.equal(res.status(), 422);
  assert.equal(await text(page.locator('h1')), 'Cán bộ mới');
  assert.equal(await text(page.locator('#error-summary p')), 'Vui lòng sửa lại biểu mẫu (1)');
  assert.deepEqual(await page.locator('#error-summary li').allInnerTexts(), ['Năm sinh: Phải từ 1900 đến 2100']);
  assert.equal(await page.locator('#error-summary li a').getAttribute('href'), '#f-birth_year');
  const year = page.getByLabel('Năm sinh');
  assert.equal(await year.getAttribute('aria-invalid'), 'true');
  assert.equal(await text(page.locator('#' + (await year.getAttribute('aria-describedby')))), 'Phải từ 1900 đến 2100');
  assert.equal(await page.getByLabel('Họ và tên').inputValue(), 'Nguyễn Thị Lan');
  assert.equal(await page.getByLabel('Giới tính').inputValue(), 'F');
  assert.equal(await page.getByLabel('Mã số cán bộ, công chức').inputValue(), 'QY-0001');
  assert.equal(await page.getByLabel('Chức vụ').inputValue(), 'Chuyên viên');
});

test('saving the form shows the new person', async () => {
  page.problems.length = 0; // the refusal above
  await page.goto(newUrl);
  await fillPerson(lan);
  await clickAndWait(page, page.getByRole('button', { name: 'Thêm' }));
  assert.match(page.url(), new RegExp('^' + srv.base + '/people/\\d+$'));
  assert.equal(await text(page.locator('p.flash')), 'Đã thêm cán bộ');
  assert.equal(await page.title(), 'Nguyễn Thị Lan — thidua');
  assert.equal(await text(page.locator('h1')), 'Nguyễn Thị Lan');
  assert.deepEqual(await page.locator('nav.crumbs li').allInnerTexts(), ['Thị xã Quảng Yên', 'Nguyễn Thị Lan']);
  assert.deepEqual(await facts(page), {
    'Đơn vị': 'Thị xã Quảng Yên',
    'Mã số cán bộ, công chức': 'QY-0001',
    'Giới tính': 'nữ',
    'Năm sinh': '1985',
    'Chức vụ': 'Chuyên viên',
  });
  // the edit form holds the stored values
  assert.equal(await page.getByLabel('Họ và tên').inputValue(), 'Nguyễn Thị Lan');
  assert.equal(await page.getByLabel('Giới tính').inputValue(), 'F');
  assert.equal(await page.getByLabel('Năm sinh').inputValue(), '1985');
  assert.equal(await page.getByRole('combobox', { name: 'Đơn vị' }).inputValue(), 'Thị xã Quảng Yên — Tỉnh Quảng Ninh');
  // the unit counts her
  await page.goto(unitUrl);
  assert.equal(Number((await facts(page))['Cán bộ']), peopleBefore + 1);
  assertNoProblems(page);
});

test('"nguyen thi lan" without accents finds her', async () => {
  await clickAndWait(page, page.locator('header nav').getByRole('link', { name: 'Cán bộ' }));
  assert.equal(page.url(), srv.base + '/people');
  assert.equal(await text(page.locator('h1')), 'Cán bộ');
  await page.getByLabel('Tìm cán bộ').fill('nguyen thi lan');
  await clickAndWait(page, page.getByRole('button', { name: 'Tìm kiếm' }));
  assert.equal(page.url(), srv.base + '/people?q=nguyen+thi+lan');
  assert.equal(await page.getByLabel('Tìm cán bộ').inputValue(), 'nguyen thi lan');
  const rows = await page.locator('table.list tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.innerText.trim())));
  // every word typed starts a word of every row's name; hers is among them
  assert.ok(rows.length >= 1);
  for (const r of rows) {
    const words = fold(r[0]).split(' ');
    for (const w of ['nguyen', 'thi', 'lan']) assert.ok(words.some((x) => x.startsWith(w)), r[0]);
  }
  assert.deepEqual(rows.filter((r) => r[1] === 'QY-0001'), [['Nguyễn Thị Lan', 'QY-0001', '1985', 'Chuyên viên', 'Thị xã Quảng Yên']]);
  assert.equal(await text(page.locator('p.total')), `${rows.length} người được tìm thấy`);
  await screenshot(page, 'people.png');
  await clickAndWait(page, page.locator('tr', { hasText: 'QY-0001' }).getByRole('link', { name: 'Nguyễn Thị Lan' }));
  assert.equal(await text(page.locator('h1')), 'Nguyễn Thị Lan');
  assertNoProblems(page);
});

test('on her page, on a phone: a year typed in words comes back marked, the record and the decision date kept', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  const personUrl = page.url();
  const form = page.locator('form[action$="/achievements"]');
  await form.getByLabel('Năm', { exact: true }).fill('năm 2024');
  await form.getByLabel('Ghi nhận', { exact: true }).selectOption('title:LDTT');
  await form.getByLabel('Ngày quyết định').fill('2024-12-15');
  const res = await submit(page, form.getByRole('button', { name: 'Thêm', exact: true }));
  assert.equal(res.status(), 422);
  // the page lands on the summary, which links the problem to its field
  assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary');
  assert.deepEqual(await page.locator('#error-summary li').allInnerTexts(), ['Năm: Phải là số nguyên']);
  const again = page.locator('form[action$="/achievements"]');
  const year = again.getByLabel('Năm', { exact: true });
  assert.equal(await year.getAttribute('aria-invalid'), 'true');
  assert.equal(await text(page.locator('#' + (await year.getAttribute('aria-describedby')))), 'Phải là số nguyên');
  // everything typed stays
  assert.equal(await year.inputValue(), 'năm 2024');
  assert.equal(await again.getByLabel('Ghi nhận', { exact: true }).inputValue(), 'title:LDTT');
  assert.equal(await again.getByLabel('Ngày quyết định').inputValue(), '2024-12-15');
  await page.locator('#error-summary').getByRole('link', { name: /^Năm/ }).click();
  assert.match(page.url(), /#f-year$/);
  assertNoProblems(page, [`422 POST ${new URL(personUrl).pathname}/achievements`]);
  // corrected, it is stored and shown in her timeline
  await year.fill('2024');
  const ok = await submit(page, again.getByRole('button', { name: 'Thêm', exact: true }));
  assert.equal(ok.status(), 303);
  assert.equal(page.url(), personUrl + '#achievements');
  assert.match(await text(page.locator('#achievements')), /2024/);
  assertNoProblems(page);
});
