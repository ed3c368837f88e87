// Indicators in the browser (issue 13), on the demo: the reporter of Sơn La's
// Department of Information and Communications enters a value on a phone,
// the province's officer approves (locks) it, and the dashboard — the
// officer's and the public one, without login — shows the new province
// figure at once. Screenshots for docs/INDICATORS.md.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoServer, launch, newPage, loginForm, submit, clickAndWait, text, assertNoProblems, screenshot } from './browser.mjs';

let env, srv, browser, rep, off, anon;

before(async () => {
  ({ env, srv } = await demoServer());
  browser = await launch();
  ({ page: rep } = await newPage(browser));
  await rep.setViewportSize({ width: 390, height: 844 });
  await loginForm(rep, srv.base, 'sonla.stttt.reporter', env.demoUsers['sonla.stttt.reporter'].password);
  ({ page: off } = await newPage(browser));
  await loginForm(off, srv.base, 'sonla.officer', env.demoUsers['sonla.officer'].password);
  ({ page: anon } = await newPage(browser));
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

const figure = (page, code) => text(page.locator(`[data-figure="${code}"]`).first());

test('the province figure before: 1.085 staff trained in the departments', async () => {
  await off.goto(`${srv.base}/indicators/dashboard?unit_id=${await provinceId()}`);
  assert.match(await figure(off, 'dept_staff_trained'), /^1\.085/);
  assertNoProblems(off);
});

async function provinceId() {
  const r = await fetch(`${srv.base}/api/v1/public/indicators/son-la`);
  return (await r.json()).unit_id;
}

test("the department's reporter enters a value on a phone", async () => {
  await rep.locator('header .menu > summary').click();
  await clickAndWait(rep, rep.locator('header nav').getByRole('link', { name: 'Chỉ tiêu' }));
  assert.equal(await text(rep.locator('h1')), 'Chỉ tiêu · Sở Thông tin và Truyền thông');
  const row = rep.locator('#row-dept_staff_trained');
  assert.equal(await row.locator('input[name="v.dept_staff_trained"]').inputValue(), '150');
  await row.locator('input[name="v.dept_staff_trained"]').fill('160');
  await row.locator('input[name="c.dept_staff_trained"]').fill('Thêm lớp bồi dưỡng tháng 11');
  const res = await submit(rep, rep.getByRole('button', { name: 'Lưu số liệu' }));
  assert.equal(res.status(), 303);
  assert.equal(await text(rep.locator('p.flash')), 'Đã lưu số liệu');
  assert.equal(await figure(rep, 'dept_staff_trained'), '160\u00a0người');   // with its unit of measure, kept on the number's line
  await screenshot(rep, 'indicators-entry.png');
  assertNoProblems(rep);
});

test('an inconsistent value is refused with the rule’s message', async () => {
  const row = rep.locator('#row-dept_staff_trained');
  await row.locator('input[name="v.dept_staff_trained"]').fill('50');
  await row.locator('input[name="c.dept_staff_trained"]').fill('');
  const res = await submit(rep, rep.getByRole('button', { name: 'Lưu số liệu' }));
  assert.equal(res.status(), 422);
  assert.match(await text(rep.locator('#error-summary')), /Giảm hơn 50% so với năm trước: cần ghi chú lý do/);
  assertNoProblems(rep, [`422 POST /indicators/values`]);
});

test('the province officer approves, which locks the values', async () => {
  await off.goto(`${srv.base}/indicators?unit_id=${await unitId('T-SONLA-STTTT')}&period=2025`);
  assert.equal(await off.locator('#v-dept_staff_trained').inputValue(), '160');
  assert.equal(await off.locator('#c-dept_staff_trained').inputValue(), 'Thêm lớp bồi dưỡng tháng 11');
  const res = await submit(off, off.getByRole('button', { name: 'Phê duyệt và khóa số liệu' }));
  assert.equal(res.status(), 303);
  assert.equal(await text(off.locator('p.flash')), 'Số liệu đã được phê duyệt và khóa');
  assert.match(await text(off.locator('#row-dept_staff_trained')), /đã phê duyệt \(khóa\)/);
  await screenshot(off, 'indicators-approved.png');
  assertNoProblems(off);
  // the reporter's page no longer offers the value for editing
  await rep.goto(`${srv.base}/indicators`);
  assert.equal(await rep.locator('input[name="v.dept_staff_trained"]').count(), 0);
  assertNoProblems(rep);
});

async function unitId(code) {
  const r = await off.evaluate(async (c) => (await fetch(`/api/v1/units?q=${encodeURIComponent(c)}`)).json(), code);
  return r.items.find((u) => u.code === code).id;
}

test('the dashboard shows the new province figure, also without login', async () => {
  await off.goto(`${srv.base}/indicators/dashboard?unit_id=${await provinceId()}`);
  assert.match(await figure(off, 'dept_staff_trained'), /^1\.095/);
  assert.ok(await off.locator('#chart-dept_staff_trained svg[role="img"]').count() >= 1);
  await screenshot(off, 'indicators-dashboard.png');
  assertNoProblems(off);
  await anon.goto(`${srv.base}/public/indicators/son-la`);
  assert.match(await figure(anon, 'dept_staff_trained'), /^1\.095/);
  assert.match(await figure(anon, 'dx_community_teams'), /^2\.448/);
  assert.match(await figure(anon, 'houses_supported'), /^3\.058/);
  await screenshot(anon, 'indicators-public.png');
  assertNoProblems(anon);
});

test('the index ranks the departments with their breakdown', async () => {
  await off.goto(`${srv.base}/indicators`);
  await clickAndWait(off, off.getByRole('link', { name: /^Chỉ số chuyển đổi số/ }));
  assert.equal(await off.locator('table.ranking tbody tr').count(), 10);
  assert.equal(await text(off.locator('table.ranking tbody tr').first().locator('th')), 'Sở Thông tin và Truyền thông');
  await screenshot(off, 'indicators-index.png');
  assertNoProblems(off);
});
