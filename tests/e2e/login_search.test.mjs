// A person's first visit: the login page, the home page, finding a unit by a
// name typed without accents, and opening it. Screenshots for docs/GUIDE.md.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoServer, launch, newPage, screenshot, clickAndWait, resultLink, text, facts, assertNoProblems } from './browser.mjs';

let env, srv, browser, page;

// The cells of the result table, row by row.
const rows = () => page.locator('table.list tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.innerText.trim())));

before(async () => {
  ({ env, srv } = await demoServer());
  browser = await launch();
  ({ page } = await newPage(browser));
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('an anonymous visitor is sent to the login page', async () => {
  const res = await page.goto(srv.base + '/');
  assert.equal(page.url(), srv.base + '/login?next=%2F');
  assert.equal(res.status(), 200);
  assert.equal(await page.title(), 'Đăng nhập — thidua');
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  assert.equal(await text(page.locator('h1')), 'Đăng nhập');
  // nobody is logged in: only the public typical examples, no logout
  assert.deepEqual(await page.locator('header nav a').allInnerTexts(), ['Điển hình tiên tiến']);
  assert.equal(await page.getByRole('button', { name: 'Đăng xuất' }).count(), 0);
  assert.equal(await page.getByLabel('Tên đăng nhập').inputValue(), '');
  assert.equal(await page.getByLabel('Mật khẩu').getAttribute('type'), 'password');
});

test('a wrong password is refused and the typed login is kept', async () => {
  await page.getByLabel('Tên đăng nhập').fill('admin');
  await page.getByLabel('Mật khẩu').fill('not the password');
  await clickAndWait(page, page.getByRole('button', { name: 'Đăng nhập' }));
  assert.equal(page.url(), srv.base + '/login');
  assert.equal(await text(page.getByRole('alert')), 'Sai tên đăng nhập hoặc mật khẩu');
  assert.equal(await page.getByLabel('Tên đăng nhập').inputValue(), 'admin');
  assert.equal(await page.getByLabel('Mật khẩu').inputValue(), '');
  // the place the visitor wanted to go is still carried along
  assert.equal(await page.locator('form[action="/login"] input[name="next"]').inputValue(), '/');
  assertNoProblems(page, ['401 POST /login']);
});

test('logging in lands on the home page', async () => {
  await page.goto(srv.base + '/login?next=%2F');
  await page.getByLabel('Tên đăng nhập').fill('admin');
  await page.getByLabel('Mật khẩu').fill(env.adminPassword);
  await screenshot(page, 'login.png');
  await clickAndWait(page, page.getByRole('button', { name: 'Đăng nhập' }));
  assert.equal(page.url(), srv.base + '/');
  assert.equal(await page.title(), 'Trang chủ — thidua');
  assert.equal(await text(page.locator('h1')), 'Xin chào, Quản trị hệ thống');
  assert.deepEqual(await page.locator('header nav a').allInnerTexts(), ['Trang chủ', 'Đơn vị', 'Cán bộ', 'Phong trào thi đua', 'Đề nghị khen thưởng', 'Quyết định khen thưởng', 'Khen thưởng', 'Xét điều kiện', 'Cụm, khối thi đua', 'Bỏ phiếu', 'Nhiệm vụ', 'Chỉ tiêu', 'Người dùng', 'Điển hình tiên tiến']);
  assert.equal(await page.locator('header nav a[aria-current="page"]').innerText(), 'Trang chủ');
  assert.equal(await text(page.locator('header .user')), 'Quản trị hệ thống · quản trị, Việt Nam');
  assert.equal(await page.getByRole('button', { name: 'Đăng xuất' }).count(), 1);
  // the session cookie is not readable from scripts
  const sid = (await page.context().cookies()).find((c) => c.name === 'tdsid');
  assert.equal(sid.httpOnly, true);
  assert.equal(sid.sameSite, 'Lax');
});

test('"da nang" without accents finds Thành phố Đà Nẵng', async () => {
  await page.getByLabel('Tìm đơn vị').fill('da nang');
  await clickAndWait(page, page.getByRole('button', { name: 'Tìm kiếm' }));
  assert.equal(page.url(), srv.base + '/units?q=da+nang');
  assert.equal(await page.title(), 'Đơn vị — thidua');
  assert.equal(await text(page.locator('h1')), 'Đơn vị');
  // the search box keeps what was typed
  assert.equal(await page.getByLabel('Tìm đơn vị').inputValue(), 'da nang');
  assert.equal(await text(page.locator('p.total')), '4 đơn vị được tìm thấy');
  // sorted by name; the parent links to its page
  assert.deepEqual(await rows(), [
    ['Ban Thi đua – Khen thưởng thành phố Đà Nẵng', 'TP-DANANG-BTDKT', 'Cơ quan, đơn vị', 'Sở Nội vụ', 'đang hoạt động'],
    ['Hội đồng Thi đua – Khen thưởng thành phố Đà Nẵng', 'TP-DANANG-HDTDKT', 'Cơ quan, đơn vị', 'Thành phố Đà Nẵng', 'đang hoạt động'],
    ['Thành phố Đà Nẵng', 'TP-DANANG', 'Thành phố trực thuộc TW', 'Việt Nam', 'đang hoạt động'],
    ['Văn phòng Ủy ban nhân dân thành phố Đà Nẵng', 'TP-DANANG-VP', 'Cơ quan, đơn vị', 'Thành phố Đà Nẵng', 'đang hoạt động'],
  ]);
  assert.deepEqual(await page.locator('table.list thead th').allInnerTexts(), ['Tên', 'Mã', 'Loại', 'Đơn vị cấp trên', 'Trạng thái']);
  await screenshot(page, 'search.png');
});

test('the unit page of Thành phố Đà Nẵng', async () => {
  await clickAndWait(page, resultLink(page, 'Thành phố Đà Nẵng'));
  assert.match(page.url(), new RegExp('^' + srv.base + '/units/\\d+$'));
  assert.equal(await page.title(), 'Thành phố Đà Nẵng — thidua');
  assert.equal(await text(page.locator('h1')), 'Thành phố Đà Nẵng');
  assert.deepEqual(await page.locator('nav.crumbs li').allInnerTexts(), ['Đơn vị', 'Việt Nam', 'Thành phố Đà Nẵng']);
  assert.equal(await page.locator('nav.crumbs [aria-current="page"]').innerText(), 'Thành phố Đà Nẵng');
  const f = await facts(page);
  assert.equal(f['Mã'], 'TP-DANANG');
  assert.equal(f['Loại'], 'Thành phố trực thuộc TW');
  assert.equal(f['Đơn vị cấp trên'], 'Việt Nam');
  assert.match(f['Cập nhật lần cuối'], /^\d\d\/\d\d\/\d{4}$/);
  assert.equal(await page.locator('header nav a[aria-current="page"]').innerText(), 'Đơn vị');
  await screenshot(page, 'unit.png');
});

test('"thua thien hue" finds Tỉnh Thừa Thiên Huế', async () => {
  await clickAndWait(page, page.locator('header nav').getByRole('link', { name: 'Đơn vị' }));
  assert.equal(page.url(), srv.base + '/units');
  await page.getByLabel('Tìm đơn vị').fill('thua thien hue');
  await clickAndWait(page, page.getByRole('button', { name: 'Tìm kiếm' }));
  assert.equal(page.url(), srv.base + '/units?q=thua+thien+hue&kind=');
  assert.equal(await text(page.locator('p.total')), '4 đơn vị được tìm thấy');
  assert.deepEqual(await rows(), [
    ['Ban Thi đua – Khen thưởng tỉnh Thừa Thiên Huế', 'T-THUATHIENHUE-BTDKT', 'Cơ quan, đơn vị', 'Sở Nội vụ', 'đang hoạt động'],
    ['Hội đồng Thi đua – Khen thưởng tỉnh Thừa Thiên Huế', 'T-THUATHIENHUE-HDTDKT', 'Cơ quan, đơn vị', 'Tỉnh Thừa Thiên Huế', 'đang hoạt động'],
    ['Tỉnh Thừa Thiên Huế', 'T-THUATHIENHUE', 'Tỉnh', 'Việt Nam', 'đang hoạt động'],
    ['Văn phòng Ủy ban nhân dân tỉnh Thừa Thiên Huế', 'T-THUATHIENHUE-VP', 'Cơ quan, đơn vị', 'Tỉnh Thừa Thiên Huế', 'đang hoạt động'],
  ]);
  await clickAndWait(page, resultLink(page, 'Tỉnh Thừa Thiên Huế'));
  assert.equal(await text(page.locator('h1')), 'Tỉnh Thừa Thiên Huế');
  assert.deepEqual(await page.locator('nav.crumbs li').allInnerTexts(), ['Đơn vị', 'Việt Nam', 'Tỉnh Thừa Thiên Huế']);
  assert.equal((await facts(page))['Mã'], 'T-THUATHIENHUE');
  assertNoProblems(page);
});
