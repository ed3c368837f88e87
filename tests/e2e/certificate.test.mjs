// A certificate, as an officer and a citizen use it: the decision's page
// lists the nominees with their money and certificates; the certificate
// downloads as a PDF; its QR code, read from the printed page (pdftoppm +
// zbarimg), opens the public verification page, which says "valid"; the
// code typed by hand does the same; after the decision is revoked on its
// page, the same address says "revoked" with the reason.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import { mkUnit, mkPerson } from '../http/_util.mjs';
import { launch, newPage, loginForm, submit, text, assertNoProblems, screenshot, pickOption } from './browser.mjs';

let env, srv, browser, page, decision;

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  const admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const p = await mkUnit(admin, 'T-CERT', 'Tỉnh Chứng Nhận', 'province');
  const w = await mkUnit(admin, 'W-CERT', 'Phường Chứng Nhận', 'ward', p.id);
  await mkPerson(admin, { full_name: 'Đặng Thị Hồng Nhung', gender: 'F', unit_id: w.id, code: 'CN-001', position: 'Chuyên viên' });
  const r = await admin.post('/api/v1/decisions', {
    json: { authority_code: 'T-CERT', authority_name: 'Ủy ban nhân dân tỉnh Chứng Nhận', number: '1234/QĐ-UBND', date: '2024-12-20', signer: 'Nguyễn Văn Ký',
      signer_title: 'Chủ tịch', citation: 'Đã có thành tích xuất sắc trong phong trào thi đua chuyển đổi số năm 2024',
      nominees: [{ person_code: 'CN-001', award: 'LDTT' }, { unit_code: 'W-CERT', award: 'TTLDXS' }] },
  });
  assert.equal(r.status, 201, r.text);
  decision = r.data;
  browser = await launch();
  ({ page } = await newPage(browser));
  await loginForm(page, srv.base, 'admin', env.adminPassword);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

let verifyUrl;

test('the decision page lists the nominees with their money; the certificate downloads and its QR code holds the verification address', async () => {
  await page.goto(`${srv.base}/decisions`);
  await page.getByRole('link', { name: '1234/QĐ-UBND' }).click();
  await page.waitForURL(`${srv.base}/decisions/${decision.id}`);
  assert.equal(await text(page.locator('h1')), 'Quyết định 1234/QĐ-UBND đã ban hành');
  const rows = page.locator('#nominees tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await text(rows.nth(0)), /Đặng Thị Hồng Nhung[\s\S]*Lao động tiên tiến[\s\S]*702\.000 ₫/);
  assert.match(await text(rows.nth(1)), /Phường Chứng Nhận[\s\S]*Tập thể lao động xuất sắc[\s\S]*3\.510\.000 ₫/);
  assert.match(await text(page.locator('#total')), /4\.212\.000 ₫/);
  await screenshot(page, 'decision.png');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#nominees a[href$="/certificates/1.pdf"]').click(),
  ]);
  const file = path.join(env.dir, 'certificate.pdf');
  await download.saveAs(file);
  assert.match(download.suggestedFilename(), /^1234-qd-ubnd-1\.pdf$/);
  const words = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
  assert.ok(words.includes('Đặng Thị Hồng Nhung') && words.includes('Lao động tiên tiến'), words);
  // the printed page, read as a phone reads it
  execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', file, path.join(env.dir, 'certificate')]);
  verifyUrl = execFileSync('zbarimg', ['-q', '--raw', path.join(env.dir, 'certificate.png')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  assert.equal(verifyUrl, `${srv.base}/verify/${decision.nominees[0].certificate_code}`);
  assertNoProblems(page);
});

test('the QR code\'s address opens the public verification page, without logging in: valid', async () => {
  const { context, page: anon } = await newPage(browser);
  await anon.goto(verifyUrl);
  const verdict = anon.locator('#verdict');
  assert.equal(await verdict.getAttribute('data-status'), 'valid');
  assert.match(await text(verdict), /^Hợp lệ/);
  const award = anon.locator('#award');
  assert.match(await text(award), /Đặng Thị Hồng Nhung/);
  assert.match(await text(award), /1234\/QĐ-UBND/);
  assert.match(await text(award), /Ủy ban nhân dân tỉnh Chứng Nhận/);
  await screenshot(anon, 'verify-valid.png');
  // the code typed by hand, with its dashes, in small letters
  const grouped = decision.nominees[0].certificate_code.toLowerCase().replace(/(.{4})(?!$)/g, '$1-');
  await anon.getByLabel('Mã xác thực trên bằng (hoặc địa chỉ kiểm tra)').fill(grouped);
  await Promise.all([anon.waitForURL(verifyUrl), anon.getByRole('button', { name: 'Kiểm tra' }).click()]);
  assert.equal(await anon.locator('#verdict').getAttribute('data-status'), 'valid');
  // in English
  await anon.locator('#lang-select').selectOption('en');
  await Promise.all([anon.waitForURL(verifyUrl), anon.waitForEvent('load'), anon.getByRole('button', { name: 'Đổi' }).click()]);
  assert.match(await text(anon.locator('#verdict')), /^Valid/);
  assertNoProblems(anon);
  await context.close();
});

test('revoked on the decision page: the same address says revoked, with the reason', async () => {
  await page.goto(`${srv.base}/decisions/${decision.id}`);
  await page.getByLabel('Lý do').fill('Ban hành nhầm đối tượng');
  // revoking asks first (data-confirm): accepted here
  let asked = null;
  page.once('dialog', (d) => { asked = d.message(); d.accept(); });
  const res = await submit(page, page.getByRole('button', { name: 'Thu hồi' }));
  assert.equal(res.status(), 303);
  assert.match(asked, /^Thu hồi quyết định .+\? /);
  assert.match(await text(page.locator('.flash')), /Đã thu hồi quyết định/);
  const { context, page: anon } = await newPage(browser);
  await anon.goto(verifyUrl);
  assert.equal(await anon.locator('#verdict').getAttribute('data-status'), 'revoked');
  assert.match(await text(anon.locator('#verdict')), /Đã thu hồi[\s\S]*Ban hành nhầm đối tượng/);
  assertNoProblems(anon);
  assertNoProblems(page);
  await context.close();
});

test('an officer issues a decision without typing a code: the authority, each nominee and each award are chosen', async () => {
  await page.goto(`${srv.base}/decisions`);
  const form = page.locator('form#new-decision');
  await pickOption(form, 'Cơ quan ban hành', 'tinh chung', /^Tỉnh Chứng Nhận/);
  await form.getByLabel('Số', { exact: true }).fill('77/QĐ-UBND');
  await form.getByLabel('Ngày', { exact: true }).fill('2024-12-21');
  await form.getByLabel('Người ký (họ và tên)').fill('Nguyễn Văn Ký');
  await form.getByLabel('Chức vụ người ký').fill('Chủ tịch');
  const row1 = form.getByRole('group', { name: 'Người, tập thể được đề nghị 1' });
  await pickOption(row1, 'Cá nhân', 'hong nhung', /^Đặng Thị Hồng Nhung/);
  await row1.getByLabel('Danh hiệu, hình thức khen thưởng').selectOption('BK_BO_TINH');
  const row2 = form.getByRole('group', { name: 'Người, tập thể được đề nghị 2' });
  await pickOption(row2, 'Hoặc một tập thể', 'phuong chung', /^Phường Chứng Nhận/);
  await row2.getByLabel('Danh hiệu, hình thức khen thưởng').selectOption('BK_BO_TINH');
  // a decision cannot be taken back, only revoked: the button asks first
  let asked = null;
  page.once('dialog', (d) => { asked = d.message(); d.accept(); });
  const res = await submit(page, form.getByRole('button', { name: 'Ban hành và ký số' }));
  assert.equal(asked, 'Ban hành quyết định và ký số các giấy khen? Đã ban hành thì chỉ có thể thu hồi, không sửa được.');
  assert.equal(res.status(), 303, res.status() === 422 ? await text(page.locator('.error-msg')) : '');
  assert.match(await text(page.locator('h1')), /^Quyết định 77\/QĐ-UBND/);
  const rows = await page.locator('table.list tbody tr').allInnerTexts();
  assert.equal(rows.length, 2);
  assert.match(rows[0], /Đặng Thị Hồng Nhung/);
  assert.match(rows[1], /Phường Chứng Nhận/);
  assertNoProblems(page);
});
