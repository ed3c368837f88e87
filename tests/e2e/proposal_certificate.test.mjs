// From a proposal to a printed certificate, as the people of each level do
// it in the browser: a ward's reporter drafts a proposal, picks the nominee
// by typing part of her name, and submits it to the province; the province's
// board, council and authority approve it; the board issues the decision from
// the approved proposal; the certificate downloads as a PDF with the
// nominee's name and the award, and its code verifies.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { makeDb, addUser, startServer, Client, testPassword } from '../lib/server.mjs';
import { mkUnit, mkPerson } from '../http/_util.mjs';
import { launch, newPage, loginForm, submit, text, pickOption, assertNoProblems, screenshot } from './browser.mjs';

let env, srv, browser, proposalUrl;

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  const admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const p = await mkUnit(admin, 'T-DIENBIEN', 'Tỉnh Điện Biên', 'province');
  await mkUnit(admin, 'W-HIMLAM', 'Phường Him Lam', 'ward', p.id);
  const w = (await admin.get('/api/v1/units?q=him%20lam')).data.items[0];
  await mkPerson(admin, { full_name: 'Lò Thị Mai', gender: 'F', unit_id: w.id, code: 'DB-001', position: 'Công chức' });
  addUser(env.db, 'hl.reporter', 'reporter', 'W-HIMLAM');
  addUser(env.db, 'db.officer', 'officer', 'T-DIENBIEN');
  addUser(env.db, 'db.council', 'council', 'T-DIENBIEN');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function as(login) {
  const { context, page } = await newPage(browser);
  await loginForm(page, srv.base, login, testPassword(login));
  return { context, page };
}

test('the ward drafts the proposal, picks the nominee by name and submits it to the province', async () => {
  const { context, page } = await as('hl.reporter');
  await page.goto(`${srv.base}/proposals/new`);
  const form = page.locator('form[action="/proposals"]');
  await pickOption(form, 'Đơn vị đề nghị', 'him lam', /^Phường Him Lam/);
  await form.locator('#f-title').fill('Đề nghị tặng danh hiệu Lao động tiên tiến năm 2024');
  await form.locator('#f-year').fill('2024');
  await submit(page, form.getByRole('button', { name: 'Tạo' }));
  proposalUrl = page.url();
  assert.match(proposalUrl, /\/proposals\/\d+$/);
  const add = page.locator('form:has(input[name="what"][value="nominee"])');
  await pickOption(add, 'Cá nhân', 'lo thi mai', /^Lò Thị Mai/);
  await add.locator('#f-award').selectOption('LDTT');
  await submit(page, add.getByRole('button', { name: 'Thêm' }));
  assert.match(await text(page.locator('table.list tbody')), /Lò Thị Mai[\s\S]*Lao động tiên tiến/);
  await screenshot(page, 'proposal.png');
  const step = page.locator('form:has(input[name="what"][value="step"])');
  assert.equal(await step.locator('#f-to option').first().innerText(), 'Tỉnh Điện Biên');
  await submit(page, step.getByRole('button', { name: 'Trình lên cấp trên' }));
  assert.match(await text(page.locator('dl.facts')), /Ban Thi đua – Khen thưởng đang xem xét\s+Tỉnh Điện Biên/);
  assertNoProblems(page);
  await context.close();
});

test('the board, the council and the authority of the province approve it in turn', async () => {
  for (const [login, after] of [['db.officer', 'Hội đồng đang xem xét'], ['db.council', 'chờ cấp có thẩm quyền quyết định'], ['db.officer', 'đã đồng ý']]) {
    const { context, page } = await as(login);
    await page.goto(proposalUrl);
    const step = page.locator('form:has(input[name="what"][value="step"])');
    await step.locator('#f-comment').fill('Nhất trí');
    if (login === 'db.council') await screenshot(page, 'proposal-council.png');
    await submit(page, step.getByRole('button', { name: 'Đồng ý', exact: true }));
    assert.match(await text(page.locator('dl.facts')), new RegExp(after));
    assertNoProblems(page);
    await context.close();
  }
});

test('the board issues the decision from the approved proposal; the certificate prints with the name and the award, and verifies', async () => {
  const { context, page } = await as('db.officer');
  await page.goto(`${srv.base}/decisions`);
  const form = page.locator('#new-decision');
  const id = proposalUrl.split('/').pop();
  await form.locator('#f-proposal_id').selectOption(id);
  await form.locator('#f-number').fill('88/QĐ-UBND');
  await form.locator('#f-date').fill('2024-12-27');
  await form.locator('#f-signer').fill('Lê Thành Đô');
  await form.locator('#f-signer_title').fill('Chủ tịch');
  await screenshot(page, 'decision-form.png');
  page.once('dialog', (d) => d.accept()); // a decision is revoked, never undone: the button asks first
  await submit(page, form.getByRole('button', { name: /ký/ }));
  assert.match(page.url(), /\/decisions\/\d+$/);
  const row = page.locator('#nominees tbody tr').first();
  assert.match(await text(row), /Lò Thị Mai[\s\S]*Lao động tiên tiến[\s\S]*702\.000 ₫/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#nominees a[href$="/certificates/1.pdf"]').click()]);
  const file = path.join(env.dir, 'from-proposal.pdf');
  await download.saveAs(file);
  const words = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
  assert.ok(words.includes('Lò Thị Mai') && words.includes('Lao động tiên tiến'), words);
  execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', file, path.join(env.dir, 'from-proposal')]);
  const url = execFileSync('zbarimg', ['-q', '--raw', path.join(env.dir, 'from-proposal.png')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const anon = (await newPage(browser)).page;
  await anon.goto(url);
  assert.equal(await anon.locator('#verdict').getAttribute('data-status'), 'valid');
  await screenshot(anon, 'verify.png');
  // the proposal says it was decided
  await page.goto(proposalUrl);
  assert.match(await text(page.locator('dl.facts')), /đã có quyết định/);
  assertNoProblems(page);
  await context.close();
});
