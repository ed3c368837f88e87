// Outputs and uploads, as the demo meets them (review 3): every kind of
// upload counts against its unit's quota and the unit's figure shows them
// all (M3); the awards-received export writes its decision dates as dates
// (M11); CSV downloads start with a UTF-8 BOM (L11); `thidua eligibility`
// speaks the language of --lang (L7); an achievement's decision cannot be
// dated before the year it commends (L8).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { BIN, makeDb, startServer, Client, testPassword } from '../lib/server.mjs';
import { addUserAsync, csrfOf, sql, thiduaAsync } from './_util.mjs';

let env, srv, admin;

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db, ['--unit-quota', '100000']);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
});

after(async () => { if (srv) await srv.stop(); });

// a PDF of `size` bytes, different for each `tag` (so none is stored once for two)
const pdf = (tag, size) => {
  const head = `%PDF-1.4\n% ${tag} `, tail = '\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';
  return Buffer.from(head + 'x'.repeat(size - head.length - tail.length) + tail);
};
const upload = (route, name, bytes) => {
  const fd = new FormData();
  fd.append('file', new Blob([bytes], { type: 'application/pdf' }), name);
  return admin.req('POST', route, { raw: fd });
};
const FULL = 'Hạn mức lưu trữ tệp của đơn vị đã đầy: hãy gỡ bỏ tệp cũ hoặc đề nghị quản trị viên nâng hạn mức';

async function loginAs(login, password) {
  const b = new Client(srv.base);
  const page = await b.get('/login');
  const r = await b.post('/login', { form: { login, password, next: '/', _csrf: csrfOf(page.text) } });
  assert.equal(r.status, 303, r.text);
  return b;
}

test('M3: task files count against the lead unit\'s quota (422 with the model uploads\' message) and its figure on the home page', async () => {
  const [task, lead] = sql(env.db, "SELECT t.id, u.id FROM tasks t JOIN units u ON u.id = t.lead_id WHERE u.code = 'T-CAMAU-SKHCN' " +
    "AND t.state = 'open' AND NOT EXISTS (SELECT 1 FROM tasks c WHERE c.parent_id = t.id) ORDER BY t.id LIMIT 1").split('|').map(Number);
  assert.ok(task > 0);
  const route = `/api/v1/tasks/${task}/files`;
  assert.equal((await upload(route, 'a.pdf', pdf('a', 45000))).status, 201);
  assert.equal((await upload(route, 'b.pdf', pdf('b', 45000))).status, 201);
  const r = await upload(route, 'c.pdf', pdf('c', 45000));
  assert.equal(r.status, 422, r.text);
  assert.equal(r.data.error.fields.file, FULL);
  assert.equal((await admin.get(route)).data.items.length, 2);
  // the unit's figure counts them: 90 000 bytes, 88 KB (it said 0 KB)
  const pw = await addUserAsync(BIN, env.db, 'skhcn.rep', 'reporter', 'T-CAMAU-SKHCN');
  const home = await (await loginAs('skhcn.rep', pw)).get('/');
  assert.equal(home.status, 200);
  assert.match(home.text, new RegExp(`id="home-storage-${lead}">· tệp 88 KB / 98 KB</small>`));
});

test('M3: scorecard files count against the scorer\'s quota too', async () => {
  // a submitted card of the demo's cluster, reopened by the organiser: its scorer may attach files again
  const card = Number(sql(env.db, "SELECT min(id) FROM cluster_scorecards WHERE status = 'submitted'"));
  const c = (await admin.get(`/api/v1/scorecards/${card}`)).data;
  const re = await admin.post(`/api/v1/scorecards/${card}/reopen`, { json: { version: c.version, reason: 'Bổ sung minh chứng' } });
  assert.equal(re.status, 200, re.text);
  const route = `/api/v1/scorecards/${card}/files`;
  assert.equal((await upload(route, 'd.pdf', pdf('d', 60000))).status, 201);
  const r = await upload(route, 'e.pdf', pdf('e', 60000));
  assert.equal(r.status, 422, r.text);
  assert.equal(r.data.error.fields.file, FULL);
  assert.equal((await admin.get(route)).data.items.length, 1);
});

test('M11, L11: the awards-received export: a BOM, dates dd/mm/yyyy in CSV, a date cell shown dd/mm/yyyy in XLSX', async () => {
  const csv = await fetch(srv.base + '/export/awards-received?year=2023&format=csv', { headers: { Authorization: 'Bearer ' + admin.token } });
  assert.equal(csv.status, 200);
  const bytes = Buffer.from(await csv.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
  assert.equal(lines[0], 'Năm,"Danh hiệu, hình thức khen thưởng","Người, tập thể được khen","Mã số cán bộ, công chức",Đơn vị,Số quyết định,Ngày quyết định,Cơ quan ban hành');
  const dated = lines.slice(1).filter((l) => /,\d\d\/\d\d\/\d{4},/.test(l));
  assert.ok(dated.length > 0, lines.join('\n'));
  assert.ok(!lines.some((l) => /\d{4}-\d\d-\d\d/.test(l)), 'no ISO date left');
  // the same rows as XLSX: the first decision date is a number cell with the style dd/mm/yyyy
  const x = await fetch(srv.base + '/export/awards-received?year=2023&format=xlsx', { headers: { Authorization: 'Bearer ' + admin.token } });
  assert.equal(x.status, 200);
  const file = path.join(env.dir, 'received.xlsx');
  fs.writeFileSync(file, Buffer.from(await x.arrayBuffer()));
  const cell = JSON.parse(execFileSync('python3', ['-c', `
import sys, zipfile, re, json
z = zipfile.ZipFile(sys.argv[1])
sheet = z.read('xl/worksheets/sheet1.xml').decode()
styles = z.read('xl/styles.xml').decode()
row = int(sys.argv[2])
c = re.search(r'<c r="G%d"([^>]*)>(.*?)</c>' % row, sheet)
attrs = dict(re.findall(r'(\\w+)="([^"]*)"', c.group(1)))
xfs = re.findall(r'<xf [^>]*>', re.search(r'<cellXfs[^>]*>(.*?)</cellXfs>', styles, re.S).group(1))
fmt_id = re.search(r'numFmtId="(\\d+)"', xfs[int(attrs.get('s', 0))]).group(1)
fmts = dict(re.findall(r'<numFmt numFmtId="(\\d+)" formatCode="([^"]*)"', styles))
print(json.dumps({'t': attrs.get('t'), 'v': re.search(r'<v>([^<]*)</v>', c.group(2)).group(1), 'format': fmts.get(fmt_id)}))
`, file, String(lines.indexOf(dated[0]) + 1)], { encoding: 'utf8' }));
  const [d, m, y] = dated[0].match(/,(\d\d)\/(\d\d)\/(\d{4}),/).slice(1).map(Number);
  const serial = (Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86400000;
  assert.deepEqual(cell, { t: null, v: String(serial), format: 'dd/mm/yyyy' });
});

test('L11: every CSV download and the command line\'s CSV export start with EF BB BF; imports take the file with or without it', async () => {
  for (const route of ['/export/units?format=csv', '/export/people?format=csv', '/export/awards-received?format=csv']) {
    const r = await fetch(srv.base + route, { headers: { Authorization: 'Bearer ' + admin.token } });
    if (r.status === 404) continue;
    assert.equal(r.status, 200, route);
    assert.deepEqual([...Buffer.from(await r.arrayBuffer()).subarray(0, 3)], [0xef, 0xbb, 0xbf], route);
  }
  const out = path.join(env.dir, 'units.csv');
  const e = await thiduaAsync(BIN, ['export', 'units', '--db', env.db, '--out', out]);
  assert.equal(e.code, 0, e.stderr);
  const bytes = fs.readFileSync(out);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.ok(bytes.subarray(3).toString('utf8').startsWith('Mã đơn vị,Tên đơn vị,'));
  // the exported file goes back in unchanged, with its BOM and without it
  const i1 = await thiduaAsync(BIN, ['import', 'units', out, '--db', env.db]);
  assert.equal(i1.code, 0, i1.stderr);
  const bare = path.join(env.dir, 'units-bare.csv');
  fs.writeFileSync(bare, bytes.subarray(3));
  const i2 = await thiduaAsync(BIN, ['import', 'units', bare, '--db', env.db]);
  assert.equal(i2.code, 0, i2.stderr);
  assert.equal(i1.stdout.replace(/^.*: (\d+ lines)/, '$1'), i2.stdout.replace(/^.*: (\d+ lines)/, '$1'));
  assert.match(i2.stdout, /0 added, 0 updated, \d+ unchanged/);
});

test('L7: thidua eligibility in Vietnamese (the default) and Hindi has no English word; English is unchanged', async () => {
  const args = ['eligibility', '--db', env.db, '--award', 'LDTT', '--unit', 'QY-P-YENGIANG', '--year', '2024', '--verdict', 'all'];
  const vi = await thiduaAsync(BIN, args);
  assert.equal(vi.code, 0, vi.stderr);
  const v = vi.stdout.split('\n');
  assert.equal(v[0], 'LDTT Lao động tiên tiến, 2024, QY-P-YENGIANG — bộ quy tắc 1 (Luật Thi đua, khen thưởng số 06/2022/QH15, từ 01/01/2024)');
  assert.match(v[1], /^số người: \d+$/);
  assert.match(v[2], /^đủ điều kiện: \d+$/);
  assert.match(v[3], /^cần người xác nhận: \d+$/);
  assert.match(v[4], /^chưa đủ điều kiện: \d+$/);
  assert.ok(v.includes('  [không đạt] Xếp loại “hoàn thành tốt nhiệm vụ” trở lên — năm 2024'), vi.stdout.slice(0, 2000));
  assert.ok(v.some((l) => l.startsWith('  [người xét duyệt đánh giá] ')));
  assert.ok(v.some((l) => / {2}chưa đủ điều kiện$/.test(l)));
  assert.doesNotMatch(vi.stdout, /\[not met\]|\[met\]|\[judge\]|ineligible|rule set|from 20/);
  const hi = await thiduaAsync(BIN, [...args, '--lang', 'hi']);
  assert.match(hi.stdout.split('\n')[0], /— नियम-समूह 1 \(Luật Thi đua, khen thưởng số 06\/2022\/QH15, 01\/01\/2024 से\)$/);
  assert.doesNotMatch(hi.stdout, /\[not met\]|\[met\]|\[judge\]|ineligible|rule set|from 20/);
  // English: the lines scripts read (docs/COMMENDATION.md, bench/run.sh)
  const en = await thiduaAsync(BIN, [...args, '--lang', 'en']);
  const e = en.stdout.split('\n');
  assert.equal(e[0], 'LDTT Advanced Worker, 2024, QY-P-YENGIANG — rule set 1 (Luật Thi đua, khen thưởng số 06/2022/QH15, from 2024-01-01)');
  assert.match(e[1], /^people: \d+$/);
  assert.match(e[4], /^ineligible: \d+$/);
  assert.ok(e.some((l) => l.startsWith('  [not met] ')));
  // CSV: vi with the BOM and its titles, en as before
  const csv = await thiduaAsync(BIN, [...args, '--format', 'csv']);
  assert.ok(csv.stdout.startsWith('\uFEFF"Mã số cán bộ, công chức",Họ và tên,Mã đơn vị,Tên đơn vị,Kết luận,Các điều kiện\n'));
  assert.match(csv.stdout, /,chưa đủ điều kiện,"\[không đạt\] /);
  const csvEn = await thiduaAsync(BIN, [...args, '--format', 'csv', '--lang', 'en']);
  assert.ok(csvEn.stdout.startsWith('person_code,full_name,unit_code,unit_name,verdict,conditions\n'));
  assert.match(csvEn.stdout, /,ineligible,"\[not met\] /);
});

test('L8: a decision date before 1 January of the year commended is refused: API, form and import', async () => {
  const person = sql(env.db, "SELECT p.code || '|' || p.id FROM people p JOIN units u ON u.id = p.unit_id WHERE u.code = 'QY-P-YENGIANG' ORDER BY p.code LIMIT 1").split('|');
  const MSG = 'Ngày quyết định không được trước ngày 01/01 của năm được khen thưởng';
  let r = await admin.post('/api/v1/achievements', { json: { person_code: person[0], year: 2025, kind: 'title', value: 'LDTT', decision_no: '1/QĐ', decided_on: '2001-01-05' } });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.data.error.fields.decided_on, MSG);
  r = await admin.post('/api/v1/achievements', { json: { person_code: person[0], year: 2025, kind: 'title', value: 'LDTT', decision_no: '1/QĐ', decided_on: '2024-12-31' } });
  assert.equal(r.status, 422, r.text);
  // 1 January of the year is the first date allowed
  r = await admin.post('/api/v1/achievements', { json: { person_code: person[0], year: 2025, kind: 'title', value: 'LDTT', decision_no: '1/QĐ', decided_on: '2025-01-01' } });
  assert.equal(r.status, 201, r.text);
  // the form: the message at the decision date's field
  const b = await loginAs('admin', env.adminPassword);
  const page = await b.get(`/people/${person[1]}`);
  const f = await b.post(`/people/${person[1]}/achievements`, { form: { _csrf: csrfOf(page.text), year: '2024', record: 'title:LDTT', decision_no: '2/QĐ', decided_on: '05/01/2001' } });
  assert.equal(f.status, 422);
  assert.match(f.text, new RegExp(`id="e-decided_on"[^>]*>(?:<[^>]+>)*[^<]*${MSG}`));
  // the import: the line and the reason, nothing stored
  const file = path.join(env.dir, 'ach-early.csv');
  fs.writeFileSync(file, `person_code,year,kind,value,decided_on\n${person[0]},2023,title,CSTDCS,05/01/2001\n`);
  const i = await thiduaAsync(BIN, ['import', 'achievements', '--db', env.db, file]);
  assert.equal(i.code, 1);
  assert.match(i.stderr, /^line 2: decided_on: The decision date cannot be before 1 January of the year commended$/m);
  // neither the demo nor anything above left such a record
  assert.equal(sql(env.db, 'SELECT count(*) FROM achievements WHERE decided_on IS NOT NULL AND CAST(substr(decided_on, 1, 4) AS INTEGER) < year'), '0');
});
