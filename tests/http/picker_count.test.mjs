// The move picker of a unit page decides between a select (at most 60
// choices) and a search step. It counts the choices up to 61 by walking the
// officer's subtree, unless the units the page has read already (the unit's
// ancestors, with their active children) show that there are more: a root of
// the officer's range offers itself and its children, less the unit moved
// when it is one of them. Both ways must give the same form at the boundary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, makeDb, startServer, Client } from '../lib/server.mjs';
import { addUserAsync, mkUnit } from './_util.mjs';

let env, srv, admin, officer, root;
const u = {};

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  root = await mkUnit(admin, 'T-LC', 'Tỉnh Lai Châu', 'province');
  for (let i = 1; i <= 59; i++) {
    const code = `LC-P${String(i).padStart(2, '0')}`;
    u[code] = await mkUnit(admin, code, `Phòng ${String(i).padStart(2, '0')}`, 'department', root.id);
  }
  u['LC-P01-A'] = await mkUnit(admin, 'LC-P01-A', 'Tổ A', 'subunit', u['LC-P01'].id);
  const pw = await addUserAsync(BIN, env.db, 'lc.officer', 'officer', 'T-LC');
  officer = new Client(srv.base);
  await officer.login('lc.officer', pw);
});

after(async () => {
  if (srv) await srv.stop();
});

// the move form's choices when it is a select, else null (the search step)
async function moveChoices(unit) {
  const r = await officer.get(`/units/${unit.id}`);
  assert.equal(r.status, 200, r.text);
  const select = r.text.match(/<select id="f-parent_id"[\s\S]*?<\/select>/);
  if (!select) {
    assert.match(r.text, /name="find_parent_id"/, 'neither a select nor a search step');
    return null;
  }
  return [...select[0].matchAll(/<option value="(\d+)"/g)].length;
}

test('the move picker: a select up to 60 choices, a search step past them, whichever way they are known', async () => {
  // 59 departments and one team: moving a department offers the province,
  // the 58 other departments and the team
  assert.equal(await moveChoices(u['LC-P02']), 60);
  // moving the team: the province and its 59 departments
  assert.equal(await moveChoices(u['LC-P01-A']), 60);
  u['LC-P60'] = await mkUnit(admin, 'LC-P60', 'Phòng 60', 'department', root.id);
  // 61 choices: known from the province's 60 departments (the team is not one of them)
  assert.equal(await moveChoices(u['LC-P01-A']), null);
  // 61 choices, counted (the department moved is one of the 60)
  assert.equal(await moveChoices(u['LC-P02']), null);
  // a department deactivated is no choice: 60 again, either way
  const r = await admin.patch(`/api/v1/units/${u['LC-P60'].id}`, { json: { active: false, version: u['LC-P60'].version } });
  assert.equal(r.status, 200, r.text);
  assert.equal(await moveChoices(u['LC-P01-A']), 60);
  assert.equal(await moveChoices(u['LC-P02']), 60);
  // 60 departments again and no team: moving one of them offers the province
  // and the 59 others, though the province has 60 children
  let v = await admin.patch(`/api/v1/units/${u['LC-P60'].id}`, { json: { active: true, version: r.data.version } });
  assert.equal(v.status, 200, v.text);
  v = await admin.patch(`/api/v1/units/${u['LC-P01-A'].id}`, { json: { active: false, version: u['LC-P01-A'].version } });
  assert.equal(v.status, 200, v.text);
  assert.equal(await moveChoices(u['LC-P02']), 60);
  assert.equal(await moveChoices(u['LC-P60']), 60);
});
