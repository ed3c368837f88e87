// A council's secret ballot in the browser: the organiser prepares the
// round (the voters and the candidate units picked by name as chips, a free
// label), opens it; council members tick their choices and get a receipt;
// the organiser closes it; a member reads the tally and checks the receipt.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, addUser, startServer, Client, testPassword } from '../lib/server.mjs';
import { mkUnit, mkPerson } from '../http/_util.mjs';
import { launch, newPage, loginForm, submit, clickAndWait, text, pickOption, screenshot, assertNoProblems } from './browser.mjs';

let env, srv, browser, voteUrl, receipt;

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  const admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const tw = await mkUnit(admin, 'TW-HD', 'Hội đồng Thi đua – Khen thưởng Trung ương', 'agency');
  const vu = await mkUnit(admin, 'TW-VTD', 'Vụ Thi đua – Khen thưởng', 'department', tw.id);
  await mkPerson(admin, { full_name: 'Nguyễn Thị Lan', gender: 'F', unit_id: vu.id, code: 'TW-0001' });
  await mkUnit(admin, 'T-HATINH', 'Tỉnh Hà Tĩnh', 'province');
  await mkUnit(admin, 'T-QUANGTRI', 'Tỉnh Quảng Trị', 'province');
  addUser(env.db, 'tw.officer', 'officer', 'TW-HD');
  for (const l of ['hd.lan', 'hd.minh', 'hd.son']) addUser(env.db, l, 'council', 'TW-HD');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function as(login) {
  const { context, page } = await newPage(browser);
  await page.setViewportSize({ width: 390, height: 844 });
  // opening, casting and closing cannot be undone: each asks first; the member says yes
  page.asked = [];
  page.on('dialog', (d) => { page.asked.push(d.message()); d.accept(); });
  await loginForm(page, srv.base, login, testPassword(login));
  return { context, page };
}

async function chip(form, label, typed, expected) {
  await pickOption(form, label, typed, expected);
}

test('the organiser prepares the round with the pickers and opens it', async () => {
  const { context, page } = await as('tw.officer');
  await page.goto(`${srv.base}/votes`);
  await clickAndWait(page, page.getByRole('link', { name: 'Cuộc bỏ phiếu mới' }));
  const form = page.locator('form[action="/votes"]');
  await pickOption(form, 'Đơn vị tổ chức', 'hoi dong', /^Hội đồng Thi đua – Khen thưởng Trung ương/);
  await form.locator('#f-title').fill('Suy tôn Cờ thi đua của Chính phủ 2023');
  await form.locator('#f-threshold_pct').fill('66,5');
  await chip(form, 'Người bỏ phiếu', 'hd.lan', /^hd\.lan|^hd.lan/);
  await chip(form, 'Người bỏ phiếu', 'hd.minh', /hd\.minh/);
  await chip(form, 'Người bỏ phiếu', 'hd.son', /hd\.son/);
  await chip(form, 'Đơn vị được bình xét', 'ha tinh', /^Tỉnh Hà Tĩnh/);
  await chip(form, 'Đơn vị được bình xét', 'quang tri', /^Tỉnh Quảng Trị/);
  await form.locator('#f-labels').fill('Tỉnh Thừa Thiên Huế');
  await submit(page, form.getByRole('button', { name: 'Tạo' }));
  voteUrl = page.url();
  assert.match(voteUrl, /\/votes\/\d+$/);
  const f = await text(page.locator('dl.facts'));
  assert.match(f, /≥ 66,5% trên tổng số thành viên/);
  assert.match(f, /Người bỏ phiếu\s+3/);
  // still a draft: edited on its page — a person added with the person picker, the threshold raised
  const edit = page.locator('#edit-vote');
  assert.equal(await edit.locator('#f-threshold_pct').inputValue(), '66,5');
  await pickOption(edit, 'Cá nhân được bình xét: thuộc đơn vị', 'vu thi dua', /^Vụ Thi đua/);
  await pickOption(edit, 'Cá nhân được bình xét', 'nguyen thi', /^Nguyễn Thị Lan/);
  await edit.locator('#f-threshold_pct').fill('60');
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
  await screenshot(page, 'vote-edit.png');
  await submit(page, edit.getByRole('button', { name: 'Lưu' }));
  assert.match(await text(page.locator('dl.facts')), /≥ 60% trên tổng số thành viên/);
  assert.deepEqual(await page.locator('h2:has-text("Danh sách bình xét") + ul li').allInnerTexts(),
    ['Tỉnh Hà Tĩnh', 'Tỉnh Quảng Trị', 'Nguyễn Thị Lan (Vụ Thi đua – Khen thưởng)', 'Tỉnh Thừa Thiên Huế']);
  await submit(page, page.getByRole('button', { name: 'Mở bỏ phiếu' }));
  assert.match(await text(page.locator('h1')), /đang bỏ phiếu/);
  assert.deepEqual(page.asked, ['Mở bỏ phiếu? Sau khi mở, danh sách ứng viên và người bỏ phiếu không thể thay đổi.']);
  assertNoProblems(page);
  await context.close();
});

test('council members tick their choices and each gets a receipt; nobody sees a count', async () => {
  for (const [login, choices] of [['hd.lan', ['Tỉnh Hà Tĩnh']], ['hd.minh', ['Tỉnh Hà Tĩnh', 'Tỉnh Quảng Trị']], ['hd.son', ['Tỉnh Quảng Trị']]]) {
    const { context, page } = await as(login);
    await page.goto(`${srv.base}/votes`);
    await clickAndWait(page, page.getByRole('link', { name: 'bỏ phiếu ngay' }));
    assert.equal(await page.locator('#tally').count(), 0);
    const ballot = page.locator('#ballot');
    for (const c of choices) await ballot.getByLabel(c).check();
    await submit(page, ballot.getByRole('button', { name: 'Bỏ phiếu' }));
    const code = await text(page.locator('#receipt-code'));
    assert.match(code, /^[0-9a-f]{5}(-[0-9a-f]{5}){3}$/);
    if (login === 'hd.minh') receipt = code;
    assert.equal(await page.locator('#ballot').count(), 0, 'one ballot per member');
    assert.deepEqual(page.asked, ['Bỏ phiếu với các lựa chọn đã đánh dấu? Phiếu đã bỏ không thể sửa hay rút lại.']);
    assertNoProblems(page);
    await context.close();
  }
});

test('the organiser closes it; a member reads the tally and checks the receipt', async () => {
  {
    const { context, page } = await as('tw.officer');
    await page.goto(voteUrl);
    await submit(page, page.getByRole('button', { name: 'Kết thúc bỏ phiếu và kiểm phiếu' }));
    assert.deepEqual(page.asked, ['Kết thúc bỏ phiếu ngay? Số phiếu đã bỏ: 3 trên 3. Sau khi kết thúc không nhận thêm phiếu nào; không thể hoàn tác.']);
    assertNoProblems(page);
    await context.close();
  }
  const { context, page } = await as('hd.minh');
  await page.goto(voteUrl);
  const rows = (await page.locator('#tally tbody tr').allInnerTexts()).map((s) => s.split('\t').map((x) => x.trim()));
  assert.deepEqual(rows, [
    ['Tỉnh Hà Tĩnh', '2', '66,67%', 'đạt', 'đạt'],
    ['Tỉnh Quảng Trị', '2', '66,67%', 'đạt', 'đạt'],
    ['Nguyễn Thị Lan', '0', '0%', 'không đạt', 'không đạt'],
    ['Tỉnh Thừa Thiên Huế', '0', '0%', 'không đạt', 'không đạt'],
  ]);
  await page.locator('#f-receipt').fill(receipt.toUpperCase());
  await clickAndWait(page, page.getByRole('button', { name: 'Kiểm tra', exact: true }));
  assert.equal(await text(page.locator('#receipt-result')), 'Phiếu mang mã này đã được kiểm đúng như khi bỏ. Các lựa chọn: Tỉnh Hà Tĩnh, Tỉnh Quảng Trị');
  await page.locator('#f-receipt').fill('00000-00000-00000-00000');
  await clickAndWait(page, page.getByRole('button', { name: 'Kiểm tra', exact: true }));
  assert.equal(await text(page.locator('#receipt-result')), 'Không có phiếu nào của cuộc bỏ phiếu này mang mã xác nhận này');
  assertNoProblems(page);
  await context.close();
});
