// Defects left by the reviews of 2026-11-30 and fixed in the session after,
// on the demo's data: a proposal's date typed dd/mm/yyyy into the address of
// the eligibility page comes back into its date field; behind TLS the
// anonymous forms' cookie is Secure as the session's is; a backup, which
// holds password hashes, is readable by its owner only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeDb, startServer, thidua, onPg } from '../lib/server.mjs';
import { formLogin, sql } from './_util.mjs';

let env, srv;

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
});

after(async () => {
  if (srv) await srv.stop();
});

test('the eligibility page puts a date typed dd/mm/yyyy back into its date field as the date it read', async () => {
  const b = await formLogin(srv.base, 'admin', env.adminPassword, 'vi');
  const unit = sql(env.db, "SELECT id FROM units WHERE code = 'QY-PNV'");
  const person = sql(env.db, "SELECT id FROM people WHERE code = 'QY-PNV-001'");
  const page = await b.get(`/eligibility?award=CSTDCS&unit_id=${unit}&person_id=${person}&year=2024&date=30%2F06%2F2024`);
  assert.equal(page.status, 200, page.text.slice(0, 300));
  assert.match(page.text, /<input type="date" id="f-date" name="date" value="2024-06-30">/);
  // one that is no date is said so, and the field is left as typed
  const bad = await b.get(`/eligibility?award=CSTDCS&unit_id=${unit}&person_id=${person}&year=2024&date=31%2F02%2F2024`);
  assert.equal(bad.status, 400);
  assert.match(bad.text, /<p class="error-msg" role="alert">Không phải là ngày hợp lệ \(dd\/mm\/yyyy\)<\/p>/);
});

test('behind a TLS proxy the login form\'s cookie (tdpre) is Secure, as the session cookie is', async () => {
  const plain = await fetch(`${srv.base}/login`);
  assert.match(plain.headers.get('set-cookie'), /^tdpre=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict$/);
  const tls = await fetch(`${srv.base}/login`, { headers: { 'X-Forwarded-Proto': 'https' } });
  assert.match(tls.headers.get('set-cookie'), /^tdpre=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
});

test('a backup is written readable and writable by its owner only, whatever the umask', { skip: onPg && 'thidua backup copies a SQLite file' }, () => {
  const dest = path.join(path.dirname(env.db), 'session6-backup.db');
  const r = thidua(['backup', dest, '--db', env.db]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((fs.statSync(dest).mode & 0o777).toString(8), '600');
  const again = thidua(['backup', dest, '--db', env.db]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /exists already; choose a new file/);
});
