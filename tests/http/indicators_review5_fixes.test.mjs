// Indicators: defects found on the demo by a fifth tester, each checked
// against exact values. The entry form does not overwrite a value someone
// else changed after it was read (409, the row's current value beside it,
// what was typed kept); stale rule and dashboard forms come back with what
// was typed over the current version; another province's saved dashboards
// are neither listed nor opened; a dashboard's periods that do not read come
// back beside their fields; an import's errors name their line in the
// reader's language; a template imported again unchanged after approval
// changes nothing instead of failing on the lock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, makeDb, startServer, Client, testPassword } from '../lib/server.mjs';
import { addUserAsync, csrfOf, formLogin, mkUnit, unescape } from './_util.mjs';

let env, srv, admin, u;
const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.data; };
// the text of a field's error beside it (e-NAME)
const fieldError = (html, name) => {
  const m = html.match(new RegExp(`id="e-${name}"[^>]*>([\\s\\S]*?)</(p|div)>`));
  return m ? unescape(m[1].replace(/<[^>]+>/g, '').trim()) : null;
};
const inputValue = (html, id) => {
  const m = html.match(new RegExp(`id="${id}"[^>]*value="([^"]*)"`));
  return m ? unescape(m[1]) : null;
};

// a browser session in a language: its pages, and its forms with the page's CSRF token
async function browser(login, lang = 'vi') {
  const c = await formLogin(srv.base, login, testPassword(login), lang);
  const headers = { 'Accept-Language': lang };
  const token = csrfOf((await c.get('/indicators/rules', { headers })).text);
  return {
    get: (p) => c.get(p, { headers }),
    post: (p, form) => c.post(p, { form: { ...form, _csrf: token }, headers }),
    raw: (p, o) => c.post(p, { ...o, headers: { ...headers, ...o.headers } }),
  };
}

async function indicator(code, kind, aggregation, extra = {}) {
  return ok(await admin.post('/api/v1/indicators', {
    json: { code, name_vi: code, name_en: code, name_hi: code, kind, aggregation, direction: 'higher', period_type: 'year', ...extra },
  }), 201);
}
const enter = (unit, period, values) => admin.post('/api/v1/indicator-values', { json: { unit_id: unit.id, period, values } });
const figure = async (code, unit, period) =>
  ok(await admin.get(`/api/v1/indicator-figures?indicator=${code}&unit_id=${unit.id}&period=${period}&children=0`)).figure.value;

before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  u = {};
  u.SL = await mkUnit(admin, 'R5-SL', 'Tỉnh Sơn La', 'province');
  u.D1 = await mkUnit(admin, 'R5-SL-S1', 'Sở Thông tin và Truyền thông', 'department', u.SL.id);
  u.CM = await mkUnit(admin, 'R5-CM', 'Tỉnh Cà Mau', 'province');
  await addUserAsync(BIN, env.db, 'r5.officer', 'officer', 'R5-SL');
  await addUserAsync(BIN, env.db, 'r5.reporter', 'reporter', 'R5-SL-S1');
  await addUserAsync(BIN, env.db, 'r5.cm', 'officer', 'R5-CM');
  await indicator('r5_datasets', 'number', 'sum', { name_vi: 'Cơ sở dữ liệu kết nối IOC' });
  await indicator('r5_incidents', 'number', 'sum', { name_vi: 'Sự cố an toàn thông tin' });
  await indicator('r5_signed', 'ratio', 'weighted', { name_vi: 'Văn bản ký số' });
});

after(async () => { if (srv) await srv.stop(); });

test('the entry form does not overwrite a value changed by someone else after it was read', async () => {
  ok(await enter(u.D1, '2031', [{ indicator: 'r5_datasets', value: 5 }, { indicator: 'r5_incidents', value: 3 }]));
  const rep = await browser('r5.reporter');
  const page = (await rep.get(`/indicators?unit_id=${u.D1.id}&period=2031`)).text;
  // the form as read: every input as shown, and the version each row was read at
  const form = {};
  for (const m of page.matchAll(/<input id="[vndco]-[a-z0-9_]+" name="([vndco]\.[a-z0-9_]+)"[^>]*value="([^"]*)"/g)) form[m[1]] = unescape(m[2]);
  for (const m of page.matchAll(/<input type="hidden" name="(o\.[a-z0-9_]+)" value="([^"]*)"/g)) form[m[1]] = m[2];
  assert.equal(form['v.r5_datasets'], '5');
  assert.ok(form['o.r5_datasets'], 'the row carries the version it was read at');
  // meanwhile the officer enters 6 datasets
  ok(await enter(u.D1, '2031', [{ indicator: 'r5_datasets', value: 6 }]));
  // the reporter changes the incidents only and saves the form read before
  const stale = await rep.post('/indicators/values', { ...form, unit_id: u.D1.id, period: '2031', 'v.r5_incidents': '4' });
  assert.equal(stale.status, 409, stale.text);
  assert.match(stale.text, /Người khác đã thay đổi/);
  assert.equal(fieldError(stale.text, 'r5_datasets'),
    'Người khác đã sửa giá trị này sau khi bạn mở biểu mẫu; giá trị hiện tại: 6. Giữ giá trị bạn nhập thì lưu lại lần nữa.');
  // nothing is saved, the other's 6 stays; what was typed is kept
  assert.equal(await figure('r5_datasets', u.D1, '2031'), 6);
  assert.equal(await figure('r5_incidents', u.D1, '2031'), 3);
  assert.equal(inputValue(stale.text, 'v-r5_incidents'), '4');
  assert.equal(inputValue(stale.text, 'v-r5_datasets'), '5');
  // saved again (the form now at the current version), what the reporter typed is entered
  const again = {};
  for (const m of stale.text.matchAll(/<input type="hidden" name="(o\.[a-z0-9_]+)" value="([^"]*)"/g)) again[m[1]] = m[2];
  assert.notEqual(again['o.r5_datasets'], form['o.r5_datasets']);
  const saved = await rep.post('/indicators/values', { ...form, ...again, unit_id: u.D1.id, period: '2031', 'v.r5_incidents': '4' });
  assert.equal(saved.status, 303, saved.text);
  assert.equal(await figure('r5_datasets', u.D1, '2031'), 5);
  assert.equal(await figure('r5_incidents', u.D1, '2031'), 4);
  // a row changed meanwhile to what the form holds is no conflict: 7 typed over 7 entered
  const page2 = (await rep.get(`/indicators?unit_id=${u.D1.id}&period=2031`)).text;
  const form2 = {};
  for (const m of page2.matchAll(/<input type="hidden" name="(o\.[a-z0-9_]+)" value="([^"]*)"/g)) form2[m[1]] = m[2];
  ok(await enter(u.D1, '2031', [{ indicator: 'r5_datasets', value: 7 }]));
  const same = await rep.post('/indicators/values', { ...form2, unit_id: u.D1.id, period: '2031', 'v.r5_datasets': '7', 'v.r5_incidents': '4' });
  assert.equal(same.status, 303, same.text);
  assert.equal(await figure('r5_datasets', u.D1, '2031'), 7);
});

test('a stale rule or dashboard form comes back with what was typed over the current version', async () => {
  const off = await browser('r5.officer');
  const msgs = { severity: 'warning', message_vi: 'Nhiều sự cố', message_en: 'Many incidents', message_hi: 'अनेक घटनाएँ' };
  ok(await off.post('/indicators/rules', { ...msgs, code: 'r5_many', expression: 'r5_incidents <= 20' }), 303);
  const rule = ok(await admin.get('/api/v1/indicator-rules')).items.find((x) => x.code === 'r5_many');
  const edit = (await off.get(`/indicators/rules/${rule.id}`)).text;
  const version = edit.match(/name="version" value="(\d+)"/)[1];
  ok(await admin.patch(`/api/v1/indicator-rules/${rule.id}`, { json: { ...msgs, code: 'r5_many', expression: 'r5_incidents <= 30', version: rule.version, active: true } }));
  const stale = await off.post(`/indicators/rules/${rule.id}`, { ...msgs, code: 'r5_many', expression: 'r5_incidents <= 1.000', version, active: '1' });
  assert.equal(stale.status, 409, stale.text);
  assert.match(stale.text, /id="notice"/);
  assert.match(stale.text, /hiện ở phiên bản 2/);
  assert.equal(inputValue(stale.text, 'f-expression'), 'r5_incidents <= 1.000');
  assert.equal(stale.text.match(/name="version" value="(\d+)"/)[1], '2');
  assert.equal(ok(await admin.get('/api/v1/indicator-rules')).items.find((x) => x.code === 'r5_many').expression, 'r5_incidents <= 30');

  const d = ok(await admin.post('/api/v1/indicator-dashboards', { json: { slug: 'r5-sl', title: 'Sơn La', unit_id: u.SL.id,
    indicators: 'r5_datasets', period_from: '2030', period_to: '2031', public: false } }), 201);
  const dform = (await off.get(`/indicators/dashboards/${d.id}`)).text;
  const dversion = dform.match(/name="version" value="(\d+)"/)[1];
  ok(await admin.patch(`/api/v1/indicator-dashboards/${d.id}`, { json: { slug: 'r5-sl', title: 'Sơn La (mới)', unit_id: u.SL.id,
    indicators: 'r5_datasets', period_from: '2030', period_to: '2031', public: false, version: 1 } }));
  const dstale = await off.post(`/indicators/dashboards/${d.id}`, { version: dversion, slug: 'r5-sl', title: 'Sơn La của tôi', unit_id: u.SL.id,
    from: '2030', to: '2031', indicators: 'r5_incidents' });
  assert.equal(dstale.status, 409, dstale.text);
  assert.match(dstale.text, /hiện ở phiên bản 2/);
  assert.equal(inputValue(dstale.text, 'f-title'), 'Sơn La của tôi');
  assert.match(dstale.text, /value="r5_incidents" checked/);
  assert.doesNotMatch(dstale.text, /value="r5_datasets" checked/);
  assert.equal(dstale.text.match(/name="version" value="(\d+)"/)[1], '2');
});

// the fields of the form posting to action, as a browser sends them unchanged: [name, value] pairs
function formFields(html, action) {
  const start = html.indexOf(`action="${action}"`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const pairs = [];
  for (const m of form.matchAll(/<(input|select)\b([^>]*)>([\s\S]*?)(?=<(?:input|select|\/select)\b|$)/g)) {
    const attrs = m[2];
    const name = (attrs.match(/\bname="([^"]*)"/) || [])[1];
    if (!name) continue;
    if (m[1] === 'select') {
      const sel = m[3].match(/<option value="([^"]*)"[^>]*\bselected/) || m[3].match(/<option value="([^"]*)"/);
      pairs.push([name, sel ? unescape(sel[1]) : '']);
    } else {
      if (/type="(checkbox|radio)"/.test(attrs) && !/\bchecked\b/.test(attrs)) continue;
      if (/type="submit"/.test(attrs)) continue;
      pairs.push([name, unescape((attrs.match(/\bvalue="([^"]*)"/) || [, ''])[1])]);
    }
  }
  return pairs;
}

test('a stale index form comes back with its rows as typed over the current version', async () => {
  const ix = ok(await admin.post('/api/v1/indexes', { json: { code: 'R5-IX', name_vi: 'Chỉ số R5', name_en: 'R5 index', name_hi: 'R5', scope_id: u.SL.id,
    total_points: 10, criteria: [{ code: 'A', name_vi: 'A', name_en: 'A', name_hi: 'A', points: 10 },
      { code: 'A1', name_vi: 'A1', name_en: 'A1', name_hi: 'A1', points: 10, parent: 'A', indicator: 'r5_datasets', method: 'rank' }] } }), 201);
  const off = await browser('r5.officer');
  const edit = (await off.get(`/indexes/${ix.id}/edit`)).text;
  const fields = formFields(edit, `/indexes/${ix.id}`).filter(([k]) => k !== '_csrf');
  assert.ok(fields.some(([k, v]) => k === 'version' && v === '1'), JSON.stringify(fields));
  const post = (pairs) => off.raw(`/indexes/${ix.id}`, { form: [...pairs, ['_csrf', csrfOf(edit)]] });
  // someone saves it first (version 2) ...
  const first = await post(fields.map(([k, v]) => [k, k === 'name_vi' ? 'Chỉ số R5 (mới)' : v]));
  assert.equal(first.status, 303, first.text);
  // ... then the form read at version 1 is saved with another name
  const stale = await post(fields.map(([k, v]) => [k, k === 'name_vi' ? 'Chỉ số của tôi' : v]));
  assert.equal(stale.status, 409, stale.text);
  assert.match(stale.text, /hiện ở phiên bản 2/);
  assert.equal(inputValue(stale.text, 'f-name_vi'), 'Chỉ số của tôi');
  assert.equal(inputValue(stale.text, 'f-crit-2-code'), 'A1');
  assert.equal(stale.text.match(/name="version" value="(\d+)"/)[1], '2');
  // saved again, it applies
  const again = await post(formFields(stale.text, `/indexes/${ix.id}`).filter(([k]) => k !== '_csrf'));
  assert.equal(again.status, 303, again.text);
  assert.equal(ok(await admin.get('/api/v1/indexes')).items.find((x) => x.code === 'R5-IX').name, 'Chỉ số của tôi');
});

test('another province\'s saved dashboards are neither listed nor opened', async () => {
  const d = ok(await admin.post('/api/v1/indicator-dashboards', { json: { slug: 'r5-sl-private', title: 'Sơn La nội bộ', unit_id: u.SL.id,
    indicators: 'r5_datasets', period_from: '2030', period_to: '2031', public: false } }), 201);
  const cm = await browser('r5.cm');
  const page = await cm.get(`/indicators/dashboard?unit_id=${u.CM.id}`);
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.text, /Sơn La nội bộ/);
  assert.doesNotMatch(page.text, new RegExp(`/indicators/dashboards/${d.id}"`));
  const edit = await cm.get(`/indicators/dashboards/${d.id}`);
  assert.equal(edit.status, 403);
  assert.doesNotMatch(edit.text, /Sơn La nội bộ/);
  // Sơn La's officer lists and opens it
  const off = await browser('r5.officer');
  assert.match((await off.get(`/indicators/dashboard?unit_id=${u.SL.id}`)).text, /Sơn La nội bộ/);
  assert.equal((await off.get(`/indicators/dashboards/${d.id}`)).status, 200);
});

test('a dashboard\'s periods that do not read come back beside their fields, as typed', async () => {
  const off = await browser('r5.officer');
  const base = `/indicators/dashboard?unit_id=${u.SL.id}`;
  const typo = await off.get(`${base}&from=2O30&to=2031`);
  assert.equal(typo.status, 422, typo.text);
  assert.equal(fieldError(typo.text, 'from'), 'Ghi kỳ dạng 2025, 2025-Q3 (quý 3/2025) hoặc 2025-07 (07/2025)');
  assert.equal(inputValue(typo.text, 'f-from'), '2O30');
  assert.equal(inputValue(typo.text, 'f-to'), '2031');
  const reversed = await off.get(`${base}&from=2031&to=2030`);
  assert.equal(reversed.status, 422);
  assert.equal(fieldError(reversed.text, 'to'), 'Kỳ cuối phải cùng loại với kỳ đầu và không trước kỳ đầu');
  const mixed = await off.get(`${base}&from=Q1/2031&to=2031`);
  assert.equal(mixed.status, 422);
  assert.equal(fieldError(mixed.text, 'to'), 'Kỳ cuối phải cùng loại với kỳ đầu và không trước kỳ đầu');
  assert.equal(inputValue(mixed.text, 'f-from'), 'Q1/2031');
  // more than 40 periods: refused, not cut short under the title of the whole range
  const long = await off.get(`${base}&from=2020-01&to=2025-12&indicators=r5_datasets`);
  assert.equal(long.status, 422);
  assert.equal(fieldError(long.text, 'from'), 'Tối đa 40 kỳ');
  const en = await browser('r5.officer', 'en');
  assert.equal(fieldError((await en.get(`${base}&from=2031&to=2030`)).text, 'to'),
    'The last period must be of the first one\'s type and not before it');
  // a good range still shows its charts
  const good = await off.get(`${base}&from=Q1/2031&to=Q4/2031`);
  assert.equal(good.status, 200);
});

function upload(text, name = 'values.csv') {
  const fd = new FormData();
  fd.append('file', new Blob([text], { type: 'text/csv' }), name);
  return fd;
}
async function importCsv(c, text, lang) {
  const req = new Request('http://x', { method: 'POST', body: upload(text) });
  const body = Buffer.from(await req.arrayBuffer());
  return c.post('/api/v1/indicator-values/import', { raw: body, headers: { 'Content-Type': req.headers.get('content-type'), 'Accept-Language': lang } });
}

test('an import\'s errors name their line in the reader\'s language', async () => {
  const file = 'unit_code,indicator_code,period,value\nR5-SL-S1,nope,2031,5\nR5-SL-S1,r5_datasets,2031-07,1\n';
  const vi = await importCsv(admin, file, 'vi');
  assert.equal(vi.status, 422);
  assert.deepEqual(vi.data.error.lines, ['dòng 2: Không có chỉ tiêu này', 'dòng 3: Kỳ không khớp với loại kỳ của chỉ tiêu']);
  const hi = await importCsv(admin, file, 'hi');
  assert.match(hi.data.error.lines[0], /^पंक्ति 2: /);
  const en = await importCsv(admin, file, 'en');
  assert.deepEqual(en.data.error.lines, ['line 2: No such indicator', "line 3: The period does not match the indicator's period type"]);
  // the page shows them too
  const rep = await browser('r5.reporter');
  const page = await rep.get(`/indicators?unit_id=${u.D1.id}&period=2031`);
  const token = csrfOf(page.text);
  const fd = upload(file);
  fd.append('_csrf', token);
  fd.append('unit_id', String(u.D1.id));
  fd.append('period', '2031');
  const r2 = new Request('http://x', { method: 'POST', body: fd });
  const shown = await rep.raw('/indicators/import', { raw: Buffer.from(await r2.arrayBuffer()), headers: { 'Content-Type': r2.headers.get('content-type') } });
  assert.equal(shown.status, 422);
  assert.match(shown.text, /dòng 2: Không có chỉ tiêu này\ndòng 3: Kỳ không khớp với loại kỳ của chỉ tiêu/);
});

test('a template imported again unchanged after approval changes nothing instead of failing on the lock', async () => {
  ok(await enter(u.D1, '2032', [{ indicator: 'r5_datasets', value: 1500.5 }, { indicator: 'r5_signed', numerator: 1234, denominator: 2000, comment: 'Báo cáo quý' }]));
  ok(await admin.post('/api/v1/indicator-values/approve', { json: { unit_id: u.D1.id, period: '2032' } }));
  const historyLen = async (code) => ok(await admin.get(`/api/v1/indicator-values/history?indicator=${code}&unit_id=${u.D1.id}&period=2032`)).items.length;
  const before = [await historyLen('r5_datasets'), await historyLen('r5_signed')];
  const csv = (await admin.get(`/indicators/template?unit_id=${u.D1.id}&period=2032&format=csv`, { headers: { 'Accept-Language': 'vi' } })).text;
  assert.match(csv, /R5-SL-S1,r5_datasets,Cơ sở dữ liệu kết nối IOC,2032,"1500,5",,,/);
  const back = await importCsv(admin, csv.replace(/^\uFEFF/, ''), 'vi');
  assert.deepEqual(ok(back), { imported: 2 });   // the lines read; neither entered again
  assert.deepEqual([await historyLen('r5_datasets'), await historyLen('r5_signed')], before);
  // a changed line of an approved unit is still refused
  const changed = await importCsv(admin, csv.replace(/^\uFEFF/, '').replace('"1500,5"', '"1600,5"'), 'vi');
  assert.equal(changed.status, 422);
  assert.deepEqual(changed.data.error.lines, ['dòng 2: Số liệu đã phê duyệt bị khóa; đề nghị cấp trên mở khóa']);
  assert.equal(await figure('r5_datasets', u.D1, '2032'), 1500.5);
});
