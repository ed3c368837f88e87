// Exports in the user's language: the column headers of every export are in
// Vietnamese by default, English or Hindi (the web request's language, the
// command line's --lang), and every import reads the headers of each
// language and the column codes, so an export in any language re-imports
// unchanged (units, people, registrations, models, results; CSV and XLSX).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makeDb, thidua, startServer, Client, onPg } from '../lib/server.mjs';
import { copyDb, sql } from './_util.mjs';
import { officeDay } from '../lib/dates.mjs';

let env, srv, admin, pristine;

const HEADERS = {
  units: {
    vi: 'Mã đơn vị,Tên đơn vị,Loại,Mã đơn vị cấp trên,Đang hoạt động (1 hoặc 0)',
    en: 'Unit code,Unit name,Kind,Parent unit code,Active (1 or 0)',
    hi: 'इकाई कोड,इकाई का नाम,प्रकार,मूल इकाई कोड,सक्रिय (1 या 0)',
  },
  people: {
    vi: '"Mã số cán bộ, công chức",Họ và tên,"Giới tính (M, F hoặc X)",Năm sinh,Mã đơn vị,Chức vụ,Đang hoạt động (1 hoặc 0)',
    en: 'Civil-servant code,Full name,"Gender (M, F or X)",Birth year,Unit code,Position,Active (1 or 0)',
    hi: 'सिविल सेवक कोड,पूरा नाम,"लिंग (M, F या X)",जन्म वर्ष,इकाई कोड,पद,सक्रिय (1 या 0)',
  },
  results: {
    vi: 'Mã mô hình,Ngày báo cáo,Mã kết quả,Giá trị,Ghi chú',
    en: 'Model code,Report date,Result code,Value,Note',
    hi: 'मॉडल कोड,रिपोर्ट की तिथि,परिणाम कोड,मान,नोट',
  },
};

const dump = (db) => sql(db, 'SELECT code, name, kind, parent_id, path, active, version FROM units ORDER BY id') + '\n--\n' +
  sql(db, 'SELECT code, full_name, gender, birth_year, unit_id, position, active, version FROM people ORDER BY id');
const dumpMovement = (db) => sql(db, 'SELECT unit_id, pledge, planned_models, version FROM registrations ORDER BY id') + '\n--\n' +
  sql(db, 'SELECT registration_id, metric_id, value FROM registration_commitments ORDER BY 1, 2') + '\n--\n' +
  sql(db, 'SELECT code, title, field_code, description, started_on, owner_unit_id, version FROM models ORDER BY id') + '\n--\n' +
  sql(db, 'SELECT count(*) FROM model_reports') + '|' + sql(db, 'SELECT count(*) FROM model_results');

// a CSV starts with the UTF-8 BOM (so that Excel reads it as UTF-8; fetch's text() drops it), then the header
const firstLine = (text) => text.replace(/^\uFEFF/, '').split('\r\n')[0];

// a copy of a database fresh from init
const freshDb = (name) => copyDb(pristine, name);

before(async () => {
  env = makeDb({ demo: true });
  pristine = makeDb({ dir: fs.mkdtempSync(path.join(env.dir, 'p-')) }).db;
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
});

// the server answers the web tests first: the command-line tests below leave it idle past its keep-alive timeout
after(async () => { const r = await srv.stop(); if (process.env.SHOWLOG) console.log(r.log); });

test('the command line writes the headers in Vietnamese by default, or in the language of --lang', () => {
  for (const what of ['units', 'people']) {
    const out = thidua(['export', what, '--db', env.db]).stdout;
    assert.ok(out.startsWith('\uFEFF'), 'the command line writes the BOM too');
    assert.equal(firstLine(out), HEADERS[what].vi);
    for (const lang of ['vi', 'en', 'hi']) {
      const r = thidua(['export', what, '--lang', lang, '--db', env.db]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(firstLine(r.stdout), HEADERS[what][lang], `${what} ${lang}`);
    }
  }
  // the workbook's sheet is named in the language too
  const sheetName = (file) => execFileSync('python3', ['-c', 'import sys, zipfile, re; print(re.search(r\'<sheet name="([^"]*)"\', ' +
    'zipfile.ZipFile(sys.argv[1]).read("xl/workbook.xml").decode()).group(1))', file], { encoding: 'utf8' }).trim();
  for (const [lang, units, people] of [['vi', 'Đơn vị', 'Cán bộ'], ['en', 'Units', 'People'], ['hi', 'इकाइयाँ', 'व्यक्ति']]) {
    const fu = path.join(env.dir, `sheet-${lang}.xlsx`);
    assert.equal(thidua(['export', 'units', '--lang', lang, '--format', 'xlsx', '--out', fu, '--db', env.db]).code, 0);
    assert.equal(sheetName(fu), units);
    assert.equal(thidua(['export', 'people', '--lang', lang, '--format', 'xlsx', '--out', fu, '--db', env.db]).code, 0);
    assert.equal(sheetName(fu), people);
  }
  const ft = path.join(env.dir, 'template.xlsx');
  assert.equal(thidua(['export', 'template', '--movement', 'DVK2026', '--format', 'xlsx', '--out', ft, '--db', env.db]).code, 0);
  assert.equal(sheetName(ft), 'Mẫu nhập mô hình');
  const bad = thidua(['export', 'units', '--lang', 'fr', '--db', env.db]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, '');
  assert.match(bad.stderr, /\[--lang vi\|en\|hi\]/); // the usage text, on standard error
});

test('web downloads follow the request\'s language: Vietnamese by default, English and Hindi from Accept-Language', async () => {
  for (const [lang, accept] of [['vi', null], ['en', 'en-US,en;q=0.9'], ['hi', 'hi-IN']]) {
    const headers = accept ? { 'Accept-Language': accept } : {};
    for (const what of ['units', 'people']) {
      const r = await admin.req('GET', `/export/${what}?format=csv`, { headers });
      assert.equal(r.status, 200);
      assert.equal(firstLine(r.text), HEADERS[what][lang], `${what} ${lang}`);
    }
  }
});

test('registrations, models and results exported in each language and format re-import unchanged', async () => {
  const mv = (await admin.get('/api/v1/movements/DVK2024')).data;
  assert.equal(mv.code, 'DVK2024');
  const before = dumpMovement(env.db);
  const counts = {};
  for (const [lang, accept] of [['vi', 'vi'], ['en', 'en'], ['hi', 'hi']]) {
    for (const what of ['registrations', 'models', 'results']) {
      for (const format of ['csv', 'xlsx']) {
        const x = await fetch(srv.base + `/movements/${mv.id}/export/${what}?format=${format}`,
          { headers: { Authorization: 'Bearer ' + admin.token, 'Accept-Language': accept } });
        assert.equal(x.status, 200);
        const bytes = Buffer.from(await x.arrayBuffer());
        if (format === 'csv') {
          assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
          const head = firstLine(bytes.toString('utf8'));
          if (what === 'results') assert.equal(head, HEADERS.results[lang]);
          if (what === 'registrations') {
            assert.ok(head.startsWith({ vi: 'Mã đơn vị,Tên đơn vị,Ngày đăng ký,Nội dung cam kết,Số mô hình dự kiến,Mô hình,Cam kết: Kinh phí huy động (VND),',
              en: 'Unit code,Unit name,Registered on,Pledge,Planned models,Models,Commitment: Kinh phí huy động (VND),',
              hi: 'इकाई कोड,इकाई का नाम,पंजीकरण तिथि,संकल्प,नियोजित मॉडल,मॉडल,प्रतिबद्धता: Kinh phí huy động (VND),' }[lang]), head);
          }
          if (what === 'models') {
            assert.ok(head.startsWith({ vi: 'Mã mô hình,Mã đơn vị,Tên gọi,Lĩnh vực,Mã đơn vị chủ trì,Mô tả,Ngày bắt đầu,Trạng thái,Tiêu biểu (1 hoặc 0),',
              en: 'Model code,Unit code,Title,Field,Owner unit code,Description,Started on,Status,Typical example (1 or 0),',
              hi: 'मॉडल कोड,इकाई कोड,शीर्षक,क्षेत्र,स्वामी इकाई कोड,विवरण,प्रारंभ तिथि,स्थिति,अनुकरणीय उदाहरण (1 या 0),' }[lang]), head);
          }
        } else {
          assert.deepEqual([...bytes.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04]);
        }
        const fd = new FormData();
        fd.append('file', new Blob([bytes]), `${what}.${format}`);
        const r = await admin.waitJob(await admin.req('POST', `/api/v1/movements/${mv.id}/import/${what}`, { raw: fd }));
        assert.equal(r.status, 'done', `${what} ${lang} ${format}: ${JSON.stringify(r)}`);
        assert.deepEqual([r.result.inserted, r.result.updated], [0, 0], `${what} ${lang} ${format}`);
        assert.ok(r.result.unchanged > 0);
        if (counts[what] === undefined) counts[what] = r.result.unchanged;
        assert.equal(r.result.unchanged, counts[what], `${what} ${lang} ${format}`);
      }
    }
  }
  assert.deepEqual(counts, { registrations: 32, models: 138, results: Number(sql(env.db, `SELECT count(*) FROM model_reports p JOIN models d ON d.id = p.model_id WHERE d.movement_id = ${mv.id}`)) });
  assert.equal(dumpMovement(env.db), before);
});

test('a commitment column is found by its "Commitment: name (unit)" header in any language, by the metric\'s name or by commit_<code>', async () => {
  // the demo's open movement; the organiser registers its scope's head unit
  const mv = (await admin.get('/api/v1/movements/DVK2026')).data;
  assert.equal(mv.status, 'launched');
  const imp = async (text) => {
    const fd = new FormData();
    fd.append('file', new Blob([text]), 'r.csv');
    return admin.waitJob(await admin.req('POST', `/api/v1/movements/${mv.id}/import/registrations`, { raw: fd }));
  };
  const cases = [
    ['Mã đơn vị,Nội dung cam kết,Cam kết: Kinh phí huy động (VND),Cam kết: Hộ được hỗ trợ (hộ)', 123456789, [1, 0]],
    ['unit_code,pledge,commit_vnd,commit_households', 223456789, [0, 1]],
    ['unit code,pledge,Commitment: Kinh phí huy động,Commitment: households', 323456789, [0, 1]],
    ['इकाई कोड,संकल्प,प्रतिबद्धता: Kinh phí huy động (VND),प्रतिबद्धता: Hộ được hỗ trợ (hộ)', 423456789, [0, 1]],
  ];
  for (const [head, value, [inserted, updated]] of cases) {
    const r = await imp(`${head}\nQN-QUANGYEN,"Đăng ký 5 mô hình, 2 công trình",${value},${value % 100}\n`);
    assert.equal(r.status, 'done', `${head}: ${JSON.stringify(r)}`);
    assert.deepEqual([r.result.inserted, r.result.updated], [inserted, updated], head);
    const g = (await admin.get(`/api/v1/movements/${mv.id}/registrations`)).data.items.find((x) => x.unit_code === 'QN-QUANGYEN');
    assert.deepEqual([g.pledge, g.commitments], ['Đăng ký 5 mô hình, 2 công trình', { vnd: value, households: value % 100 }], head);
  }
});

test('the models template is in the request\'s language too', async () => {
  const mv = (await admin.get('/api/v1/movements/DVK2026')).data;
  for (const [accept, want] of [['vi', 'Mã mô hình,Mã đơn vị,Tên gọi,Lĩnh vực,Mã đơn vị chủ trì,Mô tả,Ngày bắt đầu'],
    ['en', 'Model code,Unit code,Title,Field,Owner unit code,Description,Started on'],
    ['hi', 'मॉडल कोड,इकाई कोड,शीर्षक,क्षेत्र,स्वामी इकाई कोड,विवरण,प्रारंभ तिथि']]) {
    const r = await admin.req('GET', `/movements/${mv.id}/export/template?format=csv`, { headers: { 'Accept-Language': accept } });
    assert.equal(r.status, 200);
    assert.equal(r.text, want + '\r\n');
  }
});

// ---- the dashboard's charts ----

test('the per-unit chart shows 20 of the 32 units with a translated caption, and a unit without a value as "—", not a zero bar', async () => {
  const mv = (await admin.get('/api/v1/movements/DVK2024')).data;
  for (const [accept, caption] of [['vi', '20 đơn vị đứng đầu trong số 32 — xem đầy đủ ở bảng'], ['en', 'Top 20 of 32 — see the table'],
    ['hi', '32 में से शीर्ष 20 — पूरी सूची तालिका में']]) {
    const r = await admin.req('GET', `/movements/${mv.id}/dashboard`, { headers: { 'Accept-Language': accept } });
    assert.equal(r.status, 200);
    const svg = r.text.match(/<svg[^>]*>(?:(?!<\/svg>)[\s\S])*<\/svg>/g).find((x) => x.includes(caption));
    assert.ok(svg, `the units chart has the caption "${caption}"`);
    const bars = (svg.match(/class="bar"/g) || []).length;
    const none = (svg.match(/fill="#555555">—<\/text>/g) || []).length;
    assert.deepEqual([bars, none], [20, 0], accept); /* 20 of the units have reported an amount */
  }
  // a movement where one of two registered units has reported money: one bar, and "—" for the other
  const day = (o) => officeDay(o);
  let r = await admin.post('/api/v1/movements', { json: { code: 'EXP-CHART', title: 'Thử biểu đồ', kind: 'thematic', authority_code: 'QY-BDV',
    starts_on: day(-10), ends_on: day(100), register_by: day(10), scope: ['QN-QUANGYEN'], fields: ['economy'],
    metrics: [{ code: 'vnd', name: 'Kinh phí', unit: 'VND', kind: 'amount' }] } });
  assert.equal(r.status, 201, r.text);
  const m = r.data;
  assert.equal((await admin.post(`/api/v1/movements/${m.id}/status`, { json: { status: 'launched', version: m.version } })).status, 200);
  const models = {};
  for (const unit of ['QY-CA', 'QY-HCCB']) {
    assert.equal((await admin.post(`/api/v1/movements/${m.id}/registrations`, { json: { unit_code: unit } })).status, 201);
    r = await admin.post(`/api/v1/movements/${m.id}/models`, { json: { unit_code: unit, code: unit + '-1', title: 'Mô hình ' + unit, field: 'economy' } });
    assert.equal(r.status, 201, r.text);
    models[unit] = r.data;
  }
  r = await admin.post(`/api/v1/models/${models['QY-CA'].id}/reports`, { json: { reported_on: day(-1), results: { vnd: 150000000 } } });
  assert.equal(r.status, 201, r.text);
  r = await admin.get(`/movements/${m.id}/dashboard`);
  const svg = r.text.match(/<svg[^>]*>(?:(?!<\/svg>)[\s\S])*<\/svg>/g).find((x) => x.includes('aria-label="Kinh phí (VND)"'));
  assert.ok(svg, r.text);
  assert.equal((svg.match(/class="bar"/g) || []).length, 1);
  assert.match(svg, /<title>Công an thị xã Quảng Yên: 150\.000\.000 ₫<\/title>/);
  assert.equal((svg.match(/fill="#555555">—<\/text>/g) || []).length, 1);
  assert.ok(svg.indexOf('Công an thị xã Quảng Yên') < svg.indexOf('Hội Cựu chiến binh thị xã Quảng Yên'), 'the unit without a value comes last');
  assert.ok(!svg.includes('trong số'), 'two units: all shown, no caption');
});

test('the registration timeline spaces its points by date and its labels never overlap', async () => {
  const mv = (await admin.get('/api/v1/movements/DVK2024')).data;
  const r = await admin.get(`/movements/${mv.id}/dashboard`);
  const svg = r.text.match(/<svg[^>]*>(?:(?!<\/svg>)[\s\S])*<\/svg>/g).find((x) => x.includes('<polyline'));
  const pts = [...svg.matchAll(/<circle class="point" cx="([\d.]+)"[^>]*><title>([^<]*)<\/title>/g)].map((m) => [Number(m[1]), m[2]]);
  assert.ok(pts.length > 10);
  // the dates of the points, from their tooltips "dd/mm/yyyy: n"
  const days = pts.map(([, t]) => { const [d, m, y] = t.split(':')[0].split('/').map(Number); return Date.UTC(y, m - 1, d) / 86400000; });
  const k = (pts[pts.length - 1][0] - pts[0][0]) / (days[days.length - 1] - days[0]);
  for (let i = 1; i < pts.length; i++) assert.ok(Math.abs(pts[i][0] - pts[0][0] - (days[i] - days[0]) * k) < 0.2, `point ${i} sits at its date`);
  // the labels under the axis: "dd/mm/yyyy", 10 pt, 54 pt wide at most; centres at least 60 pt apart
  const labels = [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)" font-size="10" text-anchor="middle" fill="#222222">(\d\d\/\d\d\/\d{4})<\/text>/g)].map((m) => Number(m[1]));
  assert.ok(labels.length >= 4 && labels.length < pts.length, `${labels.length} labels for ${pts.length} points`);
  for (let i = 1; i < labels.length; i++) assert.ok(labels[i] - labels[i - 1] >= 60, `labels ${i - 1} and ${i} apart`);
});

// ---- the PDF report opens as a Vietnamese administrative document ----

const pdfText = async (code, lang) => {
  const r = await fetch(srv.base + `/movements/${code}/report.pdf`, { headers: { Authorization: 'Bearer ' + admin.token, 'Accept-Language': lang } });
  assert.equal(r.status, 200);
  const file = path.join(env.dir, `${code}-${lang}.pdf`);
  fs.writeFileSync(file, Buffer.from(await r.arrayBuffer()));
  const { execFileSync } = await import('node:child_process');
  return {
    file,
    text: execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }),
    lines: execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).split('\n').map((l) => l.trim()).filter(Boolean),
    fonts: execFileSync('pdffonts', [file], { encoding: 'utf8' }),
  };
};

// today in Việt Nam (UTC+7), the date of issue
const today = () => {
  const d = new Date(Date.now() + 7 * 3600 * 1000);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
};
const pad = (n) => String(n).padStart(2, '0');

test('the report opens with the issuing body on the left and the national header, place and date on the right', async () => {
  const { text, lines, fonts } = await pdfText('DVK2024', 'vi');
  const t = today();
  const head = text.split('\n').filter((l) => l.trim());
  // -layout keeps the two columns side by side: the parent and the state's name, the body and the motto
  assert.match(head[0], /^\s+THỊ XÃ QUẢNG YÊN\s{3,}CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM$/);
  assert.match(head[1], /^\s*BAN DÂN VẬN THỊ ỦY QUẢNG YÊN\s{3,}Độc lập – Tự do – Hạnh phúc$/);
  assert.equal(head[2].trim(), `Quảng Yên, ngày ${pad(t.d)} tháng ${t.m < 3 ? '0' : ''}${t.m} năm ${t.y}`);
  assert.ok(head[2].indexOf('Quảng Yên') > 40, 'the place and date sit in the right column');
  assert.deepEqual([head[3].trim(), head[4].trim()], ['BÁO CÁO', 'Phong trào thi đua “Dân vận khéo” năm 2024']);
  assert.match(fonts, /Italic/, 'the place and date are in italics');
  // every heading once, the national header once (page 1 only), the title once (the footer names the code)
  for (const h of ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập – Tự do – Hạnh phúc', 'BÁO CÁO', 'Phong trào thi đua “Dân vận khéo” năm 2024',
    'Tổng quan', 'Kết quả', 'Mô hình theo lĩnh vực', 'Theo đơn vị, kể cả đơn vị trực thuộc', 'Tiến độ đăng ký theo thời gian', 'Điển hình tiên tiến'])
    assert.equal(lines.filter((l) => l === h).length, 1, `"${h}" appears once`);
  assert.equal(text.split('Phong trào thi đua “Dân vận khéo” năm 2024').length - 1, 1);
  assert.ok(text.includes('DVK2024 — Báo cáo phong trào · trang 2'));
});

test('in English and Hindi the national header stays Vietnamese; the date, the title and the rest follow the language', async () => {
  const t = today();
  const months = { en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
    hi: ['जनवरी', 'फ़रवरी', 'मार्च', 'अप्रैल', 'मई', 'जून', 'जुलाई', 'अगस्त', 'सितंबर', 'अक्टूबर', 'नवंबर', 'दिसंबर'] };
  for (const [lang, kicker, summary] of [['en', 'REPORT', 'Summary'], ['hi', 'रिपोर्ट', 'सारांश']]) {
    const { text, lines } = await pdfText('DVK2024', lang);
    const head = text.split('\n').filter((l) => l.trim());
    assert.match(head[0], /THỊ XÃ QUẢNG YÊN\s{3,}CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM$/, lang);
    assert.match(head[1], /BAN DÂN VẬN THỊ ỦY QUẢNG YÊN\s{3,}Độc lập – Tự do – Hạnh phúc$/, lang);
    assert.equal(head[2].trim(), `Quảng Yên, ${t.d} ${months[lang][t.m - 1]} ${t.y}`, lang);
    assert.equal(head[3].trim(), kicker);
    assert.equal(lines.filter((l) => l === summary).length, 1, lang);
  }
});

test('a province\'s report has no parent above it (not the country) and its place; a central body\'s place is Hà Nội', async () => {
  const t = today();
  let { text } = await pdfText('SL-NTM', 'vi');
  let head = text.split('\n').filter((l) => l.trim());
  assert.match(head[0], /^\s+TỈNH SƠN LA\s{3,}CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM$/);
  assert.match(head[1], /^\s+Độc lập – Tự do – Hạnh phúc$/);
  assert.equal(head[2].trim(), `Sơn La, ngày ${pad(t.d)} tháng ${t.m < 3 ? '0' : ''}${t.m} năm ${t.y}`);
  assert.ok(!text.includes('VIỆT NAM\n') || !/^\s+VIỆT NAM\s/m.test(text), 'the country is not named as the parent');
  ({ text } = await pdfText('TTG-NTM', 'en'));
  head = text.split('\n').filter((l) => l.trim());
  assert.match(head[0], /^\s+CHÍNH PHỦ\s{3,}CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM$/);
  assert.equal(head[2].trim(), `Hà Nội, ${t.d} ${['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][t.m - 1]} ${t.y}`);
});

test('units and people exported in each language and format re-import: identical into a fresh database, unchanged into the same', () => {
  const csvUnits = thidua(['export', 'units', '--lang', 'en', '--db', env.db]).stdout;
  const csvPeople = thidua(['export', 'people', '--lang', 'en', '--db', env.db]).stdout;
  const nUnits = csvUnits.trim().split('\r\n').length - 1;
  const nPeople = csvPeople.trim().split('\r\n').length - 1;
  assert.ok(nUnits > 100 && nPeople > 1000, `${nUnits} units, ${nPeople} people`);
  const before = dump(env.db);
  // the headers' languages and the formats are read alike on both databases:
  // PostgreSQL, where each round takes ~18 s under AddressSanitizer, does one
  // round (the Hindi workbook), SQLite all six
  for (const lang of onPg ? ['hi'] : ['vi', 'en', 'hi']) {
    for (const format of onPg ? ['xlsx'] : ['csv', 'xlsx']) {
      const fu = path.join(env.dir, `units-${lang}.${format}`);
      const fp = path.join(env.dir, `people-${lang}.${format}`);
      assert.equal(thidua(['export', 'units', '--lang', lang, '--format', format, '--out', fu, '--db', env.db]).code, 0);
      assert.equal(thidua(['export', 'people', '--lang', lang, '--format', format, '--out', fp, '--db', env.db]).code, 0);
      const fresh = freshDb(`rt-${lang}-${format}.db`);
      const iu = thidua(['import', 'units', fu, '--db', fresh]);
      assert.equal(iu.stdout, `${fu}: ${nUnits} lines: ${nUnits - 1} added, 0 updated, 1 unchanged\n`, iu.stderr);
      const ip = thidua(['import', 'people', fp, '--db', fresh]);
      assert.equal(ip.stdout, `${fp}: ${nPeople} lines: ${nPeople} added, 0 updated, 0 unchanged\n`, ip.stderr);
      assert.equal(thidua(['export', 'units', '--lang', 'en', '--db', fresh]).stdout, csvUnits, `units ${lang} ${format}`);
      assert.equal(thidua(['export', 'people', '--lang', 'en', '--db', fresh]).stdout, csvPeople, `people ${lang} ${format}`);
      const same = thidua(['import', 'people', fp, '--db', env.db]);
      assert.equal(same.stdout, `${fp}: ${nPeople} lines: 0 added, 0 updated, ${nPeople} unchanged\n`, same.stderr);
    }
  }
  assert.equal(dump(env.db), before);
});

test('headers typed by hand without accents, in another case or with a "*" are read, and so are the codes', () => {
  const db = freshDb('typed.db');
  const f = path.join(env.dir, 'typed.csv');
  fs.writeFileSync(f, ' MA DON VI * ;ten don vi;loai;ma don vi cap tren\nT-HN;Thành phố Hà Nội;city;VN\nHN-SNV;Sở Nội vụ;department;T-HN\n');
  let r = thidua(['import', 'units', f, '--db', db]);
  assert.equal(r.stdout, `${f}: 2 lines: 2 added, 0 updated, 0 unchanged\n`, r.stderr);
  assert.equal(sql(db, "SELECT p.code FROM units u JOIN units p ON p.id = u.parent_id WHERE u.code = 'HN-SNV'"), 'T-HN');
  fs.writeFileSync(f, 'ma so can bo cong chuc,Họ và tên,Giới tính (M/F/X),unit_code,nam sinh\nCC-1,Nguyễn Văn An,M,HN-SNV,1980\n');
  r = thidua(['import', 'people', f, '--db', db]);
  // "Giới tính (M/F/X)" is not a header we know: the gender column is missing
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^line 1: the header must name the columns code, full_name, gender and unit_code/);
  fs.writeFileSync(f, '"ma so can bo, cong chuc",Họ và tên,"gioi tinh (m, f hoac x)",unit_code,nam sinh\nCC-1,Nguyễn Văn An,M,HN-SNV,1980\n');
  r = thidua(['import', 'people', f, '--db', db]);
  assert.equal(r.stdout, `${f}: 1 lines: 1 added, 0 updated, 0 unchanged\n`, r.stderr);
  assert.equal(sql(db, "SELECT full_name || '|' || birth_year FROM people WHERE code = 'CC-1'"), 'Nguyễn Văn An|1980');
});
