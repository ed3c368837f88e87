// The picker's endpoint never offers a unit or a person outside what the user
// may choose for that purpose; the forms render it as a select when the
// choices are few; a failing model form keeps the picked unit and person
// (defect 3); /units/new and /people/new without a unit show the form (defect 5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, makeDb, startServer, Client } from '../lib/server.mjs';
import { addUserAsync, mkUnit, mkPerson } from './_util.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, admin, reporter, officer, cmReporter;
const u = {};
const p = {};
const day = (offset) => officeDay(offset);
const codes = (r) => r.data.items.map((x) => x.code);

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  const add = async (code, name, kind, parent) => { u[code] = await mkUnit(admin, code, name, kind, parent ? u[parent].id : 1); };
  await add('T-SONLA', 'Tỉnh Sơn La', 'province');
  await add('SL-SNV', 'Sở Nội vụ tỉnh Sơn La', 'department', 'T-SONLA');
  await add('SL-SNV-VP', 'Văn phòng Sở Nội vụ', 'subunit', 'SL-SNV');
  await add('SL-STC', 'Sở Tài chính tỉnh Sơn La', 'department', 'T-SONLA');
  await add('T-CAMAU', 'Tỉnh Cà Mau', 'province');
  await add('CM-SNV', 'Sở Nội vụ tỉnh Cà Mau', 'department', 'T-CAMAU');
  const person = async (key, code, full_name, unit) => {
    p[key] = await mkPerson(admin, { code, full_name, gender: 'F', birth_year: 1980, unit_id: u[unit].id, position: 'Chuyên viên' });
  };
  await person('hoa', 'CC-SL-2', 'Cầm Thị Hoa', 'SL-SNV');
  await person('minh', 'CC-SL-3', 'Quàng Thị Minh', 'SL-SNV-VP');
  await person('tai', 'CC-SL-4', 'Lò Thị Tài', 'SL-STC');
  await person('mai', 'CC-CM-1', 'Trần Thị Mai', 'CM-SNV');
  const [pwR, pwO, pwC] = await Promise.all([
    addUserAsync(BIN, env.db, 'sl.reporter', 'reporter', 'T-SONLA'),
    addUserAsync(BIN, env.db, 'sl.officer', 'officer', 'T-SONLA'),
    addUserAsync(BIN, env.db, 'cm.reporter', 'reporter', 'T-CAMAU'),
  ]);
  reporter = new Client(srv.base);
  officer = new Client(srv.base);
  cmReporter = new Client(srv.base);
  await Promise.all([reporter.login('sl.reporter', pwR), officer.login('sl.officer', pwO), cmReporter.login('cm.reporter', pwC)]);
});

after(async () => {
  if (srv) await srv.stop();
});

// No test depends on another: each that needs a movement launches its own
// (and registers Sở Nội vụ in it when it needs that), under its own code,
// through the same API calls the tests assert.

// Sơn La's board invites its Department of Home Affairs (and the units below it)
async function launched(code, scope = ['SL-SNV']) {
  const r = await officer.post('/api/v1/movements', {
    json: {
      code, title: 'Thi đua cải cách hành chính', kind: 'regular', authority_code: 'T-SONLA',
      starts_on: day(-5), ends_on: day(100), register_by: day(20), scope, fields: ['economy'],
      metrics: [{ code: 'vnd', name: 'Kinh phí', unit: 'VND', kind: 'amount' }],
    },
  });
  assert.equal(r.status, 201, r.text);
  const l = await officer.post(`/api/v1/movements/${r.data.id}/status`, { json: { status: 'launched', version: r.data.version } });
  assert.equal(l.status, 200, l.text);
  return l.data;
}
// ... and Sở Nội vụ registers, as the model picker test does
async function registered(code) {
  const mv = await launched(code);
  const g = await reporter.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_id: u['SL-SNV'].id } });
  assert.equal(g.status, 201, g.text);
  return mv;
}

test('registration: only the invited subtree, within the reporter\'s own', async () => {
  const mv = await launched('SL-PICK');
  const r = await reporter.get(`/pick/units?for=registration&movement=${mv.id}`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.data.items, [
    { id: u['SL-SNV'].id, label: 'Sở Nội vụ tỉnh Sơn La', context: 'Tỉnh Sơn La', code: 'SL-SNV' },
    { id: u['SL-SNV-VP'].id, label: 'Văn phòng Sở Nội vụ', context: 'Sở Nội vụ tỉnh Sơn La', code: 'SL-SNV-VP' },
  ]);
  // without accents, by part of the name
  assert.deepEqual(codes(await reporter.get(`/pick/units?for=registration&movement=${mv.id}&q=van%20phong`)), ['SL-SNV-VP']);
  assert.deepEqual(codes(await reporter.get(`/pick/units?for=registration&movement=${mv.id}&q=so%20noi%20vu`)), ['SL-SNV', 'SL-SNV-VP']);
  // Cà Mau's reporter is not invited: nothing, not even Sơn La's units by name
  assert.deepEqual(codes(await cmReporter.get(`/pick/units?for=registration&movement=${mv.id}`)), []);
  assert.deepEqual(codes(await cmReporter.get(`/pick/units?for=registration&movement=${mv.id}&q=son%20la`)), []);
});

test('a unit is found by the words of its own name and of the units above it; "more" says others match', async () => {
  const pick = async (q, limit = 20) => (await officer.get(`/pick/units?for=read&limit=${limit}&q=${encodeURIComponent(q)}`)).data;
  // the department's office: its own name, then its department's ("son la" is only there)
  assert.deepEqual((await pick('van phong son la')).items.map((x) => [x.code, x.context]), [['SL-SNV-VP', 'Sở Nội vụ tỉnh Sơn La']]);
  assert.deepEqual((await pick('van phong ca mau')).items, []);
  // a name found as typed is not drowned in the units below it: the words are looked for higher up only when it is not
  assert.deepEqual((await pick('so noi vu')).items.map((x) => x.code), ['SL-SNV', 'SL-SNV-VP']);
  assert.deepEqual((await pick('noi vu tinh son la')).items.map((x) => x.code), ['SL-SNV']);
  assert.deepEqual((await pick('so noi vu son la')).items.map((x) => [x.code, x.context]), [['SL-SNV', 'Tỉnh Sơn La'], ['SL-SNV-VP', 'Sở Nội vụ tỉnh Sơn La']]);
  const one = await pick('so', 1);
  assert.deepEqual([one.items.length, one.more], [1, true]);
  assert.equal((await pick('so noi vu')).more, false);
  // the page's picker tells the script what to say then
  const page = await officer.get('/people/new');
  assert.match(page.text, /data-more="Còn kết quả khác: gõ thêm tên, hoặc tên đơn vị cấp trên"/);
});

test('model: only the registered units; a registered unit is not offered again for registration', async () => {
  const mv = await launched('SL-PICK-MODEL');
  assert.deepEqual(codes(await reporter.get(`/pick/units?for=model&movement=${mv.id}`)), []);
  const g = await reporter.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_id: u['SL-SNV'].id } });
  assert.equal(g.status, 201, g.text);
  assert.deepEqual(codes(await reporter.get(`/pick/units?for=model&movement=${mv.id}`)), ['SL-SNV']);
  assert.deepEqual(codes(await reporter.get(`/pick/units?for=registration&movement=${mv.id}`)), ['SL-SNV-VP']);
  assert.deepEqual(codes(await cmReporter.get(`/pick/units?for=model&movement=${mv.id}`)), []);
  assert.deepEqual(codes(await admin.get(`/pick/units?for=model&movement=${mv.id}`)), ['SL-SNV']);
});

test('units where the user may write people, or units', async () => {
  assert.deepEqual(codes(await reporter.get('/pick/units?for=people')), ['SL-SNV', 'SL-STC', 'T-SONLA', 'SL-SNV-VP']);
  assert.deepEqual(codes(await reporter.get('/pick/units?for=units')), [], 'a reporter writes no unit');
  assert.deepEqual(codes(await officer.get('/pick/units?for=units&q=noi%20vu')), ['SL-SNV', 'SL-SNV-VP']);
  // a move target is never the unit itself or a unit below it
  assert.deepEqual(codes(await officer.get(`/pick/units?for=units&not=${u['SL-SNV'].id}`)), ['SL-STC', 'T-SONLA']);
  assert.deepEqual(codes(await officer.get('/pick/units?for=authority')), ['SL-SNV', 'SL-STC', 'T-SONLA', 'SL-SNV-VP']);
  assert.deepEqual(codes(await cmReporter.get('/pick/units?for=authority')), []);
  // the scope of a movement may be any unit: the tree is public
  assert.deepEqual(codes(await cmReporter.get('/pick/units?for=scope&q=so%20noi%20vu')), ['CM-SNV', 'SL-SNV', 'SL-SNV-VP']);
});

test('people: those of the unit and the units below it, only where the user reads people', async () => {
  const r = await reporter.get(`/pick/people?for=person&unit=${u['SL-SNV'].id}`);
  assert.deepEqual(r.data.items, [
    { id: p.hoa.id, label: 'Cầm Thị Hoa', context: 'Sở Nội vụ tỉnh Sơn La', code: 'CC-SL-2' },
    { id: p.minh.id, label: 'Quàng Thị Minh', context: 'Văn phòng Sở Nội vụ', code: 'CC-SL-3' },
  ]);
  assert.deepEqual(codes(await reporter.get(`/pick/people?for=person&unit=${u['SL-SNV'].id}&q=quang%20thi`)), ['CC-SL-3']);
  assert.deepEqual(codes(await reporter.get(`/pick/people?for=person&unit=${u['T-SONLA'].id}&q=thi`)), ['CC-SL-2', 'CC-SL-4', 'CC-SL-3']);
  // each word begins a word of the name, in any order, as the people list searches
  assert.deepEqual(codes(await reporter.get(`/pick/people?for=person&unit=${u['SL-SNV'].id}&q=minh%20quang`)), ['CC-SL-3']);
  assert.deepEqual(codes(await reporter.get(`/pick/people?for=person&unit=${u['SL-SNV'].id}&q=Cam%20Hoa`)), ['CC-SL-2']);
  const out = await reporter.get(`/pick/people?for=person&unit=${u['CM-SNV'].id}`);
  assert.equal(out.status, 404);
  assert.doesNotMatch(out.text, /Trần Thị Mai/);
});

test('unknown purposes and addresses are 404; a stranger is sent to log in', async () => {
  assert.equal((await reporter.get('/pick/units?for=everything')).status, 404);
  assert.equal((await reporter.get('/pick/units')).status, 404);
  assert.equal((await reporter.get('/pick/codes?for=scope')).status, 404);
  assert.equal((await reporter.get('/pick/units?for=registration&movement=999999')).status, 404);
  assert.equal((await reporter.get('/pick/units?for=scope&limit=x')).status, 400);
  const anon = await new Client(srv.base).get('/pick/units?for=scope');
  assert.equal(anon.status, 303);
  assert.match(anon.headers.get('location'), /^\/login\?next=/);
});

test('defect 5: /units/new without a parent shows the form with a unit picker', async () => {
  const a = await admin.get('/units/new');
  assert.equal(a.status, 200);
  // an admin may leave the parent empty: a root unit
  assert.match(a.text, /<select id="f-parent_id" name="parent_id">\n<option value="">không có: đơn vị gốc<\/option>/);
  const o = await officer.get('/units/new');
  assert.equal(o.status, 200);
  const options = [...o.text.matchAll(/<option value="(\d*)"( selected)?>([^<]*)<\/option>/g)].map((m) => m[3]);
  assert.deepEqual(options.slice(0, 5), ['—', 'Sở Nội vụ tỉnh Sơn La — Tỉnh Sơn La', 'Sở Tài chính tỉnh Sơn La — Tỉnh Sơn La',
    'Tỉnh Sơn La — Việt Nam', 'Văn phòng Sở Nội vụ — Sở Nội vụ tỉnh Sơn La']);
  assert.match(o.text, /<select id="f-parent_id" name="parent_id" required>/);
  // the parent of the address is chosen already; the kind is not: "—" until chosen (it once was the country)
  const pre = await officer.get(`/units/new?parent=${u['SL-STC'].id}`);
  assert.match(pre.text, new RegExp(`<option value="${u['SL-STC'].id}" selected>Sở Tài chính tỉnh Sơn La`));
  assert.match(pre.text, /<select id="f-kind" name="kind">\n  <option value="" selected>—<\/option>\s*<option value="country">/);
  const noKind = await officer.post('/units', { form: { parent_id: String(u['SL-STC'].id), code: 'SL-STC-VP', name: 'Văn phòng Sở', kind: '' } });
  assert.equal(noKind.status, 422);
  assert.match(noKind.text, /id="e-kind">Bắt buộc nhập</);
  // an officer who chooses no parent is told so, with what was typed kept
  const bad = await officer.post('/units', { form: { parent_id: '', code: 'SL-NEW', name: 'Ban mới', kind: 'agency' } });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /id="e-parent_id">Bắt buộc nhập</);
  assert.match(bad.text, /name="code" value="SL-NEW"/);
  // an admin creates a root unit from the form
  const root = await admin.post('/units', { form: { parent_id: '', code: 'ROOT-LAO', name: 'Đơn vị gốc thử', kind: 'country' } });
  assert.equal(root.status, 303, root.text);
  const made = await admin.get('/api/v1/units?q=ROOT-LAO');
  assert.equal(made.data.items[0].parent_id, null);
});

test('defect 5: /people/new without a unit shows the form with a unit picker', async () => {
  const r = await reporter.get('/people/new');
  assert.equal(r.status, 200);
  const options = [...r.text.matchAll(/<option value="(\d*)">([^<]*)<\/option>/g)].map((m) => m[2]);
  assert.deepEqual(options.filter((x) => / — /.test(x)), ['Sở Nội vụ tỉnh Sơn La — Tỉnh Sơn La', 'Sở Tài chính tỉnh Sơn La — Tỉnh Sơn La',
    'Tỉnh Sơn La — Việt Nam', 'Văn phòng Sở Nội vụ — Sở Nội vụ tỉnh Sơn La']);
  // (no "Thị" in her name: the people picker test lists Sơn La's people with q=thi)
  const made = await reporter.post('/people', { form: { unit_id: String(u['SL-STC'].id), full_name: 'Điêu Ngọc Xuân', gender: 'F' } });
  assert.equal(made.status, 303, made.text);
  // no unit chosen: the form again with the name kept
  const bad = await reporter.post('/people', { form: { unit_id: '', full_name: 'Điêu Văn Thu', gender: 'M' } });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /value="Điêu Văn Thu"/);
  assert.match(bad.text, /id="e-unit_id">/);
});

test('defect 3: a failing model form keeps the picked unit and person, and what was typed', async () => {
  const mv = await registered('SL-PICK-FORM');
  const r = await reporter.post(`/movements/${mv.id}/models`, {
    form: { unit_id: String(u['SL-SNV'].id), owner_person_id: String(p.minh.id), title: '', field: 'economy', description: 'Một cửa điện tử', 'plans.vnd': '1.500.000' },
  });
  assert.equal(r.status, 422);
  assert.match(r.text, new RegExp(`<option value="${u['SL-SNV'].id}" selected>Sở Nội vụ tỉnh Sơn La — Tỉnh Sơn La</option>`));
  assert.match(r.text, new RegExp(`<option value="${p.minh.id}" selected>Quàng Thị Minh — Văn phòng Sở Nội vụ</option>`));
  assert.match(r.text, />Một cửa điện tử<\/textarea>/);
  assert.match(r.text, /name="plans.vnd" inputmode="decimal" value="1.500.000"/);
  // corrected, it registers the model with its owner
  const ok = await reporter.post(`/movements/${mv.id}/models`, {
    form: { unit_id: String(u['SL-SNV'].id), owner_person_id: String(p.minh.id), title: 'Một cửa điện tử', field: 'economy' },
  });
  assert.equal(ok.status, 303, ok.text);
  const model = await reporter.get(ok.headers.get('location').replace('/models/', '/api/v1/models/'));
  assert.equal(model.data.unit_code, 'SL-SNV');
  assert.equal(model.data.owner_person_id, p.minh.id);
});

test('a person picker that follows a unit field says to choose the unit first, not that nothing matches', async () => {
  const page = await officer.get('/eligibility');
  assert.equal(page.status, 200);
  assert.match(page.text, /data-unit-from="unit_id" data-first="Hãy chọn đơn vị trước"/);
});

// the choices of the registration form of a movement's page, as [text, chosen]
async function registerChoices(c, mv) {
  const page = await c.get(`/movements/${mv.id}`);
  assert.equal(page.status, 200);
  const form = page.text.match(/<form method="post" action="\/movements\/\d+\/registrations"[\s\S]*?<\/form>/);
  assert.ok(form, 'the registration form');
  const sel = form[0].match(/<select id="f-unit_id" name="unit_id" required>([\s\S]*?)<\/select>/);
  assert.ok(sel, 'the unit is a select');
  return [...sel[1].matchAll(/<option value="(\d*)"( selected)?>([^<]*)<\/option>/g)].map((m) => [m[3], !!m[2]]);
}

test('registration: the one unit of the reporter that may still register is chosen already; several are a choice, with a prompt', async () => {
  const mv = await launched('SL-PICK-ONE');
  // the department and its office are invited, Sơn La's other units are not: a choice of the two, nothing chosen
  assert.deepEqual(await registerChoices(reporter, mv), [
    ['Chọn đơn vị đăng ký', false], ['Sở Nội vụ tỉnh Sơn La — Tỉnh Sơn La', false], ['Văn phòng Sở Nội vụ — Sở Nội vụ tỉnh Sơn La', false],
  ]);
  // the department registered: its office alone may still register, and is chosen
  const g = await reporter.post(`/api/v1/movements/${mv.id}/registrations`, { json: { unit_id: u['SL-SNV'].id } });
  assert.equal(g.status, 201, g.text);
  assert.deepEqual(await registerChoices(reporter, mv), [['Chọn đơn vị đăng ký', false], ['Văn phòng Sở Nội vụ — Sở Nội vụ tỉnh Sơn La', true]]);
  // the form as it comes registers the office
  const r = await reporter.post(`/movements/${mv.id}/registrations`, { form: { unit_id: String(u['SL-SNV-VP'].id), pledge: 'Số hoá hồ sơ' } });
  assert.equal(r.status, 303, r.text);
  const regs = await reporter.get(`/api/v1/movements/${mv.id}/registrations`);
  assert.deepEqual(regs.data.items.map((x) => x.unit_code).sort(), ['SL-SNV', 'SL-SNV-VP']);
  // the office withdraws: it may register again, and is chosen again
  const vp = regs.data.items.find((x) => x.unit_code === 'SL-SNV-VP');
  const w = await reporter.patch(`/api/v1/registrations/${vp.id}`, { json: { active: false, version: vp.version } });
  assert.equal(w.status, 200, w.text);
  assert.deepEqual(await registerChoices(reporter, mv), [['Chọn đơn vị đăng ký', false], ['Văn phòng Sở Nội vụ — Sở Nội vụ tỉnh Sơn La', true]]);
  // a movement that invites only the office: of the reporter's province, it alone may register, chosen
  const office = await launched('SL-PICK-VP', ['SL-SNV-VP']);
  assert.deepEqual(await registerChoices(reporter, office), [['Chọn đơn vị đăng ký', false], ['Văn phòng Sở Nội vụ — Sở Nội vụ tỉnh Sơn La', true]]);
  // the combobox says what to choose
  assert.match((await reporter.get(`/movements/${mv.id}`)).text, /data-name="unit_id" data-prompt="Chọn đơn vị đăng ký"/);
});
