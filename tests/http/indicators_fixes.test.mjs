// Indicators: defects found on the demo by a tester, each checked against
// exact values. A validation rule's numbers are read the user's way (vi:
// 1.000 is a thousand, 0,5 a half) and stored one way (1000, 0.5), shown
// back the reader's way; an ambiguous number is refused at its column. A
// warning names its indicator and its rule's message. The planned-target
// form keeps the indicator chosen after an error, with the product's number
// message. A period typed the Vietnamese way (07/2025, Q3/2025, quý 3/2025)
// is read, one that cannot be read shows the page with the error beside the
// field. An index's thresholds and a ratio's unit are shown the reader's way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, makeDb, startServer, Client, testPassword } from '../lib/server.mjs';
import { addUserAsync, csrfOf, mkUnit, sql, unescape } from './_util.mjs';

let env, srv, admin, web, webEn, u;
const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.data; };

// a browser session: the login form, then pages in a language
async function browser(login, password, lang) {
  const c = new Client(srv.base);
  const headers = { 'Accept-Language': lang };
  const pre = csrfOf((await c.get('/login', { headers })).text);
  const r = await c.post('/login', { form: { _csrf: pre, login, password }, headers });
  assert.equal(r.status, 303, r.text);
  const token = csrfOf((await c.get('/indicators/rules', { headers })).text);
  return {
    get: (p) => c.get(p, { headers }),
    post: (p, form) => c.post(p, { form: { ...form, _csrf: token }, headers }),
    raw: (p, o) => c.post(p, { ...o, headers: { ...headers, ...o.headers } }),
  };
}

// the text of a field's error beside it (e-NAME)
const fieldError = (html, name) => {
  const m = html.match(new RegExp(`id="e-${name}"[^>]*>([\\s\\S]*?)</(p|div)>`));
  return m ? m[1].replace(/<[^>]+>/g, '').trim() : null;
};
const rulesApi = async () => ok(await admin.get('/api/v1/indicator-rules')).items;
const ruleMessages = { severity: 'error', message_vi: 'Sai', message_en: 'Wrong', message_hi: 'गलत' };

async function indicator(code, kind, aggregation, extra = {}) {
  return ok(await admin.post('/api/v1/indicators', {
    json: { code, name_vi: code, name_en: code, name_hi: code, kind, aggregation, direction: 'higher', period_type: 'year', ...extra },
  }), 201);
}

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  u = {};
  u.SL = await mkUnit(admin, 'T-SL', 'Tỉnh Sơn La', 'province');
  u.D1 = await mkUnit(admin, 'SL-S1', 'Sở Thông tin và Truyền thông', 'department', u.SL.id);
  await addUserAsync(BIN, env.db, 'sl.officer', 'officer', 'T-SL');
  web = await browser('sl.officer', testPassword('sl.officer'), 'vi');
  webEn = await browser('sl.officer', testPassword('sl.officer'), 'en');
  await indicator('awareness_participants', 'number', 'sum', { name_vi: 'Người tham gia tuyên truyền' });
  await indicator('coverage_4g', 'percent', 'mean', { name_vi: 'Phủ sóng 4G' });
  await indicator('coverage_5g', 'percent', 'mean', { name_vi: 'Phủ sóng 5G' });
  await indicator('security_incidents', 'number', 'sum', { name_vi: 'Sự cố an toàn thông tin' });
});

after(async () => { if (srv) await srv.stop(); });

test('a rule\'s numbers are read the Vietnamese way, stored one way and shown the reader\'s way', async () => {
  // vi: 1.000 is one thousand, 0,5 one half
  ok(await web.post('/indicators/rules', { ...ruleMessages, code: 'aw_min', expression: 'awareness_participants >= 1.000' }), 303);
  ok(await web.post('/indicators/rules', { ...ruleMessages, code: 'cov_half', expression: 'coverage_5g <= coverage_4g * 0,5' }), 303);
  // en: 1,500.5 is one thousand five hundred and a half
  ok(await webEn.post('/indicators/rules', { ...ruleMessages, code: 'aw_max', expression: 'awareness_participants <= 1,500,000.5' }), 303);
  // the stored form: the numbers without grouping, '.' for decimals (the API's)
  ok(await admin.post('/api/v1/indicator-rules', { json: { ...ruleMessages, code: 'inc_api', expression: 'security_incidents <= 20000 * 0.25' } }), 201);
  const stored = Object.fromEntries((await rulesApi()).map((x) => [x.code, x.expression]));
  assert.deepEqual(stored, {
    aw_max: 'awareness_participants <= 1500000.5',
    aw_min: 'awareness_participants >= 1000',
    cov_half: 'coverage_5g <= coverage_4g * 0.5',
    inc_api: 'security_incidents <= 20000 * 0.25',
  });

  // in vi, 0.5 is not a number (a group of one digit) and 1,500.5 is ambiguous: refused at the number's column
  const dot = await web.post('/indicators/rules', { ...ruleMessages, code: 'cov_dot', expression: 'coverage_5g <= coverage_4g * 0.5' });
  assert.equal(dot.status, 422);
  assert.equal(fieldError(dot.text, 'expression'),
    'Cột 30: Viết số như 1.500.000,5 (dấu chấm nhóm hàng nghìn, dấu phẩy trước phần thập phân), gặp 0.5');
  assert.match(dot.text, /<pre class="expr-caret" aria-hidden="true">coverage_5g &lt;= coverage_4g \* 0\.5\n {29}\^<\/pre>/);
  const amb = await web.post('/indicators/rules', { ...ruleMessages, code: 'aw_amb', expression: 'awareness_participants >= 1,500.5' });
  assert.equal(amb.status, 422);
  assert.match(fieldError(amb.text, 'expression'), /^Cột 27: Viết số như 1\.500\.000,5 \(dấu chấm nhóm hàng nghìn, dấu phẩy trước phần thập phân\), gặp 1,500\.5$/);
  const ambEn = await webEn.post('/indicators/rules', { ...ruleMessages, code: 'aw_amb', expression: 'awareness_participants >= 1.500,5' });
  assert.equal(ambEn.status, 422);
  assert.match(fieldError(ambEn.text, 'expression'), /^Column 27: Write numbers like 1,500,000\.5, found 1\.500,5$/);
  assert.equal((await rulesApi()).length, 4);

  // the meaning: 999 is below one thousand, 1 000 is not
  const enter = (value) => admin.post('/api/v1/indicator-values', { json: { unit_id: u.D1.id, period: '2025',
    values: [{ indicator: 'awareness_participants', value }] }, headers: { 'Accept-Language': 'en' } });
  const refused = await enter(999);
  assert.equal(refused.status, 422);
  assert.equal(refused.data.error.rule, 'aw_min');
  ok(await enter(1000));

  // shown the reader's way in the list and in the edit form
  const codeOf = (html, code) => unescape(html.match(new RegExp(`<tr id="rule-${code}"[^>]*><td class="code">${code}</td><td><code>([^<]*)</code>`))[1]);
  const listVi = (await web.get('/indicators/rules')).text;
  assert.deepEqual(['aw_min', 'cov_half', 'aw_max', 'inc_api'].map((c) => codeOf(listVi, c)),
    ['awareness_participants >= 1.000', 'coverage_5g <= coverage_4g * 0,5', 'awareness_participants <= 1.500.000,5', 'security_incidents <= 20.000 * 0,25']);
  const listEn = (await webEn.get('/indicators/rules')).text;
  assert.deepEqual(['aw_min', 'cov_half', 'aw_max', 'inc_api'].map((c) => codeOf(listEn, c)),
    ['awareness_participants >= 1,000', 'coverage_5g <= coverage_4g * 0.5', 'awareness_participants <= 1,500,000.5', 'security_incidents <= 20,000 * 0.25']);
  const id = (await rulesApi()).find((x) => x.code === 'cov_half').id;
  const edit = await web.get(`/indicators/rules/${id}`);
  assert.equal(unescape(edit.text.match(/id="f-expression" name="expression" value="([^"]*)"/)[1]), 'coverage_5g <= coverage_4g * 0,5');
  // the form posted back as shown keeps the rule as it was
  const version = edit.text.match(/name="version" value="(\d+)"/)[1];
  ok(await web.post(`/indicators/rules/${id}`, { ...ruleMessages, code: 'cov_half', expression: 'coverage_5g <= coverage_4g * 0,5', version, active: '1' }), 303);
  assert.equal((await rulesApi()).find((x) => x.code === 'cov_half').expression, 'coverage_5g <= coverage_4g * 0.5');
});

test('saving values that break a warning rule names the indicator and the rule\'s message', async () => {
  ok(await admin.post('/api/v1/indicator-rules', { json: { code: 'inc_many', expression: 'security_incidents <= 20', severity: 'warning',
    message_vi: 'Số sự cố an toàn thông tin cao bất thường', message_en: 'Unusually many security incidents', message_hi: 'असामान्य रूप से अधिक सुरक्षा घटनाएँ' } }), 201);
  const r = await web.post('/indicators/values', { unit_id: String(u.D1.id), period: '2026', 'v.security_incidents': '25' });
  assert.equal(r.status, 303, r.text);
  const page = await web.get(r.headers.get('location'));
  assert.equal(unescape(page.text.match(/<p class="flash" role="status">([^<]*)<\/p>/)[1]),
    'Đã lưu số liệu, có cảnh báo: Sự cố an toàn thông tin: Số sự cố an toàn thông tin cao bất thường');
  // the API's warning names its indicator too
  const api = ok(await admin.post('/api/v1/indicator-values', { json: { unit_id: u.D1.id, period: '2026',
    values: [{ indicator: 'security_incidents', value: 30 }] }, headers: { 'Accept-Language': 'en' } }));
  assert.deepEqual(api.warnings, [{ rule: 'inc_many', message: 'Unusually many security incidents', indicator: 'security_incidents' }]);
});

test('the planned-target form keeps the indicator chosen and the value typed after an error', async () => {
  const r = await web.post('/indicators/targets', { unit_id: String(u.D1.id), period: '2027', indicator: 'coverage_5g', target: '1.5' });
  assert.equal(r.status, 422);
  const select = r.text.match(/<select id="f-indicator"[\s\S]*?<\/select>/)[0];
  assert.deepEqual([...select.matchAll(/<option value="([a-z0-9_]+)" selected>/g)].map((m) => m[1]), ['coverage_5g']);
  assert.match(r.text, /<input id="f-target" name="target" value="1.5"/);
  assert.equal(fieldError(r.text, 'target'), 'Phải là số viết như 1.500.000,5 (dấu chấm nhóm hàng nghìn, dấu phẩy trước phần thập phân)');
  // corrected, the target lands on the indicator chosen
  ok(await web.post('/indicators/targets', { unit_id: String(u.D1.id), period: '2027', indicator: 'coverage_5g', target: '1,5' }), 303);
  const fig = ok(await admin.get(`/api/v1/indicator-figures?indicator=coverage_5g&unit_id=${u.D1.id}&period=2027`));
  assert.equal(fig.figure.target, 1.5);
  const other = ok(await admin.get(`/api/v1/indicator-figures?indicator=awareness_participants&unit_id=${u.D1.id}&period=2027`));
  assert.equal(other.figure.target, null);
});

test('a period typed the Vietnamese way is read; one that cannot be shows its error beside the field', async () => {
  const shown = async (typed) => {
    const r = await web.get(`/indicators?unit_id=${u.D1.id}&period=${encodeURIComponent(typed)}`);
    assert.equal(r.status, 200, `${typed}: ${r.text.slice(0, 300)}`);
    return [r.text.match(/id="f-period" name="period" value="([^"]*)"/)[1], r.text.match(/<p class="status">[^<]*<b>([^<]*)<\/b>/)[1]];
  };
  assert.deepEqual(await shown('07/2025'), ['2025-07', '2025-07']);
  assert.deepEqual(await shown('3/2025'), ['2025-03', '2025-03']);
  assert.deepEqual(await shown('Q3/2025'), ['2025-Q3', '2025-Q3']);
  assert.deepEqual(await shown('quý 3/2025'), ['2025-Q3', '2025-Q3']);
  assert.deepEqual(await shown('Quý IV/2025'), ['2025-Q4', '2025-Q4']);
  assert.deepEqual(await shown(' 2025 '), ['2025', '2025']);
  assert.deepEqual(await shown('2025-Q2'), ['2025-Q2', '2025-Q2']);
  for (const typed of ['13/2025', 'Q5/2025', 'tháng bảy']) {
    const r = await web.get(`/indicators?unit_id=${u.D1.id}&period=${encodeURIComponent(typed)}`);
    assert.equal(r.status, 422, typed);
    assert.match(r.text, /<title>/);
    assert.equal(r.text.match(/id="f-period" name="period" value="([^"]*)"/)[1], typed);
    assert.match(r.text, /id="f-period" name="period" value="[^"]*" required aria-describedby="h-period e-period" aria-invalid="true"/);
    assert.equal(fieldError(r.text, 'period'), 'Ghi kỳ dạng 2025, 2025-Q3 (quý 3/2025) hoặc 2025-07 (07/2025)');
  }
});

test('an index\'s thresholds are shown the reader\'s way', async () => {
  const D2 = await mkUnit(admin, 'SL-S2', 'Sở Nội vụ', 'department', u.SL.id);
  assert.ok(D2.id);
  const ix = ok(await admin.post('/api/v1/indexes', { json: {
    code: 'DTI-F', name_vi: 'Chỉ số', name_en: 'Index', name_hi: 'Index', scope_id: u.SL.id, total_points: 1000,
    criteria: [
      { code: 'A', name_vi: 'A', name_en: 'A', name_hi: 'A', points: 1000 },
      { code: 'A1', name_vi: 'A1', name_en: 'A1', name_hi: 'A1', points: 1000, parent: 'A', indicator: 'awareness_participants', method: 'threshold',
        thresholds: '1:100.5;2.5:200;1000:400.5' },
    ] } }), 201);
  const thresholds = async (c) => (await c.get(`/indexes/${ix.id}?year=2025`)).text.match(/<td class="code">A1<\/td>[\s\S]*?<\/tr>/)[0]
    .match(/: ([0-9.,:;]+)<\/td><\/tr>/)[1];
  assert.equal(await thresholds(web), '1:100,5;2,5:200;1.000:400,5');
  assert.equal(await thresholds(webEn), '1:100.5;2.5:200;1,000:400.5');
  // the edit form the same way
  const form = (await web.get(`/indexes/${ix.id}/edit`)).text;
  assert.equal(form.match(/id="f-crit-2-thresholds" name="crit_thresholds" placeholder="[^"]*" value="([^"]*)"/)[1], '1:100,5;2,5:200;1.000:400,5');
});

test('a ratio\'s entry row shows its own unit, not always %', async () => {
  // a per-mille ratio, defined on the page (the factor 1.000 typed the Vietnamese way)
  ok(await web.post('/indicators/definitions', {
    code: 'docs_signed', name_vi: 'Văn bản ký số', name_en: 'Documents signed', name_hi: 'हस्ताक्षरित दस्तावेज़', measure: '‰', kind: 'ratio',
    factor: '1.000', aggregation: 'weighted', direction: 'higher', period_type: 'year', decimals: '2' }), 303);
  await indicator('water_ratio', 'ratio', 'weighted', { name_vi: 'Nước sạch' });
  ok(await admin.post('/api/v1/indicator-values', { json: { unit_id: u.D1.id, period: '2028', values: [
    { indicator: 'docs_signed', numerator: 5, denominator: 1000 }, { indicator: 'water_ratio', numerator: 9, denominator: 10 }] } }));
  const page = (await web.get(`/indicators?unit_id=${u.D1.id}&period=2028`)).text;
  const shown = (code) => page.match(new RegExp(`<tr id="row-${code}">[\\s\\S]*?<small>= ([^<]*)</small>`))[1];
  assert.equal(shown('docs_signed'), '5‰');
  assert.equal(shown('water_ratio'), '90%');
});

test('the API keeps a ratio\'s factor: given on create, kept by a correction that leaves it out, a wrong one refused', async () => {
  const x = await indicator('per_thousand_births', 'ratio', 'weighted', { factor: 1000 });
  assert.equal(x.factor, 1000);
  const { factor, id, version, ...rest } = x;
  const fields = {};
  for (const k of ['code', 'name_vi', 'name_en', 'name_hi', 'measure', 'kind', 'aggregation', 'direction', 'period_type', 'decimals', 'active']) fields[k] = rest[k];
  const y = ok(await admin.patch(`/api/v1/indicators/${id}`, { json: { ...fields, version, name_en: 'Per thousand births' } }));
  assert.equal(y.factor, 1000);
  assert.equal(y.name_en, 'Per thousand births');
  const z = ok(await admin.patch(`/api/v1/indicators/${id}`, { json: { ...fields, version: y.version, factor: 10 } }));
  assert.equal(z.factor, 10);
  const bad = await admin.patch(`/api/v1/indicators/${id}`, { json: { ...fields, version: z.version, factor: '1.000' } });
  assert.equal(bad.status, 422, bad.text);
  assert.deepEqual(bad.data.error.fields, { factor: 'Không phải là số' });
  const neg = await admin.post('/api/v1/indicators', { json: { ...fields, code: 'neg_factor', factor: -5 } });
  assert.equal(neg.status, 422, neg.text);
  assert.deepEqual(neg.data.error.fields, { factor: 'Ngoài phạm vi cho phép' });
  assert.equal(ok(await admin.get(`/api/v1/indicators/${id}`)).factor, 10);
});

test('an import reads a period written the Vietnamese way (07/2025, Q3/2025, quý 3/2025) as the entry form does; one it cannot read is refused at its line', async () => {
  await indicator('meetings_monthly', 'number', 'sum', { period_type: 'month' });
  await indicator('visits_quarterly', 'number', 'sum', { period_type: 'quarter' });
  const upload = async (text) => {
    const fd = new FormData();
    fd.append('file', new Blob([text], { type: 'text/csv' }), 'values.csv');
    const req = new Request('http://x', { method: 'POST', body: fd });
    return admin.post('/api/v1/indicator-values/import', { raw: Buffer.from(await req.arrayBuffer()), headers: { 'Content-Type': req.headers.get('content-type'), 'Accept-Language': 'en' } });
  };
  const bad = await upload('unit_code,indicator_code,period,value\nSL-S1,meetings_monthly,13/2025,4\nSL-S1,visits_quarterly,quý 5/2025,2\n');
  assert.equal(bad.status, 422, bad.text);
  assert.deepEqual(bad.data.error.lines, ["line 2: The period does not match the indicator's period type", "line 3: The period does not match the indicator's period type"]);
  const good = await upload('unit_code,indicator_code,period,value\nSL-S1,meetings_monthly,07/2025,4\nSL-S1,meetings_monthly,8/2025,5\n'
    + 'SL-S1,visits_quarterly,Q3/2025,2\nSL-S1,visits_quarterly,quý 4/2025,3\n');
  assert.deepEqual(ok(good), { imported: 4 });
  const value = async (period, code) => ok(await admin.get(`/api/v1/indicator-values?unit_id=${u.D1.id}&period=${period}`)).items.find((x) => x.indicator === code).value;
  assert.equal(await value('2025-07', 'meetings_monthly'), 4);
  assert.equal(await value('2025-08', 'meetings_monthly'), 5);
  assert.equal(await value('2025-Q3', 'visits_quarterly'), 2);
  assert.equal(await value('2025-Q4', 'visits_quarterly'), 3);
});

test('the dashboard reads its periods typed the Vietnamese way (06/2025 to 07/2025), on the page and when saved', async () => {
  await indicator('calls_monthly', 'number', 'sum', { period_type: 'month', name_vi: 'Cuộc gọi hỗ trợ' });
  ok(await admin.post('/api/v1/indicator-values', { json: { unit_id: u.D1.id, period: '2025-07', values: [{ indicator: 'calls_monthly', value: 1500 }] } }));
  const page = await web.get(`/indicators/dashboard?unit_id=${u.D1.id}&indicators=calls_monthly&from=06%2F2025&to=07%2F2025`);
  assert.equal(page.status, 200, page.text);
  assert.match(page.text, /<input id="f-from" name="from" value="2025-06">/);
  assert.match(page.text, /<input id="f-to" name="to" value="2025-07">/);
  assert.match(page.text, /1\.500/);
  const saved = await web.post('/indicators/dashboards', { unit_id: String(u.D1.id), from: '06/2025', to: '7/2025', title: 'Cuộc gọi', slug: 'cuoc-goi', indicators: 'calls_monthly' });
  assert.equal(saved.status, 303, saved.text);
  assert.equal(sql(env.db, "SELECT period_from || ' ' || period_to FROM indicator_dashboards WHERE slug = 'cuoc-goi'"), '2025-06 2025-07');
  // one that is no period is still refused, beside its field as typed
  const bad = await web.get(`/indicators/dashboard?unit_id=${u.D1.id}&indicators=calls_monthly&from=13%2F2025&to=07%2F2025`);
  assert.equal(bad.status, 422);
  assert.match(bad.text, /<input id="f-from" name="from" value="13\/2025" aria-invalid="true" aria-describedby="e-from">/);
});

test('an index\'s criteria file: its errors in the reader\'s language, its numbers read the user\'s way (2,5 points)', async () => {
  const upload = async (csv) => {
    const page = await web.get('/indexes/new?file=1');
    assert.equal(page.status, 200);
    const fd = new FormData();
    for (const [k, v] of Object.entries({ _csrf: csrfOf(page.text), code: 'IX-FILE', name_vi: 'Chỉ số tệp', name_en: 'File index', name_hi: 'फ़ाइल सूचकांक',
      unit_id: String(u.SL.id), total_points: '10' })) fd.append(k, v);
    fd.append('file', new Blob([csv], { type: 'text/csv' }), 'criteria.csv');
    const req = new Request('http://x', { method: 'POST', body: fd });
    return web.raw('/indexes', { raw: Buffer.from(await req.arrayBuffer()), headers: { 'Content-Type': req.headers.get('content-type') } });
  };
  const bad = await upload('code,parent,name_vi,name_en,name_hi,points,indicator,method,lo,hi,thresholds\nA,,Hạ tầng,Infrastructure,अवसंरचना,mười,,,,,\nA1,B,Phủ sóng,Coverage,कवरेज,2,coverage_4g,linear,0,100,\n');
  assert.equal(bad.status, 422);
  assert.ok(bad.text.includes('dòng 2: points (điểm): Không phải là số'), bad.text);
  assert.ok(bad.text.includes('dòng 3: parent: Không có tiêu chí chính nào ở trên mang mã này'));
  const good = await upload('code,parent,name_vi,name_en,name_hi,points,indicator,method,lo,hi,thresholds\nA,,Hạ tầng,Infrastructure,अवसंरचना,"7,5",,,,,\nA1,A,Phủ sóng,Coverage,कवरेज,"7,5",coverage_4g,linear,0,"1.000",\nB,,Dịch vụ,Services,सेवाएँ,"2,5",,,,,\nB1,B,Dịch vụ công,Public services,सार्वजनिक सेवाएँ,"2,5",coverage_5g,linear,0,100,\n');
  assert.equal(good.status, 303, good.text);
  const id = good.headers.get('location').split('/').pop();
  const rows = sql(env.db, `SELECT code || ':' || CAST(points * 10 AS INTEGER) || ':' || CAST(COALESCE(hi, 0) AS INTEGER) FROM index_criteria WHERE index_id = ${id} ORDER BY position`);
  assert.deepEqual(rows.split('\n'), ['A:75:0', 'A1:75:1000', 'B:25:0', 'B1:25:100']);
});
