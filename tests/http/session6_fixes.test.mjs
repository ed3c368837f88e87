// Defects left by the reviews of 2026-11-30 and fixed in the session after,
// on the demo's data: a proposal's date typed dd/mm/yyyy into the address of
// the eligibility page comes back into its date field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer } from '../lib/server.mjs';
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
