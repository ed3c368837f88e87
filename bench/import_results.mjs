// The web import of results as a background job: N models (default 100 000,
// one per line, 50 units), then N results (one report each) posted to
// /api/v1/movements/{id}/import/results, then the same file again (nothing
// to write); each timed from the POST to the job's end, with the job's log
// line (its longest batch and final write transactions). Usage:
//   THIDUA_BIN=$PWD/build/release/thidua node bench/import_results.mjs [N]
import { makeDb, startServer, Client } from '../tests/lib/server.mjs';
import { mkUnit } from '../tests/http/_util.mjs';
const N = Number(process.argv[2] || 100000);
const WARDS = 50;
const day = (o) => new Date(Date.now() + o * 86400000).toISOString().slice(0, 10);
const env = makeDb();
const srv = await startServer(env.db, ['--max-upload', String(64 << 20)]);
const admin = new Client(srv.base);
await admin.login('admin', env.adminPassword);
const root = await mkUnit(admin, 'BJ', 'Huyện', 'district');
for (let i = 0; i < WARDS; i++) await mkUnit(admin, `BJ-${i}`, `Xã ${i}`, 'commune', root.id);
let r = await admin.post('/api/v1/movements', { json: { code: 'BJOB', title: 'Bench', kind: 'regular', authority_code: 'BJ', starts_on: day(-10), ends_on: day(300), register_by: day(30), scope: ['BJ'], fields: ['economy'], metrics: [{ code: 'vnd', name: 'Kinh phí', unit: 'VND', kind: 'amount' }] } });
r = await admin.post(`/api/v1/movements/${r.data.id}/status`, { json: { status: 'launched', version: r.data.version } });
const mv = r.data;
const up = async (kind, text) => { const fd = new FormData(); fd.append('file', new Blob([text]), 'x.csv'); const t0 = Date.now(); const j = await admin.waitJob(await admin.req('POST', `/api/v1/movements/${mv.id}/import/${kind}`, { raw: fd })); return [j, Date.now() - t0]; };
const regs = ['unit_code,pledge']; for (let i = 0; i < WARDS; i++) regs.push(`BJ-${i},x`);
await up('registrations', regs.join('\n') + '\n');
const ml = ['code,unit_code,title,field']; for (let i = 0; i < N; i++) ml.push(`M-${i},BJ-${i % WARDS},Mô hình ${i},economy`);
let [j, ms] = await up('models', ml.join('\n') + '\n');
console.log(`${N} models: ${j.status}, ${(ms / 1000).toFixed(2)} s`);
const rl = ['model_code,reported_on,metric,value']; for (let i = 0; i < N; i++) rl.push(`M-${i},${day(-1)},vnd,${1000 + i}`);
[j, ms] = await up('results', rl.join('\n') + '\n');
console.log(`${N} results: ${j.status}, ${(ms / 1000).toFixed(2)} s from the POST to the end`);
[j, ms] = await up('results', rl.join('\n') + '\n');
console.log(`the same file again: ${j.status}, ${j.result.unchanged} unchanged, ${(ms / 1000).toFixed(2)} s`);
const fin = await srv.stop(); console.log(fin.log.split('\n').filter((l) => /job/.test(l)).join('\n'));
