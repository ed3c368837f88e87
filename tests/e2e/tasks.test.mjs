// Task monitoring in the browser, on the demo data set (seed 003): the
// officer of Cà Mau's steering committee sees Resolution 57's dashboard; a
// department's reporter marks one of its tasks done with a file as evidence;
// the officer accepts it and the dashboard moves (one more done, one fewer
// not yet due). Screenshots for docs/TASKS.md.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, Client } from '../lib/server.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { launch, newPage, loginForm, submit, text, IMG_DIR, assertNoProblems } from './browser.mjs';

let env, srv, browser, programme, task;

function today() {
  return new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
}

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  const officer = new Client(srv.base);
  await officer.login('camau.officer', env.demoUsers['camau.officer'].password);
  programme = (await officer.get('/api/v1/programmes')).data.items.find((p) => p.code === 'NQ57-CAMAU');
  // a task of the department that is not yet due today, without sub-tasks
  const l = await officer.get(`/api/v1/tasks?programme=${programme.id}&unit=T-CAMAU-SKHCN&status=not_due&limit=200`);
  task = l.data.items.find((t) => t.state === 'open' && t.subtasks === 0 && !t.parent_code);
  assert.ok(task, 'an open task of T-CAMAU-SKHCN');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function as(login) {
  const { context, page } = await newPage(browser);
  await loginForm(page, srv.base, login, env.demoUsers[login].password);
  return { context, page };
}

// the first screenful of a page (the pages are long), for docs/TASKS.md with SCREENSHOTS=docs
async function screenshot(page, name) {
  fs.mkdirSync(IMG_DIR, { recursive: true });
  await page.screenshot({ path: path.join(IMG_DIR, name), fullPage: false });
}

const count = async (page, id) => Number((await text(page.locator(`#n-${id}`))).replace(/\./g, ''));

test('the officer sees seed 003 on the meeting date: 1 132 tasks, 485 done, 561 not yet due, 86 overdue', async () => {
  const { context, page } = await as('camau.officer');
  await page.goto(`${srv.base}/programmes`);
  await page.getByRole('link', { name: programme.title }).click();
  await page.locator('#as_of').fill('2025-10-14');
  await page.locator('#compare').fill('2025-06-30');
  await Promise.all([page.waitForURL(/as_of=2025-10-14/), page.getByRole('button', { name: 'Xem' }).click()]);
  assert.deepEqual([await count(page, 'total'), await count(page, 'done'), await count(page, 'not_due'), await count(page, 'overdue')], [1132, 485, 561, 86]);
  // compared with the end of Q2 2025, as the meeting did: more done, fewer overdue
  assert.match(await text(page.locator('#comparison')), /^So với 30\/06\/2025: đã xong \+183, quá hạn −39/);
  assert.equal(await page.locator('figure.chart svg').count(), 3);
  await screenshot(page, 'tasks-dashboard.png');
  await page.locator('#h-overdue').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -560));
  await screenshot(page, 'tasks-units.png');
  assertNoProblems(page);
  await context.close();
});

test('a reporter marks a task done with evidence; the officer accepts it and sees the dashboard move', async () => {
  const officer = await as('camau.officer');
  await officer.page.goto(`${srv.base}/programmes/${programme.id}`);
  const before = { done: await count(officer.page, 'done'), notDue: await count(officer.page, 'not_due') };

  const { context, page } = await as('camau.skhcn');
  await page.goto(`${srv.base}/tasks/${task.id}`);
  const form = page.locator('#completion-form');
  await form.locator('#f-done_on').fill(today());
  await form.locator('#f-completion-note').fill('Đã đưa cơ sở dữ liệu vào vận hành');
  await form.locator('#f-completion-file').setInputFiles({
    name: 'bien-ban-nghiem-thu.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
  });
  const res = await submit(page, form.getByRole('button', { name: 'Báo cáo hoàn thành' }));
  assert.equal(res.status(), 303);
  assert.equal(await text(page.locator('#task-state')), 'chờ xem xét');
  assert.match(await text(page.locator('#evidence')), /bien-ban-nghiem-thu\.pdf/);
  await screenshot(page, 'tasks-reporter.png');
  assertNoProblems(page);
  await context.close();

  // not done until accepted
  await officer.page.reload();
  assert.equal(await count(officer.page, 'done'), before.done);
  await officer.page.goto(`${srv.base}/tasks/${task.id}`);
  await officer.page.locator('#f-comment').fill('Đạt yêu cầu');
  await submit(officer.page, officer.page.getByRole('button', { name: 'Chấp nhận' }));
  assert.equal(await text(officer.page.locator('#task-status')), 'hoàn thành đúng hạn');
  await screenshot(officer.page, 'tasks-task.png');
  await officer.page.goto(`${srv.base}/programmes/${programme.id}`);
  assert.equal(await count(officer.page, 'done'), before.done + 1);
  assert.equal(await count(officer.page, 'not_due'), before.notDue - 1);
  assertNoProblems(officer.page);
  await officer.context.close();
});
