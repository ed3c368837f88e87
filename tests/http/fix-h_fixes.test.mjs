// Fixes of helper h's review (home, movements, units, people, users) on the
// demo data: the administrator's home page lists the tasks returned for
// correction across the system, as a reporter's lists those of their units.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDb, startServer } from '../lib/server.mjs';
import { formLogin, sql } from './_util.mjs';

let env, srv;

before(async () => {
  env = makeDb({ demo: true });
  srv = await startServer(env.db);
});

after(async () => {
  await srv?.stop();
});

// the tasks still open whose last completion report the assigning office returned
const returnedCount = () => Number(sql(env.db, "SELECT count(*) FROM tasks t JOIN task_reports rr ON rr.id = "
  + "(SELECT max(x.id) FROM task_reports x WHERE x.task_id = t.id AND x.kind = 'completion') WHERE t.state = 'open' AND rr.review = 'returned'"));

test('the administrator\'s home page lists the completions returned for correction in every unit, the last returned first', async () => {
  const total = returnedCount();
  assert.ok(total > 8, `the demo returns more than a page of completions (${total})`);
  for (const login of ['admin', 'tw.officer']) {
    const c = await formLogin(srv.base, login, login === 'admin' ? env.adminPassword : env.demoUsers[login].password);
    const page = await c.get('/');
    assert.equal(page.status, 200);
    const at = page.text.indexOf('<section class="home-section" aria-labelledby="home-returned" id="home-returned-tasks">');
    assert.ok(at > 0, `${login}: the section is there`);
    const section = page.text.slice(at, page.text.indexOf('</section>', at));
    assert.ok(section.includes(`<h2 id="home-returned">Bị trả lại, chờ báo cáo lại <span class="badge">${total}</span></h2>\n`
      + '<p>Các cơ quan giao nhiệm vụ đã trả lại báo cáo hoàn thành của các đơn vị chủ trì dưới đây: mỗi đơn vị cần thực hiện theo nhận xét, sau đó báo cáo hoàn thành lại.</p>'), section);
    const items = [...section.matchAll(/<li id="home-returned-(\d+)">[\s\S]*?<small>([^<]*)<\/small>[\s\S]*?trả lại ngày (\d\d\/\d\d\/\d{4})<\/span><\/li>/g)];
    assert.equal(items.length, 8);
    // a commune's and a department's: every lead unit, not the reader's own
    assert.ok(items.some((m) => m[2] === 'Sở Khoa học và Công nghệ · NQ57-CAMAU'));
    assert.ok(items.some((m) => m[2].startsWith('Xã ')));
    // the last returned first
    const iso = items.map((m) => m[3].split('/').reverse().join('-'));
    assert.deepEqual(iso, [...iso].sort().reverse());
    // the rest on /tasks/returned, linked with the whole count
    assert.ok(section.endsWith(`</ul>\n<p><a href="/tasks/returned">Mọi báo cáo hoàn thành bị trả lại (${total})</a></p>\n`), section.slice(-200));
    // first on the page, before the system's figures and the movements' work
    assert.ok(at < page.text.indexOf(login === 'admin' ? 'id="h-system"' : 'id="h-waits"'));
  }
  // a reporter keeps the list of their own units, worded for them
  const reporter = await formLogin(srv.base, 'camau.skhcn', env.demoUsers['camau.skhcn'].password);
  const mine = (await reporter.get('/')).text;
  assert.match(mine, /<h2 id="home-returned">Bị trả lại, cần báo cáo lại <span class="badge">3<\/span><\/h2>/);
  // in English
  const en = await formLogin(srv.base, 'admin', env.adminPassword, 'en');
  assert.ok((await en.get('/')).text.includes(`<h2 id="home-returned">Returned for correction <span class="badge">${total}</span></h2>`));
});
