// Clusters, votes and indicators: what two user reviews found. On the demo:
// the scoring page's counts say what they count and its columns name the
// members; the ranking chart prints a score as the table does; the indicator
// dashboards give their charts' figures as tables and say which units a
// figure rolls up (the country's figure is Sơn La's alone). Votes: a round
// from a proposal names the award in the reader's language; the result table
// is one tab stop; the ballot's and the form's errors are tied to their
// controls; number boxes ask for the number keypad; a threshold of 0% is
// refused; closing with fewer than 2 ballots in warns what it reveals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, addUser, startServer, Client } from '../lib/server.mjs';
import { sql, loginAs, unescape } from './_util.mjs';

let env, srv, admin;
const VOTERS = ['fc.01', 'fc.02', 'fc.03'];
const voters = {};

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
  admin = new Client(srv.base);
  await admin.login('admin', env.adminPassword);
  for (const l of VOTERS) {
    addUser(env.db, l, 'council', 'T-QUANGBINH');
    voters[l] = await loginAs(srv.base, l);
  }
});

after(async () => {
  if (srv) await srv.stop();
});

// a client reading pages in a language (the lang cookie), with admin's token
function reader(lang) {
  const c = new Client(srv.base);
  c.token = admin.token;
  c.cookies.lang = lang;
  return c;
}

const text = (html) => unescape(html.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();

test('the scoring page: cross cards and self-assessments counted apart, members named in the columns, the chart as the table', async () => {
  const r = await admin.get('/clusters/1/years/2023');
  assert.equal(r.status, 200);
  // 30 cross cards (6 × 5) and 6 self-assessments: the table shows all 36
  const count = r.text.match(/<p id="cards-count">([\s\S]*?)<\/p>/);
  assert.ok(count, 'the count of cards');
  assert.equal(text(count[1]), 'Phiếu chấm chéo đã nộp: 30/30 · phiếu tự chấm đã nộp: 6/6 (phiếu tự chấm không tính vào điểm cuối cùng)');
  assert.ok(!r.text.includes('Phiếu đã nộp: 30/30'));
  // the columns: the member's name, its code under it
  const cols = [...r.text.matchAll(/<th scope="col" class="member-col">([^<]*)<br><small class="code">([^<]*)<\/small><\/th>/g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(cols.slice(0, 2), [['Tỉnh Hà Tĩnh', 'T-HATINH'], ['Tỉnh Nghệ An', 'T-NGHEAN']]);
  assert.equal(cols.length, 6);
  // Hà Tĩnh's 99,8: the same in the ranking table and in its chart (not 99,80)
  assert.match(r.text, /<td>Tỉnh Hà Tĩnh<\/td>\n<td class="num">99,8<\/td>/);
  const svg = r.text.slice(r.text.indexOf('<figure class="chart">'));
  assert.match(svg, /<title>Tỉnh Hà Tĩnh: 99,8<\/title>/);
  assert.match(svg, />99,8<\/text>/);
  assert.match(svg, />96,35<\/text>/);
  assert.ok(!/99,80|,00</.test(svg), 'no figure with trailing zeros in the chart');
  // in English too
  const en = await reader('en').get('/clusters/1/years/2023');
  assert.equal(text(en.text.match(/<p id="cards-count">([\s\S]*?)<\/p>/)[1]),
    'Cross-scoring cards submitted: 30/30 · self-assessments submitted: 6/6 (a self-assessment does not count in the final score)');
  assert.match(en.text, /<title>Tỉnh Hà Tĩnh: 99\.8<\/title>/);
});

test('the national dashboard says its figure is Sơn La\'s alone, and every chart has its figures as a table', async () => {
  const vn = sql(env.db, "SELECT id FROM units WHERE code = 'VN'");
  const below = Number(sql(env.db, `SELECT count(*) FROM units WHERE parent_id = ${vn} AND active = 1`));
  assert.ok(below > 40, 'the country has more units below than the chart of the first 40 took');
  const r = await admin.get(`/indicators/dashboard?unit_id=${vn}`);
  assert.equal(r.status, 200);
  const cov = r.text.match(/<p class="hint" data-coverage="awareness_participants">([^<]*)<\/p>/);
  assert.ok(cov, 'the figure says which units it rolls up');
  assert.equal(unescape(cov[1]), `Số liệu kỳ 2025 chỉ tổng hợp từ các đơn vị trực thuộc đã nhập số liệu: 1 trên ${below} đơn vị — Tỉnh Sơn La.`);
  // the country's figure and its table: by period, and the one unit below that reported (the 66th: once beyond the first 40)
  const card = r.text.slice(r.text.indexOf('id="chart-awareness_participants"'), r.text.indexOf('</section>', r.text.indexOf('id="chart-awareness_participants"')));
  assert.match(card, /<p class="big" data-figure="awareness_participants">250\.000 <small>lượt<\/small><\/p>/);
  const periods = card.match(/<table class="list" data-figures="periods">([\s\S]*?)<\/table>/);
  assert.ok(periods, 'the trend chart\'s figures as a table');
  assert.deepEqual([...periods[1].matchAll(/<tr><th scope="row">([^<]*)<\/th><td class="num">([^<]*)<\/td><\/tr>/g)].map((m) => [m[1], m[2]]),
    [['2024', '—'], ['2025', '250.000\u00a0lượt']]); // the unit of measure kept beside its number
  const units = card.match(/<table class="list" data-figures="units">([\s\S]*?)<\/table>/);
  assert.ok(units, 'the units chart\'s figures as a table');
  assert.deepEqual([...units[1].matchAll(/<tr><th scope="row">([^<]*)<\/th><td class="num">([^<]*)<\/td><\/tr>/g)].map((m) => [m[1], m[2]]),
    [['Tỉnh Sơn La', '250.000\u00a0lượt']]);
  assert.match(card, /<h3>Đơn vị trực thuộc<\/h3><div class="chart-scroll" tabindex="0" role="region" aria-label="Lượt người tham gia tuyên truyền chuyển đổi số, 2025">\n<svg[^>]*aria-label="Lượt người tham gia tuyên truyền chuyển đổi số, 2025"/);
  // Sơn La: ten of its departments report the departments' indicator, the province's own figures are its own
  const sl = sql(env.db, "SELECT id FROM units WHERE code = 'T-SONLA'");
  const slBelow = Number(sql(env.db, `SELECT count(*) FROM units WHERE parent_id = ${sl} AND active = 1`));
  const p = await admin.get(`/indicators/dashboard?unit_id=${sl}`);
  assert.equal(unescape(p.text.match(/<p class="hint" data-coverage="dept_docs_signed">([^<]*)<\/p>/)[1]),
    `Số liệu kỳ 2025 chỉ tổng hợp từ các đơn vị trực thuộc đã nhập số liệu: 10 trên ${slBelow} đơn vị — Sở Giáo dục và Đào tạo, ` +
    'Sở Kế hoạch và Đầu tư, Sở Khoa học và Công nghệ, Sở Nội vụ, Sở Nông nghiệp và Phát triển nông thôn cùng 5 đơn vị khác.');
  assert.equal(unescape(p.text.match(/<p class="hint" data-coverage="awareness_participants">([^<]*)<\/p>/)[1]),
    `Không đơn vị nào trong ${slBelow} đơn vị trực thuộc nhập số liệu kỳ 2025: số liệu là của riêng đơn vị này.`);
  // the public dashboard says it as well, in English
  const pub = new Client(srv.base);
  pub.cookies.lang = 'en';
  const pr = await pub.get('/public/indicators/son-la');
  assert.equal(pr.status, 200);
  assert.match(pr.text, /data-coverage="houses_supported">None of the \d+ units below entered a value for 2025: the figure is this unit(&#39;|')s own\.<\/p>/);
  assert.match(pr.text, /<summary>The figures as a table<span class="sr"> /);
});

async function nomineeRound(threshold = 50) {
  const pr = await admin.post('/api/v1/proposals', { json: { title: 'Đề nghị Bằng khen của Thủ tướng (fix-c)', round: 'year_end', year: 2023, proposer_code: 'T-QUANGBINH' } });
  assert.equal(pr.status, 201, pr.text);
  const n = await admin.post(`/api/v1/proposals/${pr.data.id}/nominees`, { json: { unit_code: 'T-QUANGBINH', award: 'BK_TTG', version: pr.data.version } });
  assert.equal(n.status, 201, n.text);
  const v = await admin.post('/api/v1/votes', { json: { title: 'Suy tôn Bằng khen (fix-c)', threshold_pct: threshold, base: 'all_members', voters: VOTERS, proposal: pr.data.id } });
  assert.equal(v.status, 201, v.text);
  return { proposal: pr.data, v: v.data };
}

test('a round from a proposal names the award in the reader\'s language; closing with fewer than 2 ballots warns what the result reveals', async () => {
  const { proposal, v } = await nomineeRound();
  // stored as made (the API's label), shown in the reader's language
  assert.equal(v.candidates[0].label, 'Tỉnh Quảng Bình — Bằng khen của Thủ tướng Chính phủ');
  const en = await reader('en').get(`/votes/${v.id}`);
  assert.match(en.text, /<li>Tỉnh Quảng Bình — Prime Minister(&#39;|')s Certificate of Merit<\/li>/);
  assert.ok(!en.text.includes('Bằng khen của Thủ tướng Chính phủ'));
  const hi = await reader('hi').get(`/votes/${v.id}`);
  assert.match(hi.text, /<li>Tỉnh Quảng Bình — प्रधानमंत्री का योग्यता प्रमाण पत्र<\/li>/);
  const vi = await reader('vi').get(`/votes/${v.id}`);
  assert.match(vi.text, /<li>Tỉnh Quảng Bình — Bằng khen của Thủ tướng Chính phủ<\/li>/);

  assert.equal((await admin.post(`/api/v1/votes/${v.id}/open`)).status, 200);
  // no ballot yet: the close would give 0 votes to everyone
  let page = await reader('en').get(`/votes/${v.id}`);
  assert.match(page.text, /<p class="notice-warn" id="few-ballots">No ballot is in: every candidate will have 0 votes\.<\/p>/);
  // one ballot in: the result would show how that member voted — said on the page and in the question before the close
  assert.equal((await voters['fc.01'].post(`/api/v1/votes/${v.id}/ballots`, { json: { choices: [v.candidates[0].id] } })).status, 201);
  page = await reader('vi').get(`/votes/${v.id}`);
  const warn = 'Mới có 1 phiếu được bỏ: kết quả sẽ cho thấy thành viên đó đã bỏ phiếu thế nào, và nhật ký kiểm tra ghi rõ ai đã bỏ phiếu.';
  assert.ok(page.text.includes(`<p class="notice-warn" id="few-ballots">${warn}</p>`), 'the warning beside the close');
  const confirm = unescape(page.text.match(/<button type="submit" class="primary" data-confirm="([^"]*)">Kết thúc/)[1]);
  assert.ok(confirm.startsWith('Kết thúc bỏ phiếu ngay? Số phiếu đã bỏ: 1 trên 3.'), confirm);
  assert.ok(confirm.endsWith(' ' + warn), confirm);
  // two ballots: no warning
  assert.equal((await voters['fc.02'].post(`/api/v1/votes/${v.id}/ballots`, { json: { choices: [] } })).status, 201);
  page = await reader('vi').get(`/votes/${v.id}`);
  assert.ok(!page.text.includes('id="few-ballots"'));
  assert.ok(!unescape(page.text.match(/data-confirm="([^"]*)">Kết thúc/)[1]).includes('Mới có'));

  // closed: the tally is unchanged (1 yes of 3), the table one tab stop (its scrolling region), in English
  assert.equal((await admin.post(`/api/v1/votes/${v.id}/close`)).status, 200);
  const res = (await admin.get(`/api/v1/votes/${v.id}/result`)).data;
  assert.deepEqual([res.ballots, res.candidates[0].yes, res.candidates[0].share], [2, 1, 33.33]);
  page = await reader('en').get(`/votes/${v.id}`);
  const region = page.text.match(/<div class="table-wrap" tabindex="0" role="region" aria-label="Result">\n<table class="list" id="tally">([\s\S]*?)<\/table>/);
  assert.ok(region, 'the result region holds the one tab stop, the table none');
  assert.ok(!region[1].includes('tabindex'));
  assert.match(region[1], /<td>Tỉnh Quảng Bình — Prime Minister(&#39;|')s Certificate of Merit<\/td>/);
  // the proposal's page in English names the award in English too
  const pp = await reader('en').get(`/proposals/${proposal.id}`);
  assert.match(pp.text, /<li>Tỉnh Quảng Bình — Prime Minister(&#39;|')s Certificate of Merit: 1 \(33\.33%\) — not passed<\/li>/);
});

test('the new-vote form: number keypads, a threshold of 0% refused beside its box with what was typed kept, errors tied to their controls', async () => {
  const form = await admin.get('/votes/new');
  assert.equal(form.status, 200);
  const box = (name) => form.text.match(new RegExp(`<input id="f-${name}" name="${name}" inputmode="(\\w+)"`))?.[1];
  assert.deepEqual(['threshold_pct', 'max_choices', 'quota_pct', 'quota_of'].map(box), ['decimal', 'numeric', 'decimal', 'numeric']);

  // the API: 0% is refused with the reason
  const api = await admin.post('/api/v1/votes', { json: { title: 'Ngưỡng 0', threshold_pct: 0, base: 'all_members', voters: VOTERS, candidates: [{ label: 'A' }] } });
  assert.equal(api.status, 422, api.text);
  assert.equal(api.data.error.fields.threshold_pct, 'Phải lớn hơn 0%: với ngưỡng 0%, ứng viên không có phiếu nào cũng được thông qua');
  // 0,01% is a threshold
  const ok = await admin.post('/api/v1/votes', { json: { title: 'Ngưỡng 0,01', threshold_pct: 0.01, base: 'all_members', voters: VOTERS, candidates: [{ label: 'A' }] } });
  assert.equal(ok.status, 201, ok.text);
  // the form: the message beside the box, the box marked, what was typed kept; a bad "counted over" tied to its group
  const uid = sql(env.db, "SELECT id FROM units WHERE code = 'T-QUANGBINH'");
  const r = await admin.post('/votes', { form: [['unit_id', uid], ['title', 'Bình xét ngưỡng 0'], ['threshold_pct', '0'], ['base', 'nobody'],
    ['labels', 'Ứng viên A']] });
  assert.equal(r.status, 422, r.text.slice(0, 300));
  assert.match(r.text, /<input id="f-threshold_pct" name="threshold_pct" inputmode="decimal" value="0" required aria-invalid="true" aria-describedby="e-threshold_pct">\n<p class="field-error" id="e-threshold_pct">Phải lớn hơn 0%: với ngưỡng 0%, ứng viên không có phiếu nào cũng được thông qua<\/p>/);
  assert.match(r.text, /<input id="f-title" name="title" value="Bình xét ngưỡng 0" required>/);
  assert.match(r.text, /<fieldset aria-describedby="e-base"><legend>Tỷ lệ tính trên<\/legend>/);
  assert.match(r.text, /<input type="radio" id="f-base" name="base" value="all_members" checked aria-invalid="true">/);
  assert.match(r.text, /<p class="field-error" id="e-base">[^<]+<\/p>\n  <\/fieldset>/);
  assert.match(r.text, /Ứng viên A<\/textarea>/);
});

test('a ballot with too many choices: the error is tied to the boxes for a screen reader', async () => {
  const v = (await admin.post('/api/v1/votes', { json: { title: 'Một lựa chọn (fix-c)', threshold_pct: 50, base: 'all_members', voters: VOTERS, max_choices: 1,
    candidates: [{ label: 'A' }, { label: 'B' }] } })).data;
  assert.equal((await admin.post(`/api/v1/votes/${v.id}/open`)).status, 200);
  const r = await voters['fc.03'].post(`/votes/${v.id}`, { form: [['what', 'ballot'], ['choices', String(v.candidates[0].id)], ['choices', String(v.candidates[1].id)]] });
  assert.equal(r.status, 422);
  assert.match(r.text, /<fieldset aria-describedby="e-choices"><legend>/);
  const boxes = [...r.text.matchAll(/<input type="checkbox" name="choices" value="\d+" checked aria-invalid="true">/g)];
  assert.equal(boxes.length, 2, 'both boxes ticked as typed, each marked');
  assert.match(r.text, /<p class="field-error" id="e-choices">[^<]+<\/p>\n  <\/fieldset>/);
});
