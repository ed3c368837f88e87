// Indicators over HTTP (issue 13): definitions (a percent is never summed),
// values entered by a unit's reporter and rolled up live (a parent's figure
// is the aggregate of its children's, a weighted ratio is Σnum/Σden), the
// validation rules refusing inconsistent values with their own message, the
// approval by the level above locking them (409), unlocking with a reason,
// the history, the XLSX/CSV import all or nothing with "line N: reason",
// an index ranked with ties, the public dashboard without login, and the
// demo's seed figures for Sơn La.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, makeDb, startServer, Client } from '../lib/server.mjs';
import { addUserAsync, mkUnit } from './_util.mjs';
import { xlsx } from '../lib/xlsx.mjs';

let env, srv, admin, reporter, officer, u;
const en = { headers: { 'Accept-Language': 'en' } };
const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.data; };

async function indicator(code, kind, aggregation, extra = {}) {
  return ok(await admin.post('/api/v1/indicators', {
    json: { code, name_vi: code, name_en: code, name_hi: code, kind, aggregation, direction: 'higher', period_type: 'year', ...extra },
  }), 201);
}
const enter = (c, unit, values, period = '2025') => c.post('/api/v1/indicator-values', { json: { unit_id: unit.id, period, values }, ...en });
const figures = async (c, indicator, unit, period = '2025') =>
  ok(await c.get(`/api/v1/indicator-figures?indicator=${indicator}&unit_id=${unit.id}&period=${period}`));

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  u = {};
  u.SL = await mkUnit(admin, 'T-SL', 'Tỉnh Sơn La', 'province');
  u.D1 = await mkUnit(admin, 'SL-D1', 'Huyện Mộc Châu', 'district', u.SL.id);
  u.D2 = await mkUnit(admin, 'SL-D2', 'Huyện Yên Châu', 'district', u.SL.id);
  u.C11 = await mkUnit(admin, 'SL-C11', 'Xã Chiềng Sơn', 'commune', u.D1.id);
  u.C12 = await mkUnit(admin, 'SL-C12', 'Xã Đông Sang', 'commune', u.D1.id);
  u.C21 = await mkUnit(admin, 'SL-C21', 'Xã Chiềng Pằn', 'commune', u.D2.id);
  reporter = new Client(srv.base);
  await reporter.login('c11.reporter', await addUserAsync(BIN, env.db, 'c11.reporter', 'reporter', 'SL-C11'));
  officer = new Client(srv.base);
  await officer.login('d1.officer', await addUserAsync(BIN, env.db, 'd1.officer', 'officer', 'SL-D1'));
  await indicator('teams', 'number', 'sum', { measure: 'tổ' });
  await indicator('water', 'ratio', 'weighted');
  await indicator('houses_new', 'number', 'sum');
  await indicator('houses_repaired', 'number', 'sum');
  await indicator('houses_supported', 'number', 'sum');
});

after(async () => { if (srv) await srv.stop(); });

test('a definition that cannot aggregate is refused; the list has the definitions', async () => {
  const r = await admin.post('/api/v1/indicators', {
    json: { code: 'poverty_sum', name_vi: 'x', name_en: 'x', name_hi: 'x', kind: 'percent', aggregation: 'sum', direction: 'lower', period_type: 'year' }, ...en,
  });
  assert.equal(r.status, 422);
  assert.equal(r.data.error.fields.aggregation, 'Percents and ratios are not summed');
  const list = ok(await admin.get('/api/v1/indicators'));
  assert.deepEqual(list.items.map((x) => x.code), ['houses_new', 'houses_repaired', 'houses_supported', 'teams', 'water']);
  const r2 = await reporter.post('/api/v1/indicators', { json: { code: 'x', name_vi: 'x', name_en: 'x', name_hi: 'x', kind: 'number', aggregation: 'sum', direction: 'higher', period_type: 'year' } });
  assert.equal(r2.status, 403);
});

test('values roll up live: the parent is the aggregate of its children, a ratio is weighted', async () => {
  ok(await enter(reporter, u.C11, [{ indicator: 'teams', value: 1000 }, { indicator: 'water', numerator: 900, denominator: 1000 }]));
  ok(await enter(admin, u.C12, [{ indicator: 'teams', value: 448 }, { indicator: 'water', numerator: 50, denominator: 100 }]));
  ok(await enter(admin, u.C21, [{ indicator: 'teams', value: 1000 }, { indicator: 'water', numerator: 440, denominator: 1000 }]));
  const prov = await figures(admin, 'teams', u.SL);
  assert.deepEqual(prov.figure, { value: 2448, count: 3, target: null, achievement: null });
  assert.deepEqual(prov.children.map((c) => [c.code, c.figure.value]), [['SL-D1', 1448], ['SL-D2', 1000]]);
  assert.equal(prov.figure.value, prov.children.reduce((s, c) => s + c.figure.value, 0));
  // a change is in the province's figure at once
  ok(await enter(reporter, u.C11, [{ indicator: 'teams', value: 1010 }]));
  assert.equal((await figures(admin, 'teams', u.SL)).figure.value, 2458);
  ok(await enter(reporter, u.C11, [{ indicator: 'teams', value: 1000 }]));
  // Σ numerators / Σ denominators: 950/1100 and 1390/2100, not the mean of the percents
  const d1 = await figures(admin, 'water', u.D1);
  assert.ok(Math.abs(d1.figure.value - 100 * 950 / 1100) < 1e-9, String(d1.figure.value));
  assert.ok(Math.abs((await figures(admin, 'water', u.SL)).figure.value - 100 * 1390 / 2100) < 1e-9);
  // a reporter enters for its own unit only; a bad value is 422 naming it
  assert.equal((await enter(reporter, u.C12, [{ indicator: 'teams', value: 1 }])).status, 403);
  const bad = await enter(admin, u.C12, [{ indicator: 'water', numerator: 5, denominator: 0 }]);
  assert.equal(bad.status, 422);
  assert.equal(bad.data.error.fields['values[0]'], 'The denominator must be greater than 0');
  // the unit's page of values
  const vals = ok(await reporter.get(`/api/v1/indicator-values?unit_id=${u.C11.id}&period=2025`));
  const teams = vals.items.find((x) => x.indicator === 'teams');
  assert.deepEqual([teams.value, teams.status, teams.figure.value], [1000, 'entered', 1000]);
});

test('a definition changes with its version; with values it keeps its code and kind', async () => {
  const list = ok(await admin.get('/api/v1/indicators'));
  const teams = list.items.find((x) => x.code === 'teams');
  const body = { code: 'teams', name_vi: 'Tổ công nghệ số cộng đồng', name_en: 'Community digital teams', name_hi: 'सामुदायिक डिजिटल दल',
    measure: 'tổ', kind: 'number', aggregation: 'sum', direction: 'higher', period_type: 'year' };
  const changed = ok(await admin.patch(`/api/v1/indicators/${teams.id}`, { json: { ...body, version: teams.version } }));
  assert.deepEqual([changed.name_vi, changed.version], ['Tổ công nghệ số cộng đồng', teams.version + 1]);
  assert.equal((await admin.patch(`/api/v1/indicators/${teams.id}`, { json: { ...body, version: teams.version } })).status, 409);
  const kind = await admin.patch(`/api/v1/indicators/${teams.id}`, { json: { ...body, aggregation: 'mean', version: changed.version }, ...en });
  assert.equal(kind.status, 409);
  assert.equal(kind.data.error.message, 'An indicator with values keeps its code, kind, aggregation and period type');
  assert.equal(ok(await admin.get(`/api/v1/indicators/${teams.id}`)).aggregation, 'sum');
});

test('validation rules refuse inconsistent values with their own message, or warn', async () => {
  const bad = await admin.post('/api/v1/indicator-rules', {
    json: { code: 'x', expression: 'houses_new + = 3', severity: 'error', message_vi: 'x', message_en: 'x', message_hi: 'x' }, ...en,
  });
  assert.equal(bad.status, 422);
  assert.equal(bad.data.error.fields.expression, 'Column 14: Expected a value, found =');
  ok(await admin.post('/api/v1/indicator-rules', {
    json: { code: 'houses_total', expression: 'houses_new + houses_repaired = houses_supported', severity: 'error',
      message_vi: 'Số nhà xây mới cộng nhà sửa chữa phải bằng số nhà được hỗ trợ',
      message_en: 'New and repaired houses must add up to the houses supported', message_hi: 'योग बराबर होना चाहिए' },
  }), 201);
  ok(await admin.post('/api/v1/indicator-rules', {
    json: { code: 'houses_many', expression: 'houses_new <= 2000', severity: 'warning',
      message_vi: 'Nhiều nhà xây mới bất thường', message_en: 'Unusually many new houses', message_hi: 'असामान्य' },
  }), 201);
  const refused = await enter(admin, u.SL, [{ indicator: 'houses_new', value: 2653 }, { indicator: 'houses_repaired', value: 405 },
    { indicator: 'houses_supported', value: 3000 }]);
  assert.equal(refused.status, 422);
  assert.deepEqual(refused.data.error, { code: 'validation', message: 'New and repaired houses must add up to the houses supported', rule: 'houses_total' });
  const vi = await admin.post('/api/v1/indicator-values', { json: { unit_id: u.SL.id, period: '2025', values: [{ indicator: 'houses_new', value: 1 },
    { indicator: 'houses_repaired', value: 1 }, { indicator: 'houses_supported', value: 3 }] } });
  assert.equal(vi.data.error.message, 'Số nhà xây mới cộng nhà sửa chữa phải bằng số nhà được hỗ trợ');
  const accepted = ok(await enter(admin, u.SL, [{ indicator: 'houses_new', value: 2653 }, { indicator: 'houses_repaired', value: 405 },
    { indicator: 'houses_supported', value: 3058 }]));
  assert.deepEqual(accepted, { entered: 3, warnings: [{ rule: 'houses_many', message: 'Unusually many new houses', indicator: 'houses_new' }] });
  assert.equal((await figures(admin, 'houses_supported', u.SL)).figure.value, 3058);
  const rules = ok(await admin.get('/api/v1/indicator-rules'));
  assert.deepEqual(rules.items.map((x) => [x.code, x.severity]), [['houses_many', 'warning'], ['houses_total', 'error']]);
});

test('approval by the level above locks the values; unlocking needs a reason; the history keeps all', async () => {
  ok(await enter(reporter, u.C11, [{ indicator: 'teams', value: 1000 }]));
  assert.equal((await reporter.post('/api/v1/indicator-values/approve', { json: { unit_id: u.C11.id, period: '2025' } })).status, 403);
  assert.equal((await officer.post('/api/v1/indicator-values/approve', { json: { unit_id: u.D1.id, period: '2025' } })).status, 403);
  assert.deepEqual(ok(await officer.post('/api/v1/indicator-values/approve', { json: { unit_id: u.C11.id, period: '2025' } })), { approved: 2 });
  const again = await officer.post('/api/v1/indicator-values/approve', { json: { unit_id: u.C11.id, period: '2025' }, ...en });
  assert.equal(again.status, 409);
  const locked = await enter(reporter, u.C11, [{ indicator: 'teams', value: 999 }]);
  assert.equal(locked.status, 409);
  assert.equal(locked.data.error.code, 'state');
  assert.equal(locked.data.error.message, 'Approved values are locked; ask the level above to unlock them');
  const noReason = await officer.post('/api/v1/indicator-values/unlock', { json: { unit_id: u.C11.id, period: '2025' }, ...en });
  assert.equal(noReason.status, 422);
  assert.equal(noReason.data.error.fields.reason, 'Give the reason for unlocking');
  assert.deepEqual(ok(await officer.post('/api/v1/indicator-values/unlock', { json: { unit_id: u.C11.id, period: '2025', reason: 'Sai số tổ' } })), { unlocked: 2 });
  ok(await enter(reporter, u.C11, [{ indicator: 'teams', value: 999 }]));
  const h = ok(await reporter.get(`/api/v1/indicator-values/history?indicator=teams&unit_id=${u.C11.id}&period=2025`));
  const tail = h.items.slice(-4).map((x) => [x.action, x.value, x.user, x.comment]);
  assert.deepEqual(tail, [['enter', 1000, 'c11.reporter', null], ['approve', 1000, 'd1.officer', null],
    ['unlock', 1000, 'd1.officer', 'Sai số tổ'], ['enter', 999, 'c11.reporter', null]]);
  ok(await enter(reporter, u.C11, [{ indicator: 'teams', value: 1000 }]));
});

function csvUpload(text) {
  const fd = new FormData();
  fd.append('file', new Blob([text], { type: 'text/csv' }), 'values.csv');
  return fd;
}
async function importCsv(c, text) {
  const fd = csvUpload(text);
  const req = new Request('http://x', { method: 'POST', body: fd });
  const body = Buffer.from(await req.arrayBuffer());
  return c.post('/api/v1/indicator-values/import', { raw: body, headers: { 'Content-Type': req.headers.get('content-type'), 'Accept-Language': 'en' } });
}

test('an import is all or nothing, with the line of each error and the same rules', async () => {
  const before = (await figures(admin, 'teams', u.D2)).figure.value;
  const bad = await importCsv(admin, 'unit_code,indicator_code,period,value,numerator,denominator,comment\n'
    + 'SL-C21,teams,2025,1200,,,\n'
    + 'SL-C21,nope,2025,1,,,\n'
    + 'SL-C21,teams,2025-07,1,,,\n'
    + 'SL-NONE,teams,2025,1,,,\n'
    + 'SL-C21,water,2025,,5,0,\n');
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.data.error.lines, ['line 3: No such indicator', "line 4: The period does not match the indicator's period type",
    'line 5: No such unit', 'line 6: The denominator must be greater than 0']);
  assert.equal((await figures(admin, 'teams', u.D2)).figure.value, before);
  // the rules hold in an import too
  const rule = await importCsv(admin, 'unit_code,indicator_code,period,value\nSL-C21,houses_new,2025,10\nSL-C21,houses_repaired,2025,5\nSL-C21,houses_supported,2025,16\n');
  assert.deepEqual(rule.data.error.lines, ['line 2: New and repaired houses must add up to the houses supported']);
  const good = await importCsv(admin, 'unit_code,indicator_code,period,value,numerator,denominator,comment\n'
    + 'SL-C21,teams,2025,1200,,,\nSL-C21,water,2025,,500,1000,Số liệu điều tra\n');
  assert.deepEqual(ok(good), { imported: 2 });
  assert.equal((await figures(admin, 'teams', u.D2)).figure.value, 1200);
  assert.equal((await figures(admin, 'teams', u.SL)).figure.value, 1000 + 448 + 1200);
  // the template of the unit and period, as XLSX
  const t = await admin.get(`/indicators/template?unit_id=${u.C21.id}&period=2025&format=csv`);
  assert.equal(t.status, 200);
  assert.match(t.text, /^unit_code,indicator_code,indicator_name,period,value,numerator,denominator,comment/);
  assert.match(t.text, /SL-C21,teams,Tổ công nghệ số cộng đồng,2025,1200,,,/);
  // the XLSX template filled offline and imported back: the same values, through the same checks
  const x = await fetch(`${srv.base}/indicators/template?unit_id=${u.C21.id}&period=2025&format=xlsx`, { headers: { Authorization: 'Bearer ' + admin.token } });
  assert.equal(x.status, 200);
  const bytes = Buffer.from(await x.arrayBuffer());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK');
  const fd = new FormData();
  fd.append('file', new Blob([bytes]), 'indicators.xlsx');
  const req = new Request('http://x', { method: 'POST', body: fd });
  const back = await admin.post('/api/v1/indicator-values/import', { raw: Buffer.from(await req.arrayBuffer()), headers: { 'Content-Type': req.headers.get('content-type') } });
  assert.deepEqual(ok(back), { imported: 2 });   // teams and water; the empty lines are skipped
  assert.equal((await figures(admin, 'teams', u.C21)).figure.value, 1200);
  assert.equal((await figures(admin, 'water', u.C21)).figure.value, 50);
});

test('an index ranks units with ties and shows the change since last year', async () => {
  await indicator('online', 'percent', 'mean');
  await indicator('trained', 'number', 'sum');
  const depts = [];
  for (const [i, code] of ['SL-S1', 'SL-S2', 'SL-S3'].entries()) depts.push(await mkUnit(admin, code, `Sở ${i + 1}`, 'department', u.D2.id));
  const vals = [[100, 30], [50, 30], [75, 10]];
  for (const [i, [online, trained]] of vals.entries())
    ok(await enter(admin, depts[i], [{ indicator: 'online', value: online }, { indicator: 'trained', value: trained }]));
  ok(await enter(admin, depts[2], [{ indicator: 'online', value: 100 }], '2024'));
  const ix = ok(await admin.post('/api/v1/indexes', { json: {
    code: 'DTI-T', name_vi: 'Chỉ số', name_en: 'Index', name_hi: 'Index', scope_id: u.D2.id, unit_kind: 'department', total_points: 100,
    criteria: [
      { code: 'A', name_vi: 'A', name_en: 'A', name_hi: 'A', points: 60 },
      { code: 'A1', name_vi: 'A1', name_en: 'A1', name_hi: 'A1', points: 60, parent: 'A', indicator: 'online', method: 'linear', lo: 0, hi: 100 },
      { code: 'B', name_vi: 'B', name_en: 'B', name_hi: 'B', points: 40 },
      { code: 'B1', name_vi: 'B1', name_en: 'B1', name_hi: 'B1', points: 40, parent: 'B', indicator: 'trained', method: 'rank' },
    ] } }), 201);
  const r = ok(await admin.get(`/api/v1/indexes/${ix.id}/ranking?year=2025`));
  // S1 60+40 = 100; S2 30+40 = 70; S3 45+0 = 45 (trained: S1, S2 tie first)
  assert.deepEqual(r.items.map((x) => [x.code, x.rank, x.score, x.points.A, x.points.B1, x.previous_rank]),
    [['SL-S1', 1, 100, 60, 40, null], ['SL-S2', 2, 70, 30, 40, null], ['SL-S3', 3, 45, 45, 0, 1]]);
  // a tie of scores shares the rank
  ok(await enter(admin, depts[1], [{ indicator: 'online', value: 100 }]));
  const t = ok(await admin.get(`/api/v1/indexes/${ix.id}/ranking?year=2025`));
  assert.deepEqual(t.items.map((x) => [x.code, x.rank, x.score]), [['SL-S1', 1, 100], ['SL-S2', 1, 100], ['SL-S3', 3, 45]]);
  const bad = await admin.post('/api/v1/indexes', { json: {
    code: 'DTI-BAD', name_vi: 'x', name_en: 'x', name_hi: 'x', scope_id: u.D2.id, total_points: 1000,
    criteria: [{ code: 'A', name_vi: 'A', name_en: 'A', name_hi: 'A', points: 60 },
      { code: 'A1', name_vi: 'A1', name_en: 'A1', name_hi: 'A1', points: 60, parent: 'A', indicator: 'online', method: 'linear', lo: 0, hi: 100 }] }, ...en });
  assert.equal(bad.status, 422);
  assert.equal(bad.data.error.fields.total_points, 'The points of the main criteria must add up to the total');
  const page = await admin.get(`/indexes/${ix.id}?year=2025`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Sở 1/);
});

test('a public dashboard needs no login; a private one is not public', async () => {
  ok(await admin.post('/api/v1/indicator-targets', { json: { indicator: 'teams', unit_id: u.SL.id, period: '2025', target: 3000 } }));
  const made = ok(await admin.post('/api/v1/indicator-dashboards', { json: { slug: 'sl-test', title: 'Tỉnh Sơn La', unit_id: u.SL.id,
    indicators: 'teams,water', period_from: '2024', period_to: '2025', public: true, title_en: 'Son La province' } }), 201);
  ok(await admin.post('/api/v1/indicator-dashboards', { json: { slug: 'sl-private', title: 'Riêng', unit_id: u.SL.id,
    indicators: 'teams', period_from: '2025', period_to: '2025', public: false } }), 201);
  const anon = new Client(srv.base);
  const d = ok(await anon.get('/api/v1/public/indicators/sl-test'));
  const teams = d.indicators.find((x) => x.code === 'teams');
  assert.deepEqual(teams.periods[0], { period: '2024', figure: { value: null, count: 0, target: null, achievement: null } });
  const f = teams.periods[1].figure;
  assert.deepEqual([teams.periods[1].period, f.value, f.count, f.target], ['2025', 2648, 3, 3000]);
  assert.ok(Math.abs(f.achievement - 100 * 2648 / 3000) < 1e-9, String(f.achievement));
  assert.equal((await anon.get('/api/v1/public/indicators/sl-private')).status, 404);
  const page = await anon.get('/public/indicators/sl-test');
  assert.equal(page.status, 200);
  assert.match(page.text, /<svg[^>]*role="img"/);
  // the title in the visitor's language: English as typed for English; Hindi, not said, the Vietnamese one
  assert.match(page.text, /<h1>Tỉnh Sơn La<\/h1>/);
  const title = async (lang) => (await anon.get('/api/v1/public/indicators/sl-test', { headers: { 'Accept-Language': lang } })).data.title;
  assert.deepEqual([await title('vi'), await title('en'), await title('hi')], ['Tỉnh Sơn La', 'Son La province', 'Tỉnh Sơn La']);
  assert.match((await anon.get('/public/indicators/sl-test', { headers: { 'Accept-Language': 'en' } })).text, /<h1>Son La province<\/h1>/);
  // a correction without the translations keeps them; one that says them changes them; a number is not a title
  ok(await admin.patch(`/api/v1/indicator-dashboards/${made.id}`, { json: { version: 1, slug: 'sl-test', title: 'Tỉnh Sơn La', unit_id: u.SL.id,
    indicators: 'teams,water', period_from: '2024', period_to: '2025', public: true } }));
  assert.equal(await title('en'), 'Son La province');
  ok(await admin.patch(`/api/v1/indicator-dashboards/${made.id}`, { json: { version: 2, slug: 'sl-test', title: 'Tỉnh Sơn La', unit_id: u.SL.id,
    indicators: 'teams,water', period_from: '2024', period_to: '2025', public: true, title_en: '', title_hi: 'सोन ला प्रांत' } }));
  assert.deepEqual([await title('en'), await title('hi')], ['Tỉnh Sơn La', 'सोन ला प्रांत']);
  const wrong = await admin.patch(`/api/v1/indicator-dashboards/${made.id}`, { json: { version: 3, slug: 'sl-test', title: 'Tỉnh Sơn La', unit_id: u.SL.id,
    indicators: 'teams,water', period_from: '2024', period_to: '2025', public: true, title_en: 42 } });
  assert.equal(wrong.status, 422);
  assert.equal(wrong.data.error.fields.title_en, 'Phải là văn bản');
  assert.match(page.text, /data-figure="teams">2\.648/);
  assert.equal((await anon.get('/indicators')).status, 303);
});

test('the unit page shows values and figures; the form saves in the Vietnamese way', async () => {
  const web = new Client(srv.base);
  const login = await web.get('/login');
  const pre = login.text.match(/name="_csrf" value="([^"]+)"/)[1];
  const r = await web.post('/login', { form: { _csrf: pre, login: 'c11.reporter', password: (await import('../lib/server.mjs')).testPassword('c11.reporter') } });
  assert.equal(r.status, 303);
  const page = await web.get(`/indicators?unit_id=${u.C11.id}&period=2025`);
  assert.equal(page.status, 200);
  const csrf = page.text.match(/name="_csrf" value="([^"]+)"/)[1];
  assert.match(page.text, /name="v\.teams"[^>]*value="1\.000"/);
  const saved = await web.post('/indicators/values', { form: { _csrf: csrf, unit_id: String(u.C11.id), period: '2025', 'v.teams': '1.100', 'n.water': '905,5', 'd.water': '1.000' } });
  assert.equal(saved.status, 303, saved.text);
  assert.equal((await figures(admin, 'teams', u.C11)).figure.value, 1100);
  assert.equal((await figures(admin, 'water', u.C11)).figure.value, 90.55);
  const bad = await web.post('/indicators/values', { form: { _csrf: csrf, unit_id: String(u.C11.id), period: '2025', 'v.teams': '1.5' } });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /aria-invalid="true"/);
  assert.ok(bad.text.includes('Phải là số viết như 1.500.000,5 (dấu chấm nhóm hàng nghìn, dấu phẩy trước phần thập phân)'));
  ok(await enter(reporter, u.C11, [{ indicator: 'teams', value: 1000 }]));
});

test('an officer sets a target and saves a public dashboard from the pages', async () => {
  const web = new Client(srv.base);
  const login = await web.get('/login');
  const pre = login.text.match(/name="_csrf" value="([^"]+)"/)[1];
  const { testPassword } = await import('../lib/server.mjs');
  assert.equal((await web.post('/login', { form: { _csrf: pre, login: 'd1.officer', password: testPassword('d1.officer') } })).status, 303);
  const page = await web.get(`/indicators?unit_id=${u.C11.id}&period=2025`);
  const csrf = page.text.match(/name="_csrf" value="([^"]+)"/)[1];
  const t = await web.post('/indicators/targets', { form: { _csrf: csrf, unit_id: String(u.C11.id), period: '2025', indicator: 'teams', target: '1.250' } });
  assert.equal(t.status, 303, t.text);
  const f = (await figures(admin, 'teams', u.C11)).figure;
  assert.deepEqual([f.value, f.target, f.achievement], [1000, 1250, 80]);
  const d = await web.post('/indicators/dashboards', { form: { _csrf: csrf, unit_id: String(u.D1.id), from: '2024', to: '2025',
    indicators: 'teams,water', title: 'Huyện Mộc Châu', slug: 'moc-chau', public: '1' } });
  assert.equal(d.status, 303, d.text);
  assert.equal(d.headers.get('location'), '/public/indicators/moc-chau');
  const pub = ok(await new Client(srv.base).get('/api/v1/public/indicators/moc-chau'));
  assert.deepEqual(pub.indicators.map((x) => x.code), ['teams', 'water']);
  // the province is outside the district officer's units
  const out = await web.post('/indicators/targets', { form: { _csrf: csrf, unit_id: String(u.SL.id), period: '2025', indicator: 'teams', target: '1' } });
  assert.equal(out.status, 403);
});

test('an organiser creates an index from a file of criteria on the page', async () => {
  async function post(fields, csv) {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    fd.append('file', new Blob([csv], { type: 'text/csv' }), 'criteria.csv');
    const req = new Request('http://x', { method: 'POST', body: fd });
    return admin.post('/indexes', { raw: Buffer.from(await req.arrayBuffer()), headers: { 'Content-Type': req.headers.get('content-type'), 'Accept-Language': 'en' } });
  }
  const fields = { code: 'MC-TEAMS', name_vi: 'Chỉ số tổ công nghệ số', name_en: 'Digital teams index', name_hi: 'सूचकांक',
    unit_id: String(u.D1.id), unit_kind: 'commune', total_points: '100' };
  const header = 'code,parent,name_vi,name_en,name_hi,points,indicator,method,lo,hi,thresholds\n';
  const bad = await post(fields, header + 'A,,Tổ,Teams,Teams,100,,,,,\nA1,B,Số tổ,Teams,Teams,100,teams,linear,0,1000,\n');
  assert.equal(bad.status, 422);
  assert.match(bad.text, /line 3: parent: No main criterion above has this code/);
  const r = await post(fields, header + 'A,,Tổ,Teams,Teams,100,,,,,\nA1,A,Số tổ,Teams,Teams,100,teams,linear,0,1000,\n');
  assert.equal(r.status, 303, r.text);
  const id = r.headers.get('location').match(/^\/indexes\/(\d+)$/)[1];
  const rk = ok(await admin.get(`/api/v1/indexes/${id}/ranking?year=2025`));
  assert.deepEqual(rk.items.map((x) => [x.code, x.rank, x.score]), [['SL-C11', 1, 100], ['SL-C12', 2, 44.8]]);
  assert.equal((await reporter.get('/indexes/new')).status, 403);
});

test('the demo reproduces the seed figures of Sơn La and ranks its departments', async () => {
  const demo = makeDb({ demo: true });
  const s = await startServer(demo.db);
  try {
    const c = new Client(s.base);
    await c.login('admin', demo.adminPassword);
    const anon = new Client(s.base);
    const d = ok(await anon.get('/api/v1/public/indicators/son-la'));
    const at = (code) => d.indicators.find((x) => x.code === code).periods.find((p) => p.period === '2025').figure.value;
    assert.deepEqual([at('dx_community_teams'), at('houses_supported'), at('rural_hygienic_water'), at('poverty_multidimensional')],
      [2448, 3058, 44, 7.89]);
    const prov = d.unit_id;
    const v = ok(await c.get(`/api/v1/indicator-values?unit_id=${prov}&period=2025`));
    const val = (code) => v.items.find((x) => x.indicator === code).value;
    assert.deepEqual([val('houses_new'), val('houses_repaired'), val('rural_clean_water'), val('procedures_total'),
      val('procedures_full_online'), val('procedures_partly_online'), val('coverage_4g'), val('coverage_5g'), val('fibre_villages'),
      val('digital_app_users'), val('communes_new_rural'), val('communes_advanced_rural'), val('urbanisation'), val('st_tasks')],
    [2653, 405, 100, 2154, 382, 1601, 97.25, 10.14, 80.03, 66.76, 74, 11, 20.6, 8]);
    const overseas = v.items.find((x) => x.indicator === 'overseas_contracts');
    assert.deepEqual([overseas.value, overseas.figure.target], [null, 300]);
    const ixs = ok(await c.get('/api/v1/indexes'));
    const dti = ixs.items.find((x) => x.code === 'DTI-SL-SO');
    assert.equal(dti.total_points, 1000);
    const rk = ok(await c.get(`/api/v1/indexes/${dti.id}/ranking?year=2025`));
    assert.equal(rk.items.length, 10);
    assert.equal(rk.items[0].code, 'T-SONLA-STTTT');
    assert.ok(rk.items.every((x) => x.previous_rank !== null));
  } finally {
    await s.stop();
  }
});

test('a district officer owns what it defines: its rule judges its own district only; the whole tree\'s definitions, rules and a province\'s dashboard are not its to change', async () => {
  const body = { code: 'd1_clubs', name_vi: 'Câu lạc bộ', name_en: 'Clubs', name_hi: 'Clubs', kind: 'number', aggregation: 'sum', direction: 'higher', period_type: 'year' };
  const mine = ok(await officer.post('/api/v1/indicators', { json: body }), 201);
  assert.equal(mine.owner_id, u.D1.id);
  ok(await officer.patch(`/api/v1/indicators/${mine.id}`, { json: { ...body, name_en: 'Digital clubs', version: mine.version } }));
  // what the administrator defined belongs to the whole tree
  const tree = ok(await admin.post('/api/v1/indicators', { json: { ...body, code: 'tree_clubs' } }), 201);
  assert.equal(tree.owner_id, null);
  const refused = await officer.patch(`/api/v1/indicators/${tree.id}`, { json: { ...body, code: 'tree_clubs', name_en: 'Mine now', version: tree.version } });
  assert.equal(refused.status, 403);
  assert.equal(ok(await admin.get(`/api/v1/indicators/${tree.id}`)).name_en, 'Clubs');
  assert.equal((await officer.get(`/indicators/definitions/${tree.id}`)).status, 403);
  // the district's rule refuses a figure of its commune, not one of the other district's
  const rule = ok(await officer.post('/api/v1/indicator-rules', { json: { code: 'd1_clubs_max', expression: 'd1_clubs <= 10', severity: 'error',
    message_vi: 'Quá 10 câu lạc bộ', message_en: 'More than 10 clubs', message_hi: '10 से अधिक' } }), 201);
  assert.equal(rule.owner_id, u.D1.id);
  const inD1 = await enter(admin, u.C12, [{ indicator: 'd1_clubs', value: 11 }]);
  assert.equal(inD1.status, 422);
  assert.deepEqual(inD1.data.error, { code: 'validation', message: 'More than 10 clubs', rule: 'd1_clubs_max' });
  assert.deepEqual(ok(await enter(admin, u.C21, [{ indicator: 'd1_clubs', value: 11 }])), { entered: 1, warnings: [] });
  assert.equal((await figures(admin, 'd1_clubs', u.C21)).figure.value, 11);
  // a rule of the whole tree: neither changed nor removed by the district
  const treeRule = ok(await admin.post('/api/v1/indicator-rules', { json: { code: 'tree_clubs_max', expression: 'tree_clubs <= 1000', severity: 'warning',
    message_vi: 'Nhiều', message_en: 'Many', message_hi: 'Many' } }), 201);
  assert.equal(treeRule.owner_id, null);
  const rbody = { code: 'tree_clubs_max', expression: 'tree_clubs < 0', severity: 'error', message_vi: 'Chặn', message_en: 'Blocked', message_hi: 'Blocked', version: treeRule.version };
  assert.equal((await officer.patch(`/api/v1/indicator-rules/${treeRule.id}`, { json: rbody })).status, 403);
  assert.equal((await officer.req('DELETE', `/api/v1/indicator-rules/${treeRule.id}?version=${treeRule.version}`)).status, 403);
  const kept = ok(await admin.get('/api/v1/indicator-rules')).items.find((x) => x.id === treeRule.id);
  assert.deepEqual([kept.expression, kept.version], ['tree_clubs <= 1000', treeRule.version]);
  // the province's public dashboard is not taken by moving it to the district
  const d = ok(await admin.post('/api/v1/indicator-dashboards', { json: { slug: 'sl-owned', title: 'Tỉnh Sơn La', unit_id: u.SL.id,
    indicators: 'teams', period_from: '2025', period_to: '2025', public: true } }), 201);
  const take = await officer.patch(`/api/v1/indicator-dashboards/${d.id}`, { json: { slug: 'sl-owned', title: 'TAKEN', unit_id: u.D1.id,
    indicators: 'teams', period_from: '2025', period_to: '2025', public: true, version: 1 } });
  assert.equal(take.status, 403);
  const pub = ok(await new Client(srv.base).get('/api/v1/public/indicators/sl-owned'));
  assert.deepEqual([pub.title, pub.unit_id], ['Tỉnh Sơn La', u.SL.id]);
});

test('the indicators page links only the indexes whose scope the reader may read', async () => {
  const ix = ok(await admin.post('/api/v1/indexes', { json: {
    code: 'D2-ONLY', name_vi: 'Chỉ số Yên Châu', name_en: 'Yen Chau index', name_hi: 'Index', scope_id: u.D2.id, unit_kind: 'commune', total_points: 10,
    criteria: [{ code: 'A', name_vi: 'A', name_en: 'A', name_hi: 'A', points: 10 },
      { code: 'A1', name_vi: 'A1', name_en: 'A1', name_hi: 'A1', points: 10, parent: 'A', indicator: 'teams', method: 'rank' }] } }), 201);
  const link = `href="/indexes/${ix.id}"`;
  assert.ok((await admin.get(`/indicators?unit_id=${u.D1.id}`)).text.includes(link));
  const page = await officer.get(`/indicators?unit_id=${u.D1.id}`);
  assert.equal(page.status, 200);
  assert.ok(!page.text.includes(link));
  assert.equal((await officer.get(`/indexes/${ix.id}`)).status, 403);
});

// a file (CSV text or XLSX bytes) posted to the import in the given language
async function importFile(c, bytes, name, lang) {
  const fd = new FormData();
  fd.append('file', new Blob([bytes]), name);
  const req = new Request('http://x', { method: 'POST', body: fd });
  const body = Buffer.from(await req.arrayBuffer());
  return c.post('/api/v1/indicator-values/import', { raw: body, headers: { 'Content-Type': req.headers.get('content-type'), 'Accept-Language': lang } });
}

test('an XLSX number cell is that number; text (a text cell, CSV) is read the Vietnamese way; a NUL byte is a line error', async () => {
  await indicator('cells_pct', 'percent', 'mean');
  await indicator('cells_num', 'number', 'sum');
  const unit = await mkUnit(admin, 'SL-CELLS', 'Xã Thử Ô', 'commune', u.D2.id);
  const value = async (code, period) => ok(await admin.get(`/api/v1/indicator-values?unit_id=${unit.id}&period=${period}`))
    .items.find((x) => x.indicator === code).value;
  const head = [1, ['unit_code', 'indicator_code', 'period', 'value']];
  // number cells: 0.125 is an eighth, 1.234 and 12.345 are themselves (never 125, 1234, 12345)
  const numbers = await importFile(admin, xlsx([head,
    [2, ['SL-CELLS', 'cells_pct', '2025', 0.125]],
    [3, ['SL-CELLS', 'cells_num', '2025', 1.234]],
    [4, ['SL-CELLS', 'cells_pct', '2024', 12.345]],
  ]), 'values.xlsx', 'vi');
  assert.deepEqual(ok(numbers), { imported: 3 });
  assert.deepEqual([await value('cells_pct', '2025'), await value('cells_num', '2025'), await value('cells_pct', '2024')], [0.125, 1.234, 12.345]);
  // text cells of the same sheet: the way a person types them, "1.234" is 1234, "0,5" a half
  const texts = await importFile(admin, xlsx([head,
    [2, ['SL-CELLS', 'cells_num', '2023', '1.234']],
    [3, ['SL-CELLS', 'cells_pct', '2023', '0,5']],
  ]), 'values.xlsx', 'vi');
  assert.deepEqual(ok(texts), { imported: 2 });
  assert.deepEqual([await value('cells_num', '2023'), await value('cells_pct', '2023')], [1234, 0.5]);
  // text "12.345" is 12345, not a percent; "1.5" is no Vietnamese number; nothing of the file is kept
  const bad = await importFile(admin, xlsx([head,
    [2, ['SL-CELLS', 'cells_num', '2022', 7]],
    [3, ['SL-CELLS', 'cells_pct', '2022', '12.345']],
    [4, ['SL-CELLS', 'cells_num', '2021', '1.5']],
  ]), 'values.xlsx', 'vi');
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.data.error.lines, ['dòng 3: Tỷ lệ phần trăm từ 0 đến 100', 'dòng 4: Không phải là số']);
  assert.equal(await value('cells_num', '2022'), null);
  // CSV is text: the same reading
  const csv = await importFile(admin, 'unit_code,indicator_code,period,value\nSL-CELLS,cells_num,2020,"1.500.000,5"\nSL-CELLS,cells_pct,2020,"97,25"\n', 'values.csv', 'vi');
  assert.deepEqual(ok(csv), { imported: 2 });
  assert.deepEqual([await value('cells_num', '2020'), await value('cells_pct', '2020')], [1500000.5, 97.25]);
  // a NUL byte in a CSV field would cut its text: that line is refused and nothing is kept, in the header too
  const nul = await importFile(admin, 'unit_code,indicator_code,period,value,comment\nSL-CELLS,cells_num,2019,5,ghi\0chú\nSL-CELLS,cells_num,2018,6,\n',
    'values.csv', 'en');
  assert.equal(nul.status, 422);
  assert.deepEqual(nul.data.error.lines, ['line 2: field 5 holds a NUL byte']);
  assert.equal(await value('cells_num', '2018'), null);
  const nulHead = await importFile(admin, 'unit_code,indicator\0_code,period,value\nSL-CELLS,cells_num,2018,6\n', 'values.csv', 'en');
  assert.equal(nulHead.status, 422);
  assert.deepEqual(nulHead.data.error.lines, ['line 1: field 2 holds a NUL byte']);
});

test('wrong types are named, not guessed: a value given as text, a dashboard\'s public as "true", a percent target of -50', async () => {
  const asText = await enter(admin, u.C11, [{ indicator: 'teams', value: '1.234' }]);
  assert.equal(asText.status, 422);
  assert.deepEqual(asText.data.error.fields, { 'values[0]': 'Is not a number' });
  const bell = await enter(admin, u.C11, [{ indicator: 'teams', value: 3, comment: 'tổ\u0007mới\u001b[31m' }]);
  assert.deepEqual([bell.status, bell.data.error.fields], [422, { 'values[0]': 'Must be text without control characters' }]);
  ok(await enter(admin, u.C12, [{ indicator: 'teams', value: 3, comment: 'Hai dòng:\ntổ mới \u202egnol' }], '2026'));
  const h = ok(await admin.get(`/api/v1/indicator-values/history?indicator=teams&unit_id=${u.C12.id}&period=2026`));
  assert.equal(h.items.at(-1).comment, 'Hai dòng:\ntổ mới gnol'); // lines kept, the override that reverses text removed
  const parts = await enter(admin, u.C11, [{ indicator: 'water', numerator: '5', denominator: 10 }]);
  assert.deepEqual([parts.status, parts.data.error.fields], [422, { 'values[0]': 'Is not a number' }]);
  const d = await admin.post('/api/v1/indicator-dashboards', { json: { slug: 'as-text', title: 'x', unit_id: u.SL.id, indicators: 'teams',
    period_from: '2025', period_to: '2025', public: 'true' }, ...en });
  assert.equal(d.status, 422);
  assert.deepEqual(d.data.error.fields, { public: 'Must be true or false' });
  assert.equal((await new Client(srv.base).get('/api/v1/public/indicators/as-text')).status, 404);
  await indicator('online_share', 'percent', 'mean');
  const t = await admin.post('/api/v1/indicator-targets', { json: { indicator: 'online_share', unit_id: u.SL.id, period: '2025', target: -50 }, ...en });
  assert.equal(t.status, 422);
  assert.deepEqual(t.data.error.fields, { target: 'A percent is from 0 to 100' });
});

test('the unit of measure in the reader\'s language: English and Hindi their own, else the Vietnamese one', async () => {
  const x = await indicator('trainees', 'number', 'sum', { measure: 'người', measure_en: 'persons', measure_hi: 'व्यक्ति' });
  const read = async (lang) => ok(await admin.get(`/api/v1/indicators/${x.id}`, { headers: { 'Accept-Language': lang } }));
  assert.deepEqual([(await read('vi')).measure, (await read('en')).measure, (await read('hi')).measure], ['người', 'persons', 'व्यक्ति']);
  assert.deepEqual([x.measure_vi, x.measure_en, x.measure_hi], ['người', 'persons', 'व्यक्ति']);
  const only = await indicator('volunteers', 'number', 'sum', { measure: 'lượt' });
  assert.equal(ok(await admin.get(`/api/v1/indicators/${only.id}`, { headers: { 'Accept-Language': 'en' } })).measure, 'lượt');
  ok(await enter(admin, u.C11, [{ indicator: 'trainees', value: 1250 }]));
  const page = await admin.get(`/indicators?unit_id=${u.C11.id}&period=2025`, { headers: { 'Accept-Language': 'en' } });
  assert.match(page.text, /<small class="code">trainees · persons<\/small>/);
});

test('the CSV template re-imports unchanged: its decimals are written the language\'s way (1,125 in Vietnamese, 1.125 in English)', async () => {
  await indicator('trip_num', 'number', 'sum');
  await indicator('trip_pct', 'percent', 'mean');
  const unit = await mkUnit(admin, 'SL-TRIP', 'Xã Khứ Hồi', 'commune', u.D2.id);
  ok(await enter(admin, unit, [{ indicator: 'trip_num', value: 1.125 }, { indicator: 'trip_pct', value: 87.5 }], '2027'));
  const values = async () => ok(await admin.get(`/api/v1/indicator-values?unit_id=${unit.id}&period=2027`)).items
    .filter((x) => x.indicator.startsWith('trip_')).map((x) => [x.indicator, x.value]);
  for (const lang of ['vi', 'en']) {
    const t = await admin.get(`/indicators/template?unit_id=${unit.id}&period=2027&format=csv`, { headers: { 'Accept-Language': lang } });
    assert.equal(t.status, 200);
    const row = (code) => t.text.split('\n').find((l) => l.includes(`,${code},`));
    assert.match(row('trip_num'), lang === 'vi' ? /,"1,125",/ : /,1\.125,/);
    assert.match(row('trip_pct'), lang === 'vi' ? /,"87,5",/ : /,87\.5,/);
    const r = await importFile(admin, Buffer.from(t.text), 'mau.csv', lang);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(await values(), [['trip_num', 1.125], ['trip_pct', 87.5]]);
  }
});
