// The import of a file as a background job, in the browser: the form on the
// models page posts, the browser lands on the job's page, which follows the
// job (app.js polls its JSON) and then shows either the line-numbered errors
// or what was imported, with a link back to the movement.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { mkUnit } from '../http/_util.mjs';
import { launch, newPage, loginForm, submit, clickAndWait, text, assertNoProblems } from './browser.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, browser, page, mv;
const day = (offset) => officeDay(offset);

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  const admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const root = await mkUnit(admin, 'EJ', 'Huyện Thử Nhập', 'district');
  await mkUnit(admin, 'EJ-1', 'Xã Một', 'commune', root.id);
  let r = await admin.post('/api/v1/movements', {
    json: { code: 'EJOB', title: 'Phong trào thử nhập tệp', kind: 'regular', authority_code: 'EJ', starts_on: day(-10), ends_on: day(300),
      register_by: day(30), scope: ['EJ'], fields: ['economy'] },
  });
  r = await admin.post(`/api/v1/movements/${r.data.id}/status`, { json: { status: 'launched', version: r.data.version } });
  mv = r.data;
  r = await admin.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_code: 'EJ-1', pledge: 'Đăng ký' } });
  assert.equal(r.status, 201, r.text);
  browser = await launch();
  ({ page } = await newPage(browser));
  await loginForm(page, srv.base, 'admin', env.adminPassword);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function importFile(csv) {
  await page.goto(`${srv.base}/movements/${mv.id}/models`);
  const form = page.locator('form[action$="/import"]');
  await form.getByLabel('Nội dung của tệp').selectOption('models');
  await form.getByLabel('Tệp CSV hoặc XLSX').setInputFiles({ name: 'mo-hinh.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  const res = await submit(page, form.getByRole('button', { name: 'Nhập dữ liệu' }));
  assert.equal(res.status(), 303);
  assert.match(page.url(), /\/jobs\/\d+$/);
  // the page follows the job and shows its end
  await page.locator('[data-job][data-status="done"], [data-job][data-status="failed"]').waitFor({ timeout: 20000 });
}

test('a file with a bad line: the job page names the line, and nothing is imported', async () => {
  await importFile('code,unit_code,title,field\nEJ-M1,EJ-1,Mô hình tốt,economy\nEJ-M2,EJ-1,Mô hình sai lĩnh vực,health\n');
  assert.equal(await text(page.locator('h1')), 'Nhập mô hình từ tệp');
  assert.equal(await text(page.locator('#job-status')), 'không thành công');
  assert.equal(await text(page.locator('.error-msg')), 'Chưa nhập được dữ liệu nào: tệp có lỗi');
  assert.equal(await text(page.locator('.job p:not([class])')), '1 / 2 dòng bị từ chối; hãy sửa và nhập lại toàn bộ tệp.');
  assert.equal(await text(page.locator('pre.import-errors')), 'dòng 3: field: Không phải lĩnh vực của phong trào này');
  await clickAndWait(page, page.getByRole('link', { name: 'Quay lại phong trào' }));
  assert.equal(page.url(), `${srv.base}/movements/${mv.id}/models`);
  assert.equal(await page.locator('table.list tbody tr').count(), 0);
  assertNoProblems(page);
});

test('a good file: the job page shows what was imported', async () => {
  await importFile('code,unit_code,title,field\nEJ-M1,EJ-1,Mô hình tốt,economy\nEJ-M2,EJ-1,Mô hình thứ hai,economy\n');
  assert.equal(await text(page.locator('#job-status')), 'đã xong');
  assert.match(await text(page.locator('p.notice')), /^Đã nhập dữ liệu từ tệp: 2 dòng — 2 mới, 0 thay đổi, 0 không đổi\.$/);
  await clickAndWait(page, page.getByRole('link', { name: 'Quay lại phong trào' }));
  assert.deepEqual((await page.locator('table.list tbody tr td:first-child a').allInnerTexts()).map((s) => s.trim()).sort(), ['Mô hình thứ hai', 'Mô hình tốt']);
  assertNoProblems(page);
});
