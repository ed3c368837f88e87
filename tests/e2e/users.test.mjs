// The administrator, on a phone (390 px), adds a user by choosing the unit
// by its name without accents, reads the password made for them once, and
// the new user logs in with it and changes it on "Tài khoản của tôi".
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoServer, launch, phonePage, loginForm, submit, pickOption, text } from './browser.mjs';

let env, srv, browser;

before(async () => {
  ({ env, srv } = await demoServer());
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

const phone = () => phonePage(browser);

test('on a phone the administrator adds a reporter by the unit\'s name; the password shown once logs in and is changed on the account page', async () => {
  const page = await phone();
  await loginForm(page, srv.base, 'admin', env.adminPassword);
  await page.getByText('Menu').click();
  await page.getByRole('link', { name: 'Người dùng', exact: true }).click();
  await page.waitForURL(`${srv.base}/users`);
  await page.getByRole('link', { name: 'Thêm người dùng' }).click();
  await page.getByLabel('Tên đăng nhập').fill('Yen.Giang.BCV');
  await page.getByLabel('Họ và tên').fill('Trần Thị Yến');
  await page.getByLabel('Vai trò').selectOption({ label: 'báo cáo viên' });
  await pickOption(page.locator('main'), 'Đơn vị', 'yen giang', /Yên Giang/);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
  const res = await submit(page, page.getByRole('button', { name: 'Thêm', exact: true }));
  assert.equal(res.status(), 200);
  assert.equal(await text(page.locator('h1')), 'Trần Thị Yến');
  const password = await text(page.locator('code.password'));
  assert.match(password, /^[a-zA-Z0-9]{14}$/);
  assert.match(await text(page.locator('#new-password')), /^Mật khẩu của yen\.giang\.bcv:/);
  assert.match(await text(page.locator('table.list').first()), /báo cáo viên\s+Phường Yên Giang/);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);

  const user = await phone();
  await loginForm(user, srv.base, 'yen.giang.bcv', password);
  await user.getByText('Menu').click();
  await user.getByRole('link', { name: /Trần Thị Yến/ }).click();
  await user.waitForURL(`${srv.base}/account`);
  await user.getByLabel('Mật khẩu hiện tại').fill(password);
  await user.getByLabel('Mật khẩu mới', { exact: true }).fill('Song-Cau-Quang-Yen-7');
  await user.getByLabel('Nhập lại mật khẩu mới').fill('Song-Cau-Quang-Yen-8');
  let r = await submit(user, user.getByRole('button', { name: 'Đổi mật khẩu', exact: true }));
  assert.equal(r.status(), 422);
  assert.equal(await text(user.locator('#e-password2')), 'Hai lần nhập mật khẩu mới không khớp');
  assert.equal(await user.evaluate(() => document.activeElement.id), 'error-summary');
  await user.getByLabel('Mật khẩu hiện tại').fill(password);
  await user.getByLabel('Mật khẩu mới', { exact: true }).fill('Song-Cau-Quang-Yen-7');
  await user.getByLabel('Nhập lại mật khẩu mới').fill('Song-Cau-Quang-Yen-7');
  r = await submit(user, user.getByRole('button', { name: 'Đổi mật khẩu', exact: true }));
  assert.equal(r.status(), 303);
  assert.equal(await text(user.locator('p.flash')), 'Đã đổi mật khẩu. Các phiên khác và mã API của bạn đã chấm dứt.');
  const again = await phone();
  await loginForm(again, srv.base, 'yen.giang.bcv', 'Song-Cau-Quang-Yen-7');
});
