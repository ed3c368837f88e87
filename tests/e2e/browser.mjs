// Shared pieces of the browser tests: launching Debian's Chromium headless
// with no network beyond 127.0.0.1, logging in through the form, and a few
// page helpers. Not a test file itself (node --test picks *.test.mjs).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { makeDb, startServer } from '../lib/server.mjs';

// Screenshots go to build/e2e-shots; `make screenshots` (SCREENSHOTS=docs) refreshes docs/img.
export const IMG_DIR = fileURLToPath(new URL(process.env.SCREENSHOTS === 'docs' ? '../../docs/img/' : '../../build/e2e-shots/', import.meta.url));

export const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function launch() {
  // The browser's own language decides how a date input shows its value: in
  // Vietnamese, dd/mm/yyyy as the offices read dates (Debian's chromium-l10n
  // has the language; on Linux Chromium takes it from LANGUAGE). The pages'
  // language is the context's (Accept-Language, the lang cookie).
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS,
    env: { ...process.env, LANGUAGE: 'vi', LANG: 'vi_VN.UTF-8' },
  });
}

// A fresh context: Vietnamese, as the offices use it, and the documented viewport.
// Every page error and failed request is collected so a test can assert none happened.
export async function newPage(browser, { locale = 'vi-VN' } = {}) {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(5000);
  context.setDefaultNavigationTimeout(10000);
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push('page error: ' + e.message));
  // a failed load is listed by its response below, with its address
  page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) page.problems.push('console: ' + m.text()); });
  page.on('response', (r) => { if (r.status() >= 400) page.problems.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`); });
  // a request the browser itself abandons when the page moves on (net::ERR_ABORTED,
  // e.g. the favicon of a page left at once) is not a failure of the server
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') page.problems.push('request failed: ' + r.url() + ' ' + r.failure()?.errorText);
  });
  return { context, page };
}

// Logs in through the form the way a person does and lands on the home page.
export async function loginForm(page, base, login, password) {
  await page.goto(base + '/login');
  await page.getByLabel('Tên đăng nhập').fill(login);
  await page.getByLabel('Mật khẩu').fill(password);
  await Promise.all([page.waitForURL(base + '/'), page.getByRole('button', { name: 'Đăng nhập' }).click()]);
}

// A fresh page on a phone's screen, 390 px wide, as many officers use it.
export async function phonePage(browser) {
  const { page } = await newPage(browser);
  await page.setViewportSize({ width: 390, height: 844 });
  return page;
}

// `make screenshots` refreshes the pictures the documents show (those already
// in docs/img); every other one goes to build/e2e-shots as in a test run.
const SHOTS_DIR = fileURLToPath(new URL('../../build/e2e-shots/', import.meta.url));
// Only when SCREENSHOTS is set (make screenshots sets it to "docs"; any
// other value keeps them under build/e2e-shots): a full-page picture is
// rendered and encoded by Chromium, CPU make test has no use for.
export async function screenshot(page, name) {
  if (!process.env.SCREENSHOTS) return;
  const dir = fs.existsSync(path.join(IMG_DIR, name)) ? IMG_DIR : SHOTS_DIR;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, name), fullPage: true });
}

// Submits the form a control belongs to by clicking it and waits for the next page.
export async function clickAndWait(page, locator) {
  await Promise.all([page.waitForEvent('load'), locator.click()]);
}

// Clicks a submit button and resolves to the response of the POST once the
// page it returned has loaded; fails at once if no answer comes (a crash).
export async function submit(page, button) {
  const answer = new Promise((resolve, reject) => {
    const done = () => { page.off('response', onResponse); page.off('requestfailed', onFailed); };
    const onResponse = (r) => { if (r.request().method() === 'POST') { done(); resolve(r); } };
    const onFailed = (r) => { if (r.method() === 'POST') { done(); reject(new Error(`POST ${r.url()} got no answer: ${r.failure()?.errorText}`)); } };
    page.on('response', onResponse);
    page.on('requestfailed', onFailed);
  });
  answer.catch(() => {}); // awaited below; a rejection during the click is not unhandled
  await button.click();
  const res = await answer;
  await page.waitForLoadState('load');
  return res;
}

// Chooses in a picker (src/web/picker.c) as a person does: types into the
// combobox labelled `label` inside `scope`, waits for the suggestions, checks
// the first one matches `expected`, arrows down to it and presses Enter.
export async function pickOption(scope, label, typed, expected) {
  const box = scope.getByRole('combobox', { name: label, exact: true });
  await box.fill('');
  await box.pressSequentially(typed);
  const option = scope.getByRole('listbox').getByRole('option').first();
  await option.waitFor();
  // focusing the box asks for every choice first: wait until the list answers the text typed
  for (let i = 0; expected && i < 50 && !expected.test((await option.innerText()).trim()); i++) await new Promise((r) => setTimeout(r, 100));
  if (expected) assert.match((await option.innerText()).trim(), expected);
  await box.press('ArrowDown');
  await box.press('Enter');
  return box;
}

// The link to a unit or person in the first column of a result table.
export const resultLink = (page, name) => page.locator('table.list tbody td:first-child').getByRole('link', { name, exact: true });

export const text = async (loc) => (await loc.innerText()).trim();

// The facts list of a unit or person page as { label: value }.
export async function facts(page) {
  return page.evaluate(() => {
    const out = {};
    for (const dt of document.querySelectorAll('dl.facts dt')) out[dt.textContent.trim()] = dt.nextElementSibling.textContent.trim();
    return out;
  });
}

// No script error, console error or failed response, except the `expected` ones
// (as '401 POST /login'); the list is emptied.
export function assertNoProblems(page, expected = []) {
  assert.deepEqual(page.problems, expected);
  page.problems.length = 0;
}

// A fresh database holding the demo data: a copy of the run's demo
// database (makeDb in tests/lib/server.mjs makes it once per build).
export function demoDb() {
  return makeDb({ demo: true });
}

// A server on a fresh copy of the demo database.
export async function demoServer() {
  const env = demoDb();
  return { env, srv: await startServer(env.db) };
}
