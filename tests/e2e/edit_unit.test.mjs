// An officer's changes to the organisation tree through the unit page's forms:
// rename, add a unit below, move it, deactivate it (with the confirmation),
// an inline validation error, and switching the interface to English.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoServer, launch, newPage, loginForm, screenshot, clickAndWait, resultLink, submit, text, facts, assertNoProblems, pickOption } from './browser.mjs';

let env, srv, browser, page;
let quangYen; // address of the unit page of Thị xã Quảng Yên
let child; // address of the unit made below it

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

const form = (heading) => page.locator('form.card', { has: page.getByRole('heading', { name: heading, exact: true }) });
const crumbs = () => page.locator('nav.crumbs li').allInnerTexts();
const flash = () => text(page.locator('p.flash'));

test('open Thị xã Quảng Yên from the search', async () => {
  await page.goto(srv.base + '/units?q=quang+yen');
  await clickAndWait(page, resultLink(page, 'Thị xã Quảng Yên'));
  quangYen = page.url();
  assert.match(quangYen, new RegExp('^' + srv.base + '/units/\\d+$'));
  assert.equal(await text(page.locator('h1')), 'Thị xã Quảng Yên');
  assert.deepEqual(await crumbs(), ['Đơn vị', 'Việt Nam', 'Tỉnh Quảng Ninh', 'Thị xã Quảng Yên']);
  // an officer sees the three forms
  assert.deepEqual(await page.locator('section.forms form h2').allInnerTexts(), ['Sửa', 'Chuyển', 'Ngừng hoạt động']);
  const edit = form('Sửa');
  assert.equal(await edit.getByLabel('Mã', { exact: true }).inputValue(), 'QN-QUANGYEN');
  assert.equal(await edit.getByLabel('Tên', { exact: true }).inputValue(), 'Thị xã Quảng Yên');
  assert.equal(await edit.getByLabel('Loại', { exact: true }).inputValue(), 'district');
  assert.equal(await form('Chuyển').getByRole('combobox', { name: 'Đơn vị cấp trên mới' }).inputValue(), 'Tỉnh Quảng Ninh — Việt Nam');
});

test('rename it with the Edit form', async () => {
  const edit = form('Sửa');
  await edit.getByLabel('Tên', { exact: true }).fill('Thị xã Quảng Yên (đã sửa)');
  await clickAndWait(page, edit.getByRole('button', { name: 'Lưu' }));
  assert.equal(page.url(), quangYen); // redirected back after the POST
  assert.equal(await flash(), 'Đã lưu');
  assert.equal(await text(page.locator('h1')), 'Thị xã Quảng Yên (đã sửa)');
  assert.equal(await page.title(), 'Thị xã Quảng Yên (đã sửa) — thidua');
  assert.equal(await form('Sửa').getByLabel('Tên', { exact: true }).inputValue(), 'Thị xã Quảng Yên (đã sửa)');
  // the newest change heads the history
  const first = await page.locator('section:has(h2:text-is("Lịch sử thay đổi")) tbody tr').first().locator('td').allInnerTexts();
  assert.deepEqual(first.slice(1), ['admin', 'cập nhật']);
  // the flash is shown once
  await page.reload();
  assert.equal(await page.locator('p.flash').count(), 0);
});

test('add a unit below it', async () => {
  await clickAndWait(page, page.getByRole('link', { name: 'Thêm đơn vị trực thuộc' }));
  assert.match(page.url(), /\/units\/new\?parent=\d+$/);
  assert.equal(await text(page.locator('h1')), 'Đơn vị mới');
  assert.equal(await text(page.locator('main > p').first()), 'Trực thuộc Thị xã Quảng Yên (đã sửa)');
  await page.getByLabel('Mã', { exact: true }).fill('QY-TCDS');
  await page.getByLabel('Tên', { exact: true }).fill('Tổ công tác chuyển đổi số');
  await page.getByLabel('Loại', { exact: true }).selectOption({ label: 'Phòng, tổ, bộ phận' });
  await clickAndWait(page, page.getByRole('button', { name: 'Tạo' }));
  child = page.url();
  assert.match(child, new RegExp('^' + srv.base + '/units/\\d+$'));
  assert.equal(await flash(), 'Đã tạo đơn vị');
  assert.equal(await text(page.locator('h1')), 'Tổ công tác chuyển đổi số');
  assert.deepEqual(await crumbs(), ['Đơn vị', 'Việt Nam', 'Tỉnh Quảng Ninh', 'Thị xã Quảng Yên (đã sửa)', 'Tổ công tác chuyển đổi số']);
  const f = await facts(page);
  assert.equal(f['Mã'], 'QY-TCDS');
  assert.equal(f['Loại'], 'Phòng, tổ, bộ phận');
  assert.equal(f['Đơn vị cấp trên'], 'Thị xã Quảng Yên (đã sửa)');
  assert.equal(f['Đơn vị trực thuộc'], '0');
  assert.equal(f['Cán bộ'], '0 trực tiếp · kể cả đơn vị trực thuộc');
});

test('the move picker finds units by name and never offers the unit itself', async () => {
  const move = form('Chuyển');
  const box = move.getByRole('combobox', { name: 'Đơn vị cấp trên mới' });
  await box.fill('');
  await box.pressSequentially('khong co don vi nay');
  await move.getByRole('listbox').getByText('Không có kết quả phù hợp').waitFor();
  await box.fill('');
  await box.pressSequentially('to cong tac chuyen doi so');
  await move.getByRole('listbox').getByText('Không có kết quả phù hợp').waitFor();
  assert.deepEqual(await crumbs(), ['Đơn vị', 'Việt Nam', 'Tỉnh Quảng Ninh', 'Thị xã Quảng Yên (đã sửa)', 'Tổ công tác chuyển đổi số']);
  await screenshot(page, 'unit-edit.png');
  assertNoProblems(page);
});

test('move it under Tỉnh Quảng Ninh, chosen by name', async () => {
  await page.goto(child);
  const move = form('Chuyển');
  await pickOption(move, 'Đơn vị cấp trên mới', 'tinh quang ninh', /^Tỉnh Quảng Ninh/);
  await clickAndWait(page, move.getByRole('button', { name: 'Chuyển' }));
  assert.equal(page.url(), child);
  assert.equal(await flash(), 'Đã chuyển đơn vị');
  assert.deepEqual(await crumbs(), ['Đơn vị', 'Việt Nam', 'Tỉnh Quảng Ninh', 'Tổ công tác chuyển đổi số']);
  assert.equal((await facts(page))['Đơn vị cấp trên'], 'Tỉnh Quảng Ninh');
  assert.equal(await form('Chuyển').getByRole('combobox', { name: 'Đơn vị cấp trên mới' }).inputValue(), 'Tỉnh Quảng Ninh — Việt Nam');
});

test('deactivate it after the confirmation', async () => {
  const dialogs = [];
  let answer = false;
  const onDialog = (d) => { dialogs.push([d.type(), d.message()]); return answer ? d.accept() : d.dismiss(); };
  page.on('dialog', onDialog);
  try {
    const button = form('Ngừng hoạt động').getByRole('button', { name: 'Ngừng hoạt động' });
    // "Cancel" in the dialog: nothing is sent
    let posted = false;
    const onRequest = (r) => { if (r.method() === 'POST') posted = true; };
    page.on('request', onRequest);
    await button.click();
    await page.waitForTimeout(200);
    page.off('request', onRequest);
    assert.equal(posted, false);
    assert.equal(page.url(), child);
    assert.equal(await text(page.locator('h1')), 'Tổ công tác chuyển đổi số');
    // "OK": the unit is deactivated
    answer = true;
    await clickAndWait(page, button);
    assert.deepEqual(dialogs, [['confirm', 'Bạn có chắc chắn không?'], ['confirm', 'Bạn có chắc chắn không?']]);
  } finally {
    page.off('dialog', onDialog);
  }
  assert.equal(page.url(), child);
  assert.equal(await flash(), 'Đơn vị đã ngừng hoạt động');
  assert.equal(await text(page.locator('h1')), 'Tổ công tác chuyển đổi số (ngừng hoạt động)');
  assert.deepEqual(await page.locator('section.forms form h2').allInnerTexts(), ['Sửa', 'Chuyển', 'Hoạt động trở lại']);
  // hidden from the search unless deactivated units are asked for
  await page.goto(srv.base + '/units?q=QY-TCDS');
  assert.equal(await text(page.locator('p.total')), '0 đơn vị được tìm thấy');
  await page.getByLabel('gồm cả đơn vị ngừng hoạt động').check();
  await clickAndWait(page, page.getByRole('button', { name: 'Tìm kiếm' }));
  assert.equal(await text(page.locator('p.total')), '1 đơn vị được tìm thấy');
  assert.deepEqual(await page.locator('table.list tbody td').allInnerTexts(),
    ['Tổ công tác chuyển đổi số', 'QY-TCDS', 'Phòng, tổ, bộ phận', 'Tỉnh Quảng Ninh', 'ngừng hoạt động']);
  assertNoProblems(page);
});

test('an empty name is refused inline and the other typed values are kept', async () => {
  await page.goto(quangYen);
  const edit = form('Sửa');
  await edit.getByLabel('Mã', { exact: true }).fill('QN-QUANGYEN-2');
  await edit.getByLabel('Loại', { exact: true }).selectOption('commune');
  await edit.getByLabel('Tên', { exact: true }).fill('');
  // the browser stops the empty required field first
  await edit.getByRole('button', { name: 'Lưu' }).click();
  assert.equal(page.url(), quangYen);
  assert.equal(await edit.getByLabel('Tên', { exact: true }).evaluate((i) => i.validity.valueMissing), true);
  // a browser that does not check it: the server refuses, and says why next to the field
  await edit.evaluate((f) => { f.noValidate = true; });
  const res = await submit(page, edit.getByRole('button', { name: 'Lưu' }));
  assert.equal(res.status(), 422);
  assert.equal(await text(page.locator('#error-summary p')), 'Vui lòng sửa lại biểu mẫu (1)');
  assert.deepEqual(await page.locator('#error-summary li').allInnerTexts(), ['Tên: Bắt buộc nhập']);
  assert.equal(await page.locator('#error-summary li a').getAttribute('href'), '#f-name');
  const after = form('Sửa');
  const name = after.getByLabel('Tên', { exact: true });
  assert.equal(await name.inputValue(), '');
  assert.equal(await name.getAttribute('aria-invalid'), 'true');
  assert.equal(await text(after.locator('#' + (await name.getAttribute('aria-describedby')))), 'Bắt buộc nhập');
  assert.equal(await after.getByLabel('Mã', { exact: true }).inputValue(), 'QN-QUANGYEN-2');
  assert.equal(await after.getByLabel('Loại', { exact: true }).inputValue(), 'commune');
  // nothing was stored: the title and the facts are those saved before
  assert.equal(await text(page.locator('h1')), 'Thị xã Quảng Yên (đã sửa)');
  assert.equal((await facts(page))['Mã'], 'QN-QUANGYEN');
  assertNoProblems(page, [`422 POST ${new URL(quangYen).pathname}`]);
  await page.goto(quangYen);
  assert.equal((await facts(page))['Mã'], 'QN-QUANGYEN');
  assert.equal((await facts(page))['Loại'], 'Huyện, thị xã (trước 2025)');
});

test('choosing English in the header switches the interface', async () => {
  await page.goto(quangYen);
  await page.getByLabel('Ngôn ngữ').selectOption('en');
  await Promise.all([page.waitForURL(quangYen), page.waitForEvent('load'), page.getByRole('button', { name: 'Đổi' }).click()]);
  assert.equal(page.url(), quangYen); // back on the same page
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.deepEqual(await page.locator('header nav a').allInnerTexts(), ['Home', 'Units', 'People', 'Movements', 'Proposals', 'Award decisions', 'Awards', 'Eligibility', 'Clusters', 'Votes', 'Tasks', 'Indicators', 'Users', 'Typical examples']);
  assert.equal(await page.getByLabel('Language').inputValue(), 'en');
  assert.equal(await text(page.locator('h1')), 'Thị xã Quảng Yên (đã sửa)');
  assert.deepEqual(await page.locator('section.forms form h2').allInnerTexts(), ['Edit', 'Move', 'Deactivate']);
  assert.deepEqual(Object.keys(await facts(page)), ['Code', 'Kind', 'Parent', 'Units below', 'People', 'Last changed']);
  assert.equal(await page.getByRole('button', { name: 'Log out' }).count(), 1);
  // the choice is remembered
  await page.goto(srv.base + '/');
  assert.equal(await text(page.locator('h1')), 'Welcome, Quản trị hệ thống');
  assertNoProblems(page);
});

// Last: while the bug stands this request brings the server down (see the report).
test('a code longer than 32 characters is refused inline', async () => {
  await page.goto(quangYen);
  const edit = form('Edit');
  await edit.getByLabel('Code', { exact: true }).fill('QN-' + 'X'.repeat(37));
  await edit.getByLabel('Name', { exact: true }).fill('Thị xã Quảng Yên (lần hai)');
  const res = await submit(page, edit.getByRole('button', { name: 'Save' }));
  assert.equal(res.status(), 422);
  const code = form('Edit').getByLabel('Code', { exact: true });
  assert.equal(await code.inputValue(), 'QN-' + 'X'.repeat(37));
  assert.equal(await code.getAttribute('aria-invalid'), 'true');
  assert.equal(await text(form('Edit').locator('#e-code')), 'Is too long');
  assert.equal(await form('Edit').getByLabel('Name', { exact: true }).inputValue(), 'Thị xã Quảng Yên (lần hai)');
  assert.equal(await text(page.locator('h1')), 'Thị xã Quảng Yên (đã sửa)');
});
