// An export prepared in the background, in the browser: the form beside the
// export links posts a job, the browser lands on the job's page, which
// follows the job (app.js) and then offers the file.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { mkUnit } from '../http/_util.mjs';
import { launch, newPage, loginForm, submit, text, assertNoProblems } from './browser.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, browser, page, mv;
const day = (offset) => officeDay(offset);

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  const admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const root = await mkUnit(admin, 'XJ', 'Huyện Thử Xuất', 'district');
  await mkUnit(admin, 'XJ-1', 'Xã Một', 'commune', root.id);
  let r = await admin.post('/api/v1/movements', {
    json: { code: 'XJOB', title: 'Phong trào thử xuất tệp', kind: 'regular', authority_code: 'XJ', starts_on: day(-10), ends_on: day(300),
      register_by: day(30), scope: ['XJ'], fields: ['economy'] },
  });
  r = await admin.post(`/api/v1/movements/${r.data.id}/status`, { json: { status: 'launched', version: r.data.version } });
  mv = r.data;
  r = await admin.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_code: 'XJ-1', pledge: 'Đăng ký' } });
  assert.equal(r.status, 201, r.text);
  browser = await launch();
  ({ page } = await newPage(browser));
  await loginForm(page, srv.base, 'admin', env.adminPassword);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('"prepare the file": the job page follows the export and then links the workbook', async () => {
  await page.goto(`${srv.base}/movements/${mv.id}/models`);
  const form = page.locator('form[action$="/exports"]');
  await form.getByLabel('Tệp lớn? Chuẩn bị trong nền').selectOption('registrations');
  await form.getByLabel('Định dạng').selectOption('xlsx');
  const res = await submit(page, form.getByRole('button', { name: 'Chuẩn bị tệp' }));
  assert.equal(res.status(), 303);
  assert.match(page.url(), /\/jobs\/\d+$/);
  await page.locator('[data-job][data-status="done"], [data-job][data-status="failed"]').waitFor({ timeout: 20000 });
  assert.equal(await text(page.locator('#job-status')), 'đã xong');
  const link = page.locator('#job-file');
  assert.equal(await text(link), 'Tải về XJOB-registrations.xlsx');
  const file = await page.request.get(new URL(await link.getAttribute('href'), srv.base).href);
  assert.equal(file.status(), 200);
  assert.equal((await file.body()).subarray(0, 2).toString('latin1'), 'PK');
  assertNoProblems(page);
});
