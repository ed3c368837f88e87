// The officer's forms of indicators (issue 13), posted as a browser does
// (CSRF, numbers the Vietnamese way): a definition created and edited
// (a stale version is 409), validation rules added, edited and removed (a
// rule that does not parse shows its column), a composite index defined as
// rows of criteria with their points, and a dashboard's indicators and
// public flag chosen with checkboxes. Each success is checked against the
// stored values, each refusal against its message beside the field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, makeDb, startServer, Client, testPassword } from '../lib/server.mjs';
import { addUserAsync, csrfOf, mkUnit, poTranslation, sql } from './_util.mjs';

let env, srv, admin, web, webEn, u;
const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.data; };

// a browser session: the login form, then pages in a language
async function browser(login, password, lang) {
  const c = new Client(srv.base);
  const headers = { 'Accept-Language': lang };
  const pre = csrfOf((await c.get('/login', { headers })).text);
  const r = await c.post('/login', { form: { _csrf: pre, login, password }, headers });
  assert.equal(r.status, 303, r.text);
  const token = csrfOf((await c.get('/indicators/definitions', { headers })).text);
  // a form that carries _csrf carries this session's token (the pages of one session share it)
  return {
    get: (p) => c.get(p, { headers }),
    post: (p, form) => c.post(p, { form: '_csrf' in form ? { ...form, _csrf: token } : form, headers }),
    raw: (p, o) => {
      const body = new URLSearchParams(o.raw);
      if (body.has('_csrf')) body.set('_csrf', token);
      return c.post(p, { raw: body.toString(), headers: { ...headers, ...o.headers } });
    },
    async csrf(p) { return csrfOf((await c.get(p, { headers })).text); },
  };
}

// the text of a field's error beside it (e-NAME)
const fieldError = (html, name) => {
  const m = html.match(new RegExp(`id="e-${name.replace(/[.[\]]/g, '\\$&')}"[^>]*>([\\s\\S]*?)</(p|div)>`));
  return m ? m[1].replace(/<[^>]+>/g, '').trim() : null;
};
const indicator = async (code) => ok(await admin.get('/api/v1/indicators')).items.find((x) => x.code === code);

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  u = {};
  u.SL = await mkUnit(admin, 'T-SL', 'Tỉnh Sơn La', 'province');
  u.D1 = await mkUnit(admin, 'SL-S1', 'Sở Nội vụ', 'department', u.SL.id);
  u.D2 = await mkUnit(admin, 'SL-S2', 'Sở Y tế', 'department', u.SL.id);
  await addUserAsync(BIN, env.db, 'sl.officer', 'officer', 'T-SL');
  await addUserAsync(BIN, env.db, 's1.reporter', 'reporter', 'SL-S1');
  web = await browser('sl.officer', testPassword('sl.officer'), 'vi');
  webEn = await browser('sl.officer', testPassword('sl.officer'), 'en');
});

after(async () => { if (srv) await srv.stop(); });

test('an officer creates a definition on the page, numbers the Vietnamese way', async () => {
  const csrf = await web.csrf('/indicators/definitions');
  const r = await web.post('/indicators/definitions', {
    _csrf: csrf, code: 'staff_trained', name_vi: 'Cán bộ được bồi dưỡng', name_en: 'Staff trained', name_hi: 'प्रशिक्षित कर्मचारी',
    measure: 'người', kind: 'number', factor: '', aggregation: 'sum', direction: 'higher', period_type: 'year', decimals: '0',
  });
  assert.equal(r.status, 303, r.text);
  assert.equal(r.headers.get('location'), '/indicators/definitions');
  const r2 = await web.post('/indicators/definitions', {
    _csrf: csrf, code: 'docs_signed', name_vi: 'Văn bản ký số', name_en: 'Documents signed', name_hi: 'हस्ताक्षरित दस्तावेज़',
    measure: '‰', kind: 'ratio', factor: '1.000', aggregation: 'weighted', direction: 'higher', period_type: 'quarter', decimals: '2',
    numerator_vi: 'Văn bản đi được ký số', numerator_en: 'Outgoing documents signed', numerator_hi: 'हस्ताक्षरित दस्तावेज़',
    denominator_vi: 'Tổng số văn bản đi', denominator_en: 'All outgoing documents', denominator_hi: 'सभी दस्तावेज़',
  });
  assert.equal(r2.status, 303, r2.text);
  const x = await indicator('docs_signed');
  assert.deepEqual([x.name_vi, x.name_en, x.name_hi, x.measure, x.kind, x.aggregation, x.direction, x.period_type, x.decimals, x.active],
    ['Văn bản ký số', 'Documents signed', 'हस्ताक्षरित दस्तावेज़', '‰', 'ratio', 'weighted', 'higher', 'quarter', 2, true]);
  assert.equal(sql(env.db, "SELECT CAST(factor AS INTEGER) FROM indicators WHERE code = 'docs_signed'"), '1000');
  assert.deepEqual([x.numerator_vi, x.numerator_en, x.numerator_hi, x.denominator_vi, x.denominator_en, x.denominator_hi],
    ['Văn bản đi được ký số', 'Outgoing documents signed', 'हस्ताक्षरित दस्तावेज़', 'Tổng số văn bản đi', 'All outgoing documents', 'सभी दस्तावेज़']);
  // the entry form names the ratio's two inputs with them, in the page's language
  const entry = await webEn.get(`/indicators?unit_id=${u.D1.id}&period=2025-Q1`);
  assert.match(entry.text, /<label for="n-docs_signed"><small>Outgoing documents signed<\/small><\/label>/);
  assert.match(entry.text, /<label for="d-docs_signed"><small>All outgoing documents<\/small><\/label>/);
  assert.equal((await indicator('staff_trained')).numerator_vi, '');
  // the list links each definition to its form
  const list = await web.get('/indicators/definitions');
  assert.match(list.text, new RegExp(`href="/indicators/definitions/${x.id}"`));
});

test('a bad definition comes back with the reason beside each field and what was typed', async () => {
  const csrf = await webEn.csrf('/indicators/definitions');
  const r = await webEn.post('/indicators/definitions', {
    _csrf: csrf, code: 'Poverty rate', name_vi: 'Tỷ lệ nghèo', name_en: '', name_hi: 'x', measure: '%', kind: 'percent', factor: 'abc',
    aggregation: 'sum', direction: 'lower', period_type: 'year', decimals: '0',
  });
  assert.equal(r.status, 422);
  assert.equal(fieldError(r.text, 'factor'), 'Is not a number');
  assert.equal(fieldError(r.text, 'name_en'), 'Is required');
  const r2 = await webEn.post('/indicators/definitions', {
    _csrf: csrf, code: 'Poverty rate', name_vi: 'Tỷ lệ nghèo', name_en: 'Poverty', name_hi: 'x', measure: '%', kind: 'percent', factor: '',
    aggregation: 'sum', direction: 'lower', period_type: 'year', decimals: '0',
  });
  assert.equal(r2.status, 422);
  assert.equal(fieldError(r2.text, 'code'), 'Use lower-case letters, digits and _ (starting with a letter)');
  assert.equal(fieldError(r2.text, 'aggregation'), 'Percents and ratios are not summed');
  assert.match(r2.text, /id="f-name_vi" name="name_vi" value="Tỷ lệ nghèo"/);
  assert.match(r2.text, /<option value="percent" selected>/);
  assert.match(r2.text, /<option value="lower" selected>/);
  assert.equal(await indicator('poverty_rate'), undefined);
  // without the form's token nothing is created
  const forged = await webEn.post('/indicators/definitions', { code: 'forged', name_vi: 'x', name_en: 'x', name_hi: 'x', kind: 'number',
    aggregation: 'sum', direction: 'higher', period_type: 'year' });
  assert.equal(forged.status, 403);
  assert.equal(await indicator('forged'), undefined);
});

test('an officer edits a definition at its version; a stale version is 409', async () => {
  const x = await indicator('staff_trained');
  const page = await web.get(`/indicators/definitions/${x.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, new RegExp(`name="version" value="${x.version}"`));
  assert.match(page.text, /id="f-name_en" name="name_en" value="Staff trained"/);
  const csrf = csrfOf(page.text);
  const form = { _csrf: csrf, version: String(x.version), code: 'staff_trained', name_vi: 'Cán bộ, công chức được bồi dưỡng kỹ năng số',
    name_en: 'Staff trained in digital skills', name_hi: 'डिजिटल कौशल में प्रशिक्षित कर्मचारी', measure: 'người', kind: 'number', factor: '100',
    aggregation: 'sum', direction: 'higher', period_type: 'year', decimals: '1', active: '1' };
  const r = await web.post(`/indicators/definitions/${x.id}`, form);
  assert.equal(r.status, 303, r.text);
  const y = await indicator('staff_trained');
  assert.deepEqual([y.name_vi, y.name_en, y.decimals, y.version, y.active],
    ['Cán bộ, công chức được bồi dưỡng kỹ năng số', 'Staff trained in digital skills', 1, x.version + 1, true]);
  // the same form again: someone saved in between
  const stale = await web.post(`/indicators/definitions/${x.id}`, { ...form, name_en: 'Lost' });
  assert.equal(stale.status, 409);
  assert.equal((await indicator('staff_trained')).name_en, 'Staff trained in digital skills');
  // a bad value at the current version: 422 beside the field, nothing saved
  const bad = await webEn.post(`/indicators/definitions/${x.id}`, { ...form, version: String(y.version), kind: 'percent' });
  assert.equal(bad.status, 422);
  assert.equal(fieldError(bad.text, 'aggregation'), 'Percents and ratios are not summed');
  // once it has values it keeps its kind, and says so
  ok(await admin.post('/api/v1/indicator-values', { json: { unit_id: u.D1.id, period: '2025', values: [{ indicator: 'staff_trained', value: 150 }] } }));
  const kept = await webEn.post(`/indicators/definitions/${x.id}`, { ...form, version: String(y.version), aggregation: 'mean' });
  assert.equal(kept.status, 422);
  assert.equal(fieldError(kept.text, 'code'), 'An indicator with values keeps its code, kind, aggregation and period type');
  // unchecking "active" deactivates it
  const { active, ...inactive } = form;
  assert.equal(active, '1');
  const off = await web.post(`/indicators/definitions/${x.id}`, { ...inactive, version: String(y.version) });
  assert.equal(off.status, 303, off.text);
  assert.equal(sql(env.db, "SELECT active FROM indicators WHERE code = 'staff_trained'"), '0');
  const on = await web.post(`/indicators/definitions/${x.id}`, { ...form, version: String(y.version + 1) });
  assert.equal(on.status, 303, on.text);
  // a reporter may not open the form
  const rep = await browser('s1.reporter', testPassword('s1.reporter'), 'vi');
  assert.equal((await rep.get(`/indicators/definitions/${x.id}`)).status, 403);
});

const rulesApi = async () => ok(await admin.get('/api/v1/indicator-rules')).items;

test('validation rules are added, edited and removed on the page; a bad rule shows its column', async () => {
  for (const [code, kind, agg] of [['houses_new', 'number', 'sum'], ['houses_repaired', 'number', 'sum'], ['houses_supported', 'number', 'sum']])
    ok(await admin.post('/api/v1/indicators', { json: { code, name_vi: code, name_en: code, name_hi: code, kind, aggregation: agg, direction: 'higher', period_type: 'year' } }), 201);
  const csrf = await webEn.csrf('/indicators/rules');
  const rule = { _csrf: csrf, code: 'houses_total', severity: 'error', message_vi: 'Số nhà xây mới cộng nhà sửa chữa phải bằng số nhà được hỗ trợ',
    message_en: 'New and repaired houses add up to the houses supported', message_hi: 'योग बराबर होना चाहिए' };
  const bad = await webEn.post('/indicators/rules', { ...rule, expression: 'houses_new + = houses_supported' });
  assert.equal(bad.status, 422);
  assert.match(fieldError(bad.text, 'expression'), /^Column 14: Expected a value, found =/);
  assert.match(bad.text, /<pre class="expr-caret" aria-hidden="true">houses_new \+ = houses_supported\n {13}\^<\/pre>/);
  assert.match(bad.text, /id="f-expression" name="expression" value="houses_new \+ = houses_supported"/);
  const unknown = await webEn.post('/indicators/rules', { ...rule, expression: 'houses_new = housez' });
  assert.equal(unknown.status, 422);
  assert.match(fieldError(unknown.text, 'expression'), /housez/);
  const r = await webEn.post('/indicators/rules', { ...rule, expression: 'houses_new + houses_repaired = houses_supported' });
  assert.equal(r.status, 303, r.text);
  let x = (await rulesApi()).find((k) => k.code === 'houses_total');
  assert.deepEqual([x.expression, x.severity, x.message_vi, x.active, x.version],
    ['houses_new + houses_repaired = houses_supported', 'error', rule.message_vi, true, 1]);
  // the rule refuses an inconsistent entry with its message
  const refused = await admin.post('/api/v1/indicator-values', { json: { unit_id: u.D1.id, period: '2025',
    values: [{ indicator: 'houses_new', value: 2653 }, { indicator: 'houses_repaired', value: 405 }, { indicator: 'houses_supported', value: 3000 }] },
  headers: { 'Accept-Language': 'en' } });
  assert.equal(refused.status, 422);
  assert.equal(refused.data.error.message, 'New and repaired houses add up to the houses supported');
  // edited: a warning now, with its version
  const page = await webEn.get(`/indicators/rules/${x.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<option value="error" selected>/);
  const edit = { ...rule, _csrf: csrfOf(page.text), version: '1', expression: 'houses_new + houses_repaired <= houses_supported', severity: 'warning', active: '1' };
  const saved = await webEn.post(`/indicators/rules/${x.id}`, edit);
  assert.equal(saved.status, 303, saved.text);
  x = (await rulesApi()).find((k) => k.code === 'houses_total');
  assert.deepEqual([x.expression, x.severity, x.version], ['houses_new + houses_repaired <= houses_supported', 'warning', 2]);
  const stale = await webEn.post(`/indicators/rules/${x.id}`, { ...edit, severity: 'error' });
  assert.equal(stale.status, 409);
  const badEdit = await webEn.post(`/indicators/rules/${x.id}`, { ...edit, version: '2', expression: 'houses_new <= (3' });
  assert.equal(badEdit.status, 422);
  assert.match(fieldError(badEdit.text, 'expression'), /^Column 17: Expected “\)”, found end of rule/);
  assert.equal((await rulesApi()).find((k) => k.code === 'houses_total').severity, 'warning');
  // removed: a stale version is 409, the current one removes it
  assert.equal((await webEn.post(`/indicators/rules/${x.id}/delete`, { _csrf: csrf, version: '1' })).status, 409);
  const del = await webEn.post(`/indicators/rules/${x.id}/delete`, { _csrf: csrf, version: '2' });
  assert.equal(del.status, 303, del.text);
  assert.equal((await rulesApi()).find((k) => k.code === 'houses_total'), undefined);
  assert.equal(sql(env.db, "SELECT action FROM audit_log WHERE entity = 'indicator_rule' ORDER BY id DESC LIMIT 1"), 'delete');
  ok(await admin.post('/api/v1/indicator-values', { json: { unit_id: u.D1.id, period: '2025',
    values: [{ indicator: 'houses_new', value: 2653 }, { indicator: 'houses_repaired', value: 405 }, { indicator: 'houses_supported', value: 3000 }] } }));
});

// the index form's fields: one entry per row of each crit_* column, in order
function indexForm(csrf, head, rows) {
  const f = new URLSearchParams({ _csrf: csrf, ...head });
  for (const row of rows) {
    const [level, code, name, points, indicator = '', method = 'linear', lo = '', hi = '', thresholds = ''] = row;
    f.append('crit_level', level); f.append('crit_code', code); f.append('crit_name_vi', name); f.append('crit_name_en', name && name + ' (en)');
    f.append('crit_name_hi', name && name + ' (hi)'); f.append('crit_points', points); f.append('crit_indicator', indicator); f.append('crit_method', method);
    f.append('crit_lo', lo); f.append('crit_hi', hi); f.append('crit_thresholds', thresholds);
  }
  return f;
}

test('an organiser defines an index as rows of criteria, with the running total of points', async () => {
  for (const code of ['datasets', 'incidents'])
    ok(await admin.post('/api/v1/indicators', { json: { code, name_vi: code, name_en: code, name_hi: code, kind: 'number', aggregation: 'sum', direction: code === 'incidents' ? 'lower' : 'higher', period_type: 'year' } }), 201);
  ok(await admin.post('/api/v1/indicator-values', { json: { unit_id: u.D1.id, period: '2025', values: [{ indicator: 'datasets', value: 4 }, { indicator: 'incidents', value: 2 }] } }));
  ok(await admin.post('/api/v1/indicator-values', { json: { unit_id: u.D2.id, period: '2025', values: [{ indicator: 'staff_trained', value: 90 }, { indicator: 'datasets', value: 1 }, { indicator: 'incidents', value: 0 }] } }));
  const page = await web.get('/indexes/new');
  assert.equal(page.status, 200);
  assert.match(page.text, /<option value="staff_trained">/);
  assert.doesNotMatch(page.text, /<option value="docs_signed">/);          // quarterly: not an index's
  const csrf = csrfOf(page.text);
  const head = { code: 'DTI-SO', name_vi: 'Chỉ số chuyển đổi số các sở', name_en: 'Departments DTI', name_hi: 'डीटीआई', unit_id: String(u.SL.id),
    unit_kind: 'department', total_points: '1.000' };
  const post = (rows, extra = {}) => {
    const f = indexForm(csrf, { ...head, ...extra }, rows);
    return web.raw('/indexes', { raw: f.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  };
  const rows = [
    ['main', 'A', 'Nhân lực số', '400'],
    ['sub', 'A1', 'Cán bộ được bồi dưỡng', '400', 'staff_trained', 'rank'],
    ['main', 'B', 'Hạ tầng và dữ liệu', '600'],
    ['sub', 'B1', 'Cơ sở dữ liệu kết nối', '350,5', 'datasets', 'threshold', '', '', '1:100;3:200;4:350,5'],
    ['sub', 'B2', 'Sự cố an toàn thông tin', '249,5', 'incidents', 'linear', '10', '0'],
    ['sub', '', '', ''],
  ];
  // the subs of B add up to 500, not 600: refused on B's row, with the running totals shown
  const bad = await webEn.raw('/indexes', { raw: indexForm(csrf, { ...head, total_points: '1,000' },
    rows.map((w) => (w[1] === 'B2' ? [...w.slice(0, 3), '149.5', ...w.slice(4)] : w.map((c) => (typeof c === 'string' ? c.replace(',', '.') : c))))).toString(),
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(bad.status, 422, bad.text);
  assert.equal(fieldError(bad.text, "crit-3"), 'The points of its sub-criteria must add up to its points');
  assert.match(bad.text, /data-total-mains>1,000<\/b>/);
  assert.match(bad.text, /sub-criteria: 500<\/small>/);
  assert.match(bad.text, /id="f-crit-5-points" name="crit_points" value="149.5"/);
  // "More rows" gives the form back as typed with four more rows
  const more = await post(rows, { more_rows: '1' });
  assert.equal(more.status, 200);
  assert.match(more.text, /id="f-crit-10-code"/);
  assert.match(more.text, /id="f-crit-4-thresholds" name="crit_thresholds"[^>]*value="1:100;3:200;4:350,5"/);
  const r = await post(rows);
  assert.equal(r.status, 303, r.text);
  const id = r.headers.get('location').match(/^\/indexes\/(\d+)$/)[1];
  const stored = sql(env.db, `SELECT c.code, coalesce(p.code, ''), c.points, coalesce(i.code, ''), coalesce(c.method, ''), c.lo, c.hi, coalesce(c.thresholds, '')
    FROM index_criteria c LEFT JOIN index_criteria p ON p.id = c.parent_id LEFT JOIN indicators i ON i.id = c.indicator_id
    WHERE c.index_id = ${id} ORDER BY c.position`).split('\n').map((l) => l.split('|').map((v, k) => (k === 2 || k === 5 || k === 6 ? Number(v) : v)));
  assert.deepEqual(stored, [
    ['A', '', 400, '', '', 0, 0, ''],
    ['A1', 'A', 400, 'staff_trained', 'rank', 0, 0, ''],
    ['B', '', 600, '', '', 0, 0, ''],
    ['B1', 'B', 350.5, 'datasets', 'threshold', 0, 0, '1:100;3:200;4:350.5'],
    ['B2', 'B', 249.5, 'incidents', 'linear', 10, 0, ''],
  ]);
  assert.equal(sql(env.db, `SELECT total_points, unit_kind FROM composite_indexes WHERE id = ${id}`).replace(/\.0\|/, '|'), '1000|department');
  // S1: rank 1 of 2 on staff (150 > 90) 400, 4 datasets 350.5, 2 incidents 0.8 × 249.5 = 199.6 → 950.1
  // S2: 0 + 0 (1 dataset: 100) → 100 + all of B2 249.5 → 349.5
  const rk = ok(await admin.get(`/api/v1/indexes/${id}/ranking?year=2025`));
  assert.deepEqual(rk.items.map((x) => [x.code, x.rank, Math.round(x.score * 10) / 10]), [['SL-S1', 1, 950.1], ['SL-S2', 2, 349.5]]);

  // the index's form as stored, the numbers the Vietnamese way; changed at its version
  const edit = await web.get(`/indexes/${id}/edit`);
  assert.equal(edit.status, 200);
  assert.match(edit.text, /name="version" value="1"/);
  assert.match(edit.text, /id="f-crit-4-points" name="crit_points" value="350,5"/);
  assert.match(edit.text, /id="f-crit-4-thresholds" name="crit_thresholds"[^>]*value="1:100;3:200;4:350,5"/);
  assert.match(edit.text, /id="f-crit-5-lo" name="crit_lo" inputmode="decimal" value="10"/);
  assert.match(edit.text, /data-total-mains>1\.000<\/b>/);
  const changed = rows.map((w) => [...w]);
  changed[1][5] = 'linear'; changed[1][6] = '0'; changed[1][7] = '200';          // A1: linear 0 → 200 staff
  const upd = (fields, rws) => web.raw(`/indexes/${id}`, { raw: indexForm(csrf, { ...head, version: '1', ...fields }, rws).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  const saved = await upd({ name_en: 'Departments digital transformation index' }, changed);
  assert.equal(saved.status, 303, saved.text);
  assert.equal(saved.headers.get('location'), `/indexes/${id}`);
  assert.equal(sql(env.db, `SELECT name_en, version FROM composite_indexes WHERE id = ${id}`), 'Departments digital transformation index|2');
  assert.equal(sql(env.db, `SELECT c.method || ' ' || CAST(c.lo AS INTEGER) || ' ' || CAST(c.hi AS INTEGER) FROM index_criteria c WHERE c.index_id = ${id} AND c.code = 'A1'`), 'linear 0 200');
  assert.equal(sql(env.db, `SELECT count(*) FROM index_criteria WHERE index_id = ${id}`), '5');
  // S1: 150/200 × 400 = 300 + 350.5 + 199.6; S2: 90/200 × 400 = 180 + 100 + 249.5
  const rk2 = ok(await admin.get(`/api/v1/indexes/${id}/ranking?year=2025`));
  assert.deepEqual(rk2.items.map((x) => [x.code, Math.round(x.score * 10) / 10]), [['SL-S1', 850.1], ['SL-S2', 529.5]]);
  // the same form again is stale: 409, nothing changed
  assert.equal((await upd({ name_en: 'Lost' }, changed)).status, 409);
  assert.equal(sql(env.db, `SELECT name_en FROM composite_indexes WHERE id = ${id}`), 'Departments digital transformation index');
  // a bad row at the current version: 422 in its row, nothing changed
  const badRows = changed.map((w) => [...w]);
  badRows[1][5] = 'linear'; badRows[1][6] = '5'; badRows[1][7] = '5';
  const bad2 = await web.raw(`/indexes/${id}`, { raw: indexForm(csrf, { ...head, version: '2' }, badRows).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(bad2.status, 422);
  assert.equal(fieldError(bad2.text, 'crit-2'), poTranslation('vi', 'Linear scoring needs two different bounds'));
  assert.equal(sql(env.db, `SELECT version FROM composite_indexes WHERE id = ${id}`), '2');
});

test('a dashboard: the indicators and the public flag are chosen with checkboxes, edited at its version', async () => {
  const page = await web.get(`/indicators/dashboard?unit_id=${u.SL.id}&to=2025`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<input type="checkbox" name="indicators" value="staff_trained" checked>/);
  const csrf = csrfOf(page.text);
  const form = new URLSearchParams({ _csrf: csrf, unit_id: String(u.SL.id), from: '2024', to: '2025', title: 'Sơn La – chuyển đổi số', slug: 'son-la-cds' });
  form.append('indicators', 'staff_trained'); form.append('indicators', 'datasets');
  const type = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const r = await web.raw('/indicators/dashboards', { raw: form.toString(), headers: type });
  assert.equal(r.status, 303, r.text);
  assert.equal(r.headers.get('location'), '/indicators/dashboard');
  let row = sql(env.db, "SELECT id, indicators, public, version FROM indicator_dashboards WHERE slug = 'son-la-cds'").split('|');
  assert.deepEqual(row.slice(1), ['staff_trained,datasets', '0', '1']);
  const anon = new Client(srv.base);
  assert.equal((await anon.get('/api/v1/public/indicators/son-la-cds')).status, 404);
  // none chosen: refused beside the checkboxes
  const none = await webEn.post('/indicators/dashboards', { _csrf: csrf, unit_id: String(u.SL.id), from: '2024', to: '2025', title: 'x', slug: 'x' });
  assert.equal(none.status, 422);
  assert.equal(fieldError(none.text, 'indicators'), 'Choose at least one indicator');
  // edited: made public, with one more indicator
  const id = row[0];
  const edit = await web.get(`/indicators/dashboards/${id}`);
  assert.equal(edit.status, 200);
  assert.match(edit.text, /value="datasets" checked/);
  assert.match(edit.text, /value="incidents">/);
  const f2 = new URLSearchParams({ _csrf: csrf, version: '1', unit_id: String(u.SL.id), from: '2024', to: '2025', title: 'Sơn La – chuyển đổi số', slug: 'son-la-cds', public: '1' });
  for (const c of ['staff_trained', 'datasets', 'incidents']) f2.append('indicators', c);
  const saved = await web.raw(`/indicators/dashboards/${id}`, { raw: f2.toString(), headers: type });
  assert.equal(saved.status, 303, saved.text);
  assert.equal(saved.headers.get('location'), '/public/indicators/son-la-cds');
  row = sql(env.db, "SELECT id, indicators, public, version FROM indicator_dashboards WHERE slug = 'son-la-cds'").split('|');
  assert.deepEqual(row.slice(1), ['staff_trained,datasets,incidents', '1', '2']);
  const pub = ok(await anon.get('/api/v1/public/indicators/son-la-cds'));
  assert.deepEqual(pub.indicators.map((x) => x.code), ['staff_trained', 'datasets', 'incidents']);
  assert.equal(pub.indicators[0].periods.find((p) => p.period === '2025').figure.value, 240);
  // the same form again at once is a double click: answered as the first one (nothing written twice)
  const twice = await web.raw(`/indicators/dashboards/${id}`, { raw: f2.toString(), headers: type });
  assert.equal(twice.status, 303);
  assert.equal(sql(env.db, `SELECT version FROM indicator_dashboards WHERE id = ${id}`), '2');
  // another change at the old version is stale
  f2.set('title', 'Sơn La – chuyển đổi số, thẻ khác');
  assert.equal((await web.raw(`/indicators/dashboards/${id}`, { raw: f2.toString(), headers: type })).status, 409);
  f2.set('title', 'Sơn La – chuyển đổi số');
  // a bad period at the current version: 422 beside the field
  f2.set('version', '2'); f2.set('to', '2025-Q1');
  const bad = await webEn.raw(`/indicators/dashboards/${id}`, { raw: f2.toString(), headers: type });
  assert.equal(bad.status, 422);
  assert.equal(fieldError(bad.text, 'to'), 'A period of the same type, not before the first');
});

test('the API changes and removes a rule, and changes a dashboard, at their versions', async () => {
  const en = { 'Accept-Language': 'en' };
  const made = ok(await admin.post('/api/v1/indicator-rules', { json: { code: 'datasets_max', expression: 'datasets <= 100', severity: 'warning',
    message_vi: 'Nhiều bộ dữ liệu bất thường', message_en: 'Unusually many datasets', message_hi: 'असामान्य' } }), 201);
  const body = { code: 'datasets_max', expression: 'datasets <= 50', severity: 'error', message_vi: 'Quá 50 bộ dữ liệu',
    message_en: 'More than 50 datasets', message_hi: '50 से अधिक', version: made.version };
  const changed = ok(await admin.patch(`/api/v1/indicator-rules/${made.id}`, { json: body }));
  assert.deepEqual([changed.expression, changed.severity, changed.message_en, changed.active, changed.version],
    ['datasets <= 50', 'error', 'More than 50 datasets', true, made.version + 1]);
  assert.equal((await admin.patch(`/api/v1/indicator-rules/${made.id}`, { json: body })).status, 409);
  const bad = await admin.patch(`/api/v1/indicator-rules/${made.id}`, { json: { ...body, version: changed.version, expression: 'datasets <=' }, headers: en });
  assert.equal(bad.status, 422);
  assert.equal(bad.data.error.fields.expression, 'Column 12: Expected a value, found end of rule');
  const off = ok(await admin.patch(`/api/v1/indicator-rules/${made.id}`, { json: { ...body, version: changed.version, active: false } }));
  assert.equal(off.active, false);
  assert.equal((await admin.req('DELETE', `/api/v1/indicator-rules/${made.id}?version=${changed.version}`)).status, 409);
  assert.equal((await admin.req('DELETE', `/api/v1/indicator-rules/${made.id}`)).status, 422);
  assert.equal((await admin.req('DELETE', `/api/v1/indicator-rules/${made.id}?version=${off.version}`)).status, 204);
  assert.equal((await admin.patch(`/api/v1/indicator-rules/${made.id}`, { json: { ...body, version: off.version } })).status, 404);
  // a dashboard
  const d = ok(await admin.post('/api/v1/indicator-dashboards', { json: { slug: 'so-noi-vu', title: 'Sở Nội vụ', unit_id: u.D1.id,
    indicators: 'datasets', period_from: '2025', period_to: '2025' } }), 201);
  const dbody = { slug: 'so-noi-vu', title: 'Sở Nội vụ', unit_id: u.D1.id, indicators: 'datasets,incidents', period_from: '2024', period_to: '2025', public: true, version: 1 };
  assert.deepEqual(ok(await admin.patch(`/api/v1/indicator-dashboards/${d.id}`, { json: dbody })), { id: d.id, slug: 'so-noi-vu', public: true, version: 2 });
  assert.equal((await admin.patch(`/api/v1/indicator-dashboards/${d.id}`, { json: dbody })).status, 409);
  const taken = await admin.patch(`/api/v1/indicator-dashboards/${d.id}`, { json: { ...dbody, version: 2, slug: 'son-la-cds' }, headers: en });
  assert.equal(taken.status, 422);
  assert.equal(taken.data.error.fields.slug, 'Is already used');
  const pub = ok(await new Client(srv.base).get('/api/v1/public/indicators/so-noi-vu'));
  assert.deepEqual(pub.indicators.map((x) => [x.code, x.periods.find((p) => p.period === '2025').figure.value]), [['datasets', 4], ['incidents', 2]]);
});

test('an index whose scope has no unit to rank answers an empty ranking', async () => {
  const ix = ok(await admin.post('/api/v1/indexes', { json: { code: 'EMPTY', name_vi: 'Trống', name_en: 'Empty', name_hi: 'खाली', scope_id: u.D1.id,
    total_points: 100, criteria: [{ code: 'A', name_vi: 'A', name_en: 'A', name_hi: 'A', points: 100 },
      { code: 'A1', name_vi: 'A1', name_en: 'A1', name_hi: 'A1', points: 100, parent: 'A', indicator: 'datasets', method: 'rank' }] } }), 201);
  assert.deepEqual(ok(await admin.get(`/api/v1/indexes/${ix.id}/ranking?year=2025`)).items, []);
  assert.equal((await web.get(`/indexes/${ix.id}?year=2025`)).status, 200);
});
