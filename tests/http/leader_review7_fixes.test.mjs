// Review 7A: a leader who only reads — the viewer of Cà Mau (camau.viewer),
// the central board's officer (tw.officer) — on the dashboards of the demo.
// Each test is a defect they met: the cluster review telling a reader outside
// the cluster that no vote was held, score cells linking to cards the reader
// is refused, a pager's count in the wrong digits, a chart of quarters with
// no figures in words, a viewer's home page silent about the overdue tasks
// of their province, and a movement's per-unit table left bare when none of
// its units is in the reader's scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer, addUser } from '../lib/server.mjs';
import { loginAs, formLogin, sql } from './_util.mjs';

let env, srv, viewer, central;

before(async () => {
  env = makeDb({ demo: true });
  addUser(env.db, 'sonla.viewer', 'viewer', 'T-SONLA');
  srv = await startServer(env.db);
  viewer = await formLogin(srv.base, 'camau.viewer', env.demoUsers['camau.viewer'].password);
  central = await formLogin(srv.base, 'tw.officer', env.demoUsers['tw.officer'].password);
});

after(async () => {
  if (srv) await srv.stop();
});

// the text of the element with this id, tags dropped and spaces folded
function textOf(html, id) {
  const at = html.indexOf(`id="${id}"`);
  assert.ok(at >= 0, `no element #${id}`);
  const open = html.lastIndexOf('<', at);
  const tag = html.slice(open + 1).match(/^\w+/)[0];
  const end = html.indexOf(`</${tag}>`, at);
  return html.slice(html.indexOf('>', at) + 1, end).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
}

// the cells of the table row whose first cell is `first`
function rowOf(html, tableId, first) {
  const at = html.indexOf(`id="${tableId}"`);
  assert.ok(at >= 0, `no table #${tableId}`);
  const table = html.slice(at, html.indexOf('</table>', at));
  for (const tr of table.split('<tr>').slice(1)) {
    const cells = [...tr.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => m[1].replace(/<[^>]*>/g, '').trim());
    if (cells[0] === first) return cells;
  }
  assert.fail(`no row ${first} in #${tableId}`);
}

test('the North Central review of 2023 tells a reader outside the cluster that its 2 votes were held, not that none was', async () => {
  const page = await viewer.get('/clusters/1/years/2023');
  assert.equal(page.status, 200);
  assert.equal(textOf(page.text, 'votes-none'),
    'Hội nghị này đã tổ chức 2 cuộc bỏ phiếu; kết quả chỉ hiển thị cho người bỏ phiếu và cơ quan tổ chức.');
  assert.doesNotMatch(page.text, /chưa tổ chức bỏ phiếu/);
  viewer.cookies.lang = 'en';
  const en = await viewer.get('/clusters/1/years/2023');
  delete viewer.cookies.lang;
  assert.equal(textOf(en.text, 'votes-none'),
    '2 votes were held at this review; their results are shown to their voters and to the organising body.');
  // the central officer reads the rounds themselves: Hà Tĩnh 5 of 6 for the Government's flag
  const tw = await central.get('/clusters/1/years/2023');
  assert.doesNotMatch(tw.text, /id="votes-none"/);
  assert.match(tw.text, /<tr><td>Tỉnh Hà Tĩnh<\/td><td class="num">5<\/td><td class="num">83,33%<\/td>/);
  // a review with no round at all still says so
  const y2024 = await viewer.get('/clusters/1/years/2024');
  assert.equal(textOf(y2024.text, 'votes-none'), 'Hội nghị này chưa tổ chức bỏ phiếu.');
});

test('the scoring matrix links a card only for those who may open it: the Cà Mau viewer reads the points, every link of the page opens', async () => {
  const page = await viewer.get('/clusters/1/years/2023');
  assert.doesNotMatch(page.text, /score\?scorer=/);
  // Hà Tĩnh's self-assessment, 102 points, submitted, as plain text
  assert.match(page.text, /<tr><th scope="row">Tỉnh Hà Tĩnh<\/th>\s*<td class="num">102 ✓<span class="sr">/);
  const main = page.text.slice(page.text.indexOf('<main'));
  const links = [...new Set([...main.matchAll(/href="(\/[^"#]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&')))];
  assert.ok(links.length >= 5, links.join(' '));
  for (const href of links) {
    const r = await viewer.get(href);
    assert.ok(r.status < 400, `${href}: ${r.status}`);
  }
  // Hà Tĩnh's council reads its own cards and those scoring it: 6 + 6 − 1 links, all open
  const hatinh = await loginAs(srv.base, 'hatinh.cum', env.demoUsers['hatinh.cum'].password);
  const hp = await hatinh.get('/clusters/1/years/2023');
  const cards = [...new Set([...hp.text.matchAll(/href="(\/clusters\/1\/years\/2023\/score\?[^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&')))];
  assert.equal(cards.length, 11);
  for (const href of cards) assert.equal((await hatinh.get(href)).status, 200, href);
  // the central officer (over the whole country) opens all 36
  const tw = await central.get('/clusters/1/years/2023');
  assert.equal(new Set([...tw.text.matchAll(/score\?scorer=\d+&amp;target=\d+/g)].map((m) => m[0])).size, 36);
});

test('a list\'s pager counts in the language\'s digits: 1–50 / 1.132 tasks in Vietnamese, 1,132 in English', async () => {
  const vi = await viewer.get('/programmes/1?as_of=2025-10-14');
  assert.equal(vi.status, 200);
  assert.match(vi.text, /<span>1–50 \/ 1\.132<\/span>/);
  const next = await viewer.get('/programmes/1?as_of=2025-10-14&offset=1100');
  assert.match(next.text, /<span>1\.101–1\.132 \/ 1\.132<\/span>/);
  viewer.cookies.lang = 'en';
  const en = await viewer.get('/programmes/1?as_of=2025-10-14');
  delete viewer.cookies.lang;
  assert.match(en.text, /<span>1–50 \/ 1,132<\/span>/);
});

test('the programme\'s quarters chart has its figures in a table: Cà Mau\'s Resolution 57 tasks at the end of Q2 and Q3 2025', async () => {
  const page = await viewer.get('/programmes/1?as_of=2025-10-14');
  assert.equal(page.status, 200);
  assert.deepEqual(rowOf(page.text, 'by-quarter', '30/06/2025'), ['30/06/2025', '1.132', '302 (27%)', '260', '42', '705', '125']);
  // the report's figures: 485 done (43%), 561 not yet due, 86 overdue — more done and fewer overdue than in Q2
  assert.deepEqual(rowOf(page.text, 'by-quarter', '30/09/2025'), ['30/09/2025', '1.132', '485 (43%)', '353', '132', '561', '86']);
  assert.deepEqual(rowOf(page.text, 'by-quarter', '14/10/2025'), ['14/10/2025', '1.132', '485 (43%)', '353', '132', '561', '86']);
  viewer.cookies.lang = 'en';
  const en = await viewer.get('/programmes/1?as_of=2025-10-14');
  delete viewer.cookies.lang;
  assert.match(en.text, /<thead><tr><th scope="col">Date<\/th><th scope="col" class="num">Tasks<\/th><th scope="col" class="num">done<\/th><th scope="col" class="num">done on time<\/th>/);
  assert.deepEqual(rowOf(en.text, 'by-quarter', '30 Jun 2025'), ['30 Jun 2025', '1,132', '302 (27%)', '260', '42', '705', '125']);
});

test('a viewer\'s home page shows the overdue tasks led in their province, and only there', async () => {
  const status = await viewer.get('/api/v1/programmes/1/status');
  assert.equal(status.status, 200, status.text);
  const overdue = status.data.overdue;
  assert.ok(overdue >= 86, String(overdue));
  const home = await viewer.get('/');
  assert.equal(home.status, 200);
  assert.match(home.text, /<h2 id="h-tasks">Nhiệm vụ do các đơn vị trong phạm vi của bạn chủ trì<\/h2>/);
  const n = overdue.toLocaleString('de-DE');
  assert.match(home.text, new RegExp(`<li id="home-tasks-overdue" class="todo"><a href="#home-overdue"><strong>${n.replace('.', '\\.')}</strong> <span>nhiệm vụ quá hạn</span>`));
  assert.match(home.text, /<a href="\/programmes">Tình hình thực hiện của các chương trình<\/a>/);
  // a viewer writes nothing: no form posts from the home page but the language and the logout
  const posts = [...home.text.matchAll(/<form[^>]*method="post"[^>]*action="([^"]*)"/g)].map((m) => m[1]).sort();
  assert.deepEqual(posts, ['/lang', '/logout']);
  // Sơn La's viewer: no task is led in Sơn La, so no section, and no Cà Mau task
  const sl = await loginAs(srv.base, 'sonla.viewer');
  const slHome = await sl.get('/');
  assert.equal(slHome.status, 200);
  assert.doesNotMatch(slHome.text, /id="home-tasks"/);
  assert.doesNotMatch(slHome.text, /NQ57-CAMAU/);
  assert.equal(sql(env.db, "SELECT count(*) FROM tasks t JOIN units u ON u.id = t.lead_id WHERE u.path LIKE (SELECT path FROM units WHERE code = 'T-SONLA') || '%'"), '0');
});

test('a movement\'s dashboard with no unit of the reader\'s scope says so in words under its per-unit table', async () => {
  const id = sql(env.db, "SELECT id FROM movements WHERE code = 'DVK2024'");
  const page = await viewer.get(`/movements/${id}/dashboard`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<li><b>0<\/b> đơn vị đã đăng ký<\/li>/);
  assert.equal(textOf(page.text, 'units-none'), 'Chưa có đơn vị nào trong phạm vi của bạn đăng ký tham gia phong trào này.');
  viewer.cookies.lang = 'hi';
  const hi = await viewer.get(`/movements/${id}/dashboard`);
  delete viewer.cookies.lang;
  assert.equal(textOf(hi.text, 'units-none'), 'आपके दायरे की किसी भी इकाई ने इस आंदोलन के लिए पंजीकरण नहीं किया है।');
  // the central officer reads Quảng Yên's 32 units and 7,366,000,000 VND mobilised
  const tw = await central.get(`/movements/${id}/dashboard`);
  assert.doesNotMatch(tw.text, /id="units-none"/);
  assert.match(tw.text, /<li><b>32<\/b> đơn vị đã đăng ký<\/li>/);
  assert.match(tw.text, /<td class="num">7\.366\.000\.000<\/td><td>VND<\/td>/);
});
