#!/usr/bin/env python3
"""Checks the demo movement files in data/demo/ (movements.csv,
movement_metrics.csv, dvk2024_*.csv) against each other and units.csv:
file format, codes that must exist, the counts report 004 states (32 units,
138 models), the figures of its named models, and prints the totals that
docs/DEMO.md quotes. Exit status 1 when anything is wrong.
Usage: scripts/check-demo-movements.py [DIR]   (default data/demo)"""
import csv, datetime, os, re, sys
from collections import Counter, defaultdict

DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', 'data', 'demo')
FIELDS = {'economy', 'culture_society', 'defence_security', 'political_system', 'digital_transformation',
          'new_rural', 'education', 'health', 'environment', 'admin_reform'}
HEADERS = {
    'movements.csv': 'code,title,theme,kind,authority_code,legal_basis,parent_code,starts_on,ends_on,register_by,status,fields,scope_codes',
    'movement_metrics.csv': 'movement_code,code,name,unit,kind',
    'dvk2024_registrations.csv': 'unit_code,registered_on,pledge,commit_models,commit_vnd',
    'dvk2024_models.csv': 'code,unit_code,title,field,owner_unit_code,description,started_on,status,typical,citation',
    'dvk2024_results.csv': 'model_code,reported_on,metric,value,note',
    'dvk2024_replications.csv': 'model_code,unit_code,adopted_on,note',
}
errors = []


def err(msg):
    errors.append(msg)


def load(name):
    path = os.path.join(DIR, name)
    raw = open(path, 'rb').read()
    if raw.startswith(b'\xef\xbb\xbf'):
        err(f'{name}: starts with a BOM')
    if b'\r' in raw:
        err(f'{name}: has CR characters (LF line ends only)')
    if not raw.endswith(b'\n'):
        err(f'{name}: last line not terminated')
    rows = list(csv.reader(raw.decode('utf-8').splitlines()))
    if ','.join(rows[0]) != HEADERS.get(name, ','.join(rows[0])):
        err(f'{name}: header is {rows[0]}')
    head = rows[0]
    out = []
    for i, r in enumerate(rows[1:], 2):
        if len(r) != len(head):
            err(f'{name}:{i}: {len(r)} fields, expected {len(head)}')
            continue
        if any(v != v.strip() for v in r):
            err(f'{name}:{i}: leading or trailing spaces')
        d = dict(zip(head, r))
        d['_line'] = f'{name}:{i}'
        out.append(d)
    return out


def date(s, where, empty_ok=False):
    if s == '' and empty_ok:
        return None
    try:
        if not re.fullmatch(r'\d{4}-\d{2}-\d{2}', s):
            raise ValueError
        return datetime.date.fromisoformat(s)
    except ValueError:
        err(f'{where}: bad date {s!r}')
        return None


# ---------------------------------------------------------------- units
units = {r['code']: r for r in load('units.csv')}


def below(code, ancestor):
    """code is strictly below ancestor in units.csv"""
    seen = set()
    p = units.get(code, {}).get('parent_code')
    while p and p not in seen:
        if p == ancestor:
            return True
        seen.add(p)
        p = units.get(p, {}).get('parent_code')
    return False


def unit_exists(code, where):
    if code not in units:
        err(f'{where}: unknown unit {code}')
        return False
    return True


# ------------------------------------------------------------ movements
movements = {}
for r in load('movements.csv'):
    w = r['_line']
    if r['code'] in movements:
        err(f'{w}: duplicate movement {r["code"]}')
    movements[r['code']] = r
    if r['kind'] not in ('campaign', 'regular', 'thematic'):
        err(f'{w}: kind {r["kind"]}')
    if r['status'] not in ('draft', 'launched', 'reviewing', 'closed'):
        err(f'{w}: status {r["status"]}')
    if not r['title'] or not r['theme']:
        err(f'{w}: empty title or theme')
    unit_exists(r['authority_code'], w)
    s, e = date(r['starts_on'], w), date(r['ends_on'], w)
    rb = date(r['register_by'], w, empty_ok=True)
    if s and e and s > e:
        err(f'{w}: starts after it ends')
    if rb and s and not (s <= rb <= e):
        err(f'{w}: register_by outside the period')
    fl = r['fields'].split(';')
    if not fl or not set(fl) <= FIELDS or len(set(fl)) != len(fl):
        err(f'{w}: fields {r["fields"]}')
    sc = r['scope_codes'].split(';')
    for u in sc:
        unit_exists(u, w)
    if len(set(sc)) != len(sc):
        err(f'{w}: duplicate scope code')
for r in movements.values():
    p = r['parent_code']
    if p and (p not in movements or p == r['code']):
        err(f'{r["_line"]}: parent {p} unknown')
    if p and p in movements:
        pr = movements[p]
        if not (pr['starts_on'] <= r['starts_on'] and r['ends_on'] <= pr['ends_on']):
            err(f'{r["_line"]}: period outside the parent {p}')

# -------------------------------------------------------------- metrics
metrics = defaultdict(dict)
for r in load('movement_metrics.csv'):
    w = r['_line']
    if r['movement_code'] not in movements:
        err(f'{w}: unknown movement {r["movement_code"]}')
    if r['code'] in metrics[r['movement_code']]:
        err(f'{w}: duplicate metric {r["code"]}')
    if not re.fullmatch(r'[a-z][a-z0-9_]*', r['code']):
        err(f'{w}: metric code {r["code"]}')
    if r['kind'] not in ('amount', 'rate'):
        err(f'{w}: kind {r["kind"]}')
    if r['kind'] == 'rate' and r['unit'] != '%':
        err(f'{w}: a rate in {r["unit"]}')
    if not r['name'] or not r['unit']:
        err(f'{w}: empty name or unit')
    metrics[r['movement_code']][r['code']] = r
DVK_METRICS = {'vnd': 'amount', 'households': 'amount', 'children': 'amount', 'length_m': 'amount',
               'area_m2': 'amount', 'items': 'amount', 'participants': 'amount', 'sim4g_pct': 'rate',
               'qr_fee_pct': 'rate', 'portal_pay_pct': 'rate', 'cashless_social_pct': 'rate',
               'cashless_beneficiaries_pct': 'rate', 'cashless_pensioners_pct': 'rate'}
if {k: v['kind'] for k, v in metrics['DVK2024'].items()} != DVK_METRICS:
    err('movement_metrics.csv: DVK2024 metric codes or kinds differ from the agreed set')
for same in ('DVK2026', 'DVK2027'):
    a = {k: (v['name'], v['unit'], v['kind']) for k, v in metrics['DVK2024'].items()}
    b = {k: (v['name'], v['unit'], v['kind']) for k, v in metrics[same].items()}
    if a != b:
        err(f'movement_metrics.csv: {same} metrics differ from DVK2024')

# -------------------------------------------------------- registrations
MV = movements['DVK2024']
mv_start, mv_end = date(MV['starts_on'], 'DVK2024'), date(MV['ends_on'], 'DVK2024')
mv_fields = set(MV['fields'].split(';'))
regs = {}
for r in load('dvk2024_registrations.csv'):
    w = r['_line']
    u = r['unit_code']
    if u in regs:
        err(f'{w}: {u} registered twice')
    regs[u] = r
    if unit_exists(u, w) and not below(u, 'QN-QUANGYEN'):
        err(f'{w}: {u} is not below QN-QUANGYEN')
    d = date(r['registered_on'], w)
    if d and not (datetime.date(2024, 1, 5) <= d <= datetime.date(2024, 3, 31)):
        err(f'{w}: registered_on {d} outside 2024-01-05..2024-03-31')
    if not r['commit_models'].isdigit() or int(r['commit_models']) < 1:
        err(f'{w}: commit_models {r["commit_models"]}')
    if not r['commit_vnd'].isdigit():
        err(f'{w}: commit_vnd {r["commit_vnd"]}')
    if not r['pledge']:
        err(f'{w}: empty pledge')
if len(regs) != 32:
    err(f'dvk2024_registrations.csv: {len(regs)} units, report 004 says 32')

# --------------------------------------------------------------- models
models = {}
for i, r in enumerate(load('dvk2024_models.csv'), 1):
    w = r['_line']
    if r['code'] != 'DVK24-%03d' % i:
        err(f'{w}: code {r["code"]}, expected DVK24-{i:03d}')
    models[r['code']] = r
    if r['unit_code'] not in regs:
        err(f'{w}: {r["unit_code"]} did not register')
    if r['field'] not in mv_fields:
        err(f'{w}: field {r["field"]} not a field of DVK2024')
    o = r['owner_unit_code']
    if o and unit_exists(o, w) and not below(o, r['unit_code']):
        err(f'{w}: owner {o} is not below {r["unit_code"]}')
    d = date(r['started_on'], w)
    if d and d > mv_end:
        err(f'{w}: started after the movement ended')
    if r['status'] not in ('effective', 'not_effective'):
        err(f'{w}: status {r["status"]}')
    if r['typical'] not in ('0', '1'):
        err(f'{w}: typical {r["typical"]}')
    if r['typical'] == '1' and (r['status'] != 'effective' or not r['citation']):
        err(f'{w}: typical but not effective or without citation')
    if r['typical'] == '0' and r['citation']:
        err(f'{w}: citation on a model that is not typical')
    if not r['title'] or not r['description']:
        err(f'{w}: empty title or description')
if len(models) != 138:
    err(f'dvk2024_models.csv: {len(models)} models, report 004 says 138')
if len({(m['unit_code'], m['title']) for m in models.values()}) != len(models):
    err('dvk2024_models.csv: a unit registers the same title twice')
per_unit = Counter(m['unit_code'] for m in models.values())
for u, r in regs.items():
    if per_unit[u] != int(r['commit_models'] or 0):
        err(f'{r["_line"]}: commit_models {r["commit_models"]} but {per_unit[u]} models')
per_field = Counter(m['field'] for m in models.values())
if set(per_field) != mv_fields:
    err(f'dvk2024_models.csv: fields used {sorted(per_field)}')

# -------------------------------------------------------------- results
results = load('dvk2024_results.csv')
mets = metrics['DVK2024']
notes, seen = {}, set()
vnd = Counter()
for r in results:
    w = r['_line']
    m = models.get(r['model_code'])
    if not m:
        err(f'{w}: unknown model {r["model_code"]}')
        continue
    if r['metric'] not in mets:
        err(f'{w}: metric {r["metric"]} not defined for DVK2024')
        continue
    d = date(r['reported_on'], w)
    if d and not (max(mv_start, datetime.date.fromisoformat(m['started_on'])) <= d <= mv_end):
        err(f'{w}: reported_on {d} outside the model\'s time in the movement')
    reg = regs.get(m['unit_code'])
    if d and reg and d.isoformat() < reg['registered_on']:
        err(f'{w}: reported before {m["unit_code"]} registered')
    key = (r['model_code'], r['reported_on'], r['metric'])
    if key in seen:
        err(f'{w}: {key} reported twice')
    seen.add(key)
    if not re.fullmatch(r'\d+(\.\d+)?', r['value']):
        err(f'{w}: value {r["value"]!r}')
        continue
    v = float(r['value'])
    if mets[r['metric']]['kind'] == 'rate' and v > 100:
        err(f'{w}: rate above 100')
    if r['metric'] == 'vnd':
        if not r['value'].isdigit():
            err(f'{w}: VND not an integer')
        vnd[m['unit_code']] += int(float(r['value']))
    k = (r['model_code'], r['reported_on'])
    if notes.setdefault(k, r['note']) != r['note'] or not r['note']:
        err(f'{w}: the rows of one report have different or empty notes')

# ---------------------------------------------------------- replications
repl = load('dvk2024_replications.csv')
for r in repl:
    w = r['_line']
    m = models.get(r['model_code'])
    if not m:
        err(f'{w}: unknown model {r["model_code"]}')
        continue
    if m['typical'] != '1':
        err(f'{w}: {r["model_code"]} is not typical')
    if unit_exists(r['unit_code'], w) and not below(r['unit_code'], 'QN-QUANGYEN'):
        err(f'{w}: {r["unit_code"]} is not below QN-QUANGYEN')
    if r['unit_code'] in (m['unit_code'], m['owner_unit_code']):
        err(f'{w}: adopted by the model\'s own unit')
    d = date(r['adopted_on'], w)
    if d and d < datetime.date.fromisoformat(m['started_on']):
        err(f'{w}: adopted before the model started')
if len({(r['model_code'], r['unit_code']) for r in repl}) != len(repl):
    err('dvk2024_replications.csv: duplicate adoption')

# ----------------------------------------------- the facts of report 004
def reports_of(unit, title_start):
    ms = [m for m in models.values() if m['unit_code'] == unit and m['title'].startswith(title_start)]
    if len(ms) != 1:
        err(f'report 004: {len(ms)} models of {unit} titled {title_start!r}…')
        return None, []
    rep = defaultdict(dict)
    for r in results:
        if r['model_code'] == ms[0]['code']:
            rep[r['reported_on']][r['metric']] = float(r['value'])
    return ms[0], sorted(rep.values(), key=lambda x: sorted(x.items()))


def expect(unit, title_start, want, owner='', typical='1', field=None):
    m, got = reports_of(unit, title_start)
    if not m:
        return
    want = sorted(want, key=lambda x: sorted(x.items()))
    if got != want:
        err(f'report 004: {m["code"]} reports {got}, expected {want}')
    if m['owner_unit_code'] != owner or m['typical'] != typical or (field and m['field'] != field):
        err(f'report 004: {m["code"]} owner/typical/field {m["owner_unit_code"]}/{m["typical"]}/{m["field"]}')


expect('QY-P-YENGIANG', 'Dân vận khéo trong tuyên truyền, vận động cán bộ, đoàn viên', [
    {'items': 16, 'vnd': 180e6}, {'vnd': 200e6}, {'area_m2': 1200, 'vnd': 300e6}, {'vnd': 350e6}],
    owner='QY-P-YENGIANG-MTTQ')
expect('QY-P-YENGIANG', 'Khéo vận động Nhân dân thực hiện chuyển đổi số', [
    {'sim4g_pct': 96, 'qr_fee_pct': 100, 'portal_pay_pct': 89.5, 'cashless_social_pct': 89.7,
     'cashless_beneficiaries_pct': 86.4, 'cashless_pensioners_pct': 87.6}], field='digital_transformation')
expect('QY-X-LIENHOA', 'Dân vận khéo trong vận động Nhân dân đóng góp làm lan can',
       [{'length_m': 120, 'vnd': 75e6}], owner='QY-X-LIENHOA-DTN')
expect('QY-X-LIENHOA', 'Dân vận khéo trong tuyên truyền, vận động cán bộ, đảng viên',
       [{'length_m': 326, 'area_m2': 978, 'vnd': 352e6}], owner='QY-X-LIENHOA-THON1')
expect('QY-HLHPN', 'Khéo vận động cán bộ, hội viên', [
    {'children': 28, 'vnd': 106.8e6}, {'vnd': 64.2e6}, {'households': 223, 'vnd': 310e6}])

# ------------------------------------------------------------- movements
for code, authority, parent in [('SL-DTDB-2025', 'T-SONLA', '')] + \
        [(c, 'T-SONLA', 'SL-DTDB-2025') for c in ('SL-NTM', 'SL-CCHC-CDS', 'SL-LLVT', 'SL-DTHT', 'SL-TTMH')] + \
        [(c, 'CP', '') for c in ('TTG-HATANG', 'TTG-NTM', 'TTG-VNN', 'TTG-VHCS', 'TTG-XHHT', 'TTG-DSVH', 'TTG-XNT')] + \
        [('SL-CDS-2025', 'T-SONLA', ''), ('DVK2024', 'QY-BDV', ''), ('DVK2026', 'QY-BDV', ''), ('DVK2027', 'QY-BDV', '')]:
    r = movements.get(code)
    if not r or r['authority_code'] != authority or r['parent_code'] != parent:
        err(f'movements.csv: {code} missing or authority/parent wrong')
if movements.get('DVK2026', {}).get('status') != 'launched' or movements.get('DVK2027', {}).get('status') != 'draft':
    err('movements.csv: DVK2026 must be launched and DVK2027 draft')

# ---------------------------------------------------------------- report
if errors:
    for e in errors:
        print('error:', e, file=sys.stderr)
    print(f'{len(errors)} errors', file=sys.stderr)
    sys.exit(1)

eff = Counter(m['status'] for m in models.values())
typ = [m for m in models.values() if m['typical'] == '1']
reports = {(r['model_code'], r['reported_on']) for r in results}
fmt = lambda n: f'{n:,}'.replace(',', '.')
print(f'movements: {len(movements)} ({", ".join(f"{k} {v}" for k, v in sorted(Counter(r["status"] for r in movements.values()).items()))})')
print(f'metrics: {sum(len(v) for v in metrics.values())} rows for {len(metrics)} movements')
print(f'DVK2024: {len(regs)} units registered ({sum(1 for u in regs if units[u]["kind"] in ("ward", "commune"))} wards and communes), '
      f'{len(models)} models, committed {fmt(sum(int(r["commit_vnd"]) for r in regs.values()))} VND')
print('models per field: ' + ', '.join(f'{f} {per_field[f]}' for f in sorted(per_field)))
print(f'models effective {eff["effective"]}, not_effective {eff["not_effective"]}, typical {len(typ)}: '
      + ' '.join(m['code'] for m in typ))
print(f'results: {len(results)} rows in {len(reports)} reports; models without results {len(models) - len({c for c, _ in reports})}')
print(f'VND mobilised: {fmt(sum(vnd.values()))} in all; Yên Giang ward {fmt(vnd["QY-P-YENGIANG"])}; '
      f'Liên Hòa commune {fmt(vnd["QY-X-LIENHOA"])}; Women\'s Union {fmt(vnd["QY-HLHPN"])}')
print(f'replications: {len(repl)} of {len({r["model_code"] for r in repl})} typical models')
print('ok')
