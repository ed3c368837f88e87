-- The movement data of the benchmark, written straight into the bench
-- database after its units are imported: one launched movement over the
-- whole country with 10 metrics, 20 000 registered units, 100 000 models,
-- 500 000 progress reports and 1 000 000 result values, and the standing
-- values (model_values) the domain code would have kept. Deterministic.
BEGIN;
INSERT INTO movements (code, title, search, kind, authority_id, starts_on, ends_on, register_by, status, launched_at, created_at, updated_at)
SELECT 'BENCH', 'Phong trào thi đua “Dân vận khéo” toàn quốc (bench)', 'phong trao thi dua dan van kheo toan quoc (bench) bench', 'regular',
       id, '2025-01-01', '2026-12-31', '2026-12-31', 'launched', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'
FROM units WHERE code = 'VN';
INSERT INTO movement_scopes (movement_id, unit_id) SELECT m.id, u.id FROM movements m, units u WHERE m.code = 'BENCH' AND u.code = 'VN';
INSERT INTO movement_field_links (movement_id, field_code)
SELECT m.id, f.code FROM movements m, movement_fields f WHERE m.code = 'BENCH' AND f.position <= 5;
INSERT INTO movement_metrics (movement_id, code, name, unit, kind, position)
SELECT m.id, x.code, x.name, x.unit, x.kind, x.pos FROM movements m,
  (SELECT 'vnd' AS code, 'Kinh phí huy động' AS name, 'VND' AS unit, 'amount' AS kind, 0 AS pos
   UNION ALL SELECT 'households', 'Hộ được hỗ trợ', 'hộ', 'amount', 1
   UNION ALL SELECT 'children', 'Trẻ em được nhận đỡ đầu', 'em', 'amount', 2
   UNION ALL SELECT 'length_m', 'Chiều dài công trình', 'm', 'amount', 3
   UNION ALL SELECT 'area_m2', 'Diện tích', 'm²', 'amount', 4
   UNION ALL SELECT 'items', 'Trang thiết bị', 'chiếc', 'amount', 5
   UNION ALL SELECT 'participants', 'Lượt người tham gia', 'lượt', 'amount', 6
   UNION ALL SELECT 'sim4g_pct', 'Chuyển đổi thuê bao 2G sang 4G', '%', 'rate', 7
   UNION ALL SELECT 'qr_fee_pct', 'Thu phí không dùng tiền mặt', '%', 'rate', 8
   UNION ALL SELECT 'portal_pay_pct', 'Thanh toán trực tuyến', '%', 'rate', 9) x
WHERE m.code = 'BENCH';

-- 20 000 units below the provinces register
CREATE TEMP TABLE bu AS SELECT id AS unit_id, row_number() OVER (ORDER BY id) AS n FROM units WHERE depth >= 2 AND active = 1 ORDER BY id LIMIT 20000;
INSERT INTO registrations (movement_id, unit_id, pledge, planned_models, registered_on, created_at, updated_at)
SELECT m.id, bu.unit_id, 'Đăng ký thực hiện mô hình “Dân vận khéo”', 5,
       date('2025-01-05', '+' || (bu.n % 80) || ' days'), '2025-01-05T00:00:00Z', '2025-01-05T00:00:00Z'
FROM movements m, bu WHERE m.code = 'BENCH';

-- 100 000 models, five per registered unit
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 99999)
INSERT INTO models (movement_id, registration_id, unit_id, code, title, search, field_code, started_on, status, typical, citation,
                    created_at, updated_at)
SELECT g.movement_id, g.id, g.unit_id, printf('B%06d', k.i), printf('Mô hình dân vận khéo số %d', k.i),
       printf('mo hinh dan van kheo so %d b%06d', k.i, k.i),
       CASE k.i % 5 WHEN 0 THEN 'economy' WHEN 1 THEN 'culture_society' WHEN 2 THEN 'defence_security'
                    WHEN 3 THEN 'political_system' ELSE 'digital_transformation' END,
       '2025-02-01',
       CASE WHEN k.i % 10 < 7 THEN 'effective' WHEN k.i % 10 = 7 THEN 'not_effective' ELSE 'registered' END,
       CASE WHEN k.i % 50 = 0 THEN 1 ELSE 0 END, CASE WHEN k.i % 50 = 0 THEN 'Mô hình tiêu biểu' END,
       '2025-02-01T00:00:00Z', '2025-02-01T00:00:00Z'
FROM k JOIN bu ON bu.n = k.i / 5 + 1 JOIN registrations g ON g.unit_id = bu.unit_id
JOIN movements m ON m.id = g.movement_id AND m.code = 'BENCH';

-- 500 000 reports (five per model), each with two results: 1 000 000 values
WITH RECURSIVE r(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM r WHERE j < 4)
INSERT INTO model_reports (model_id, reported_on, note, created_at)
SELECT d.id, date('2025-03-01', '+' || (r.j * 60 + d.id % 30) || ' days'), 'Báo cáo định kỳ', '2025-03-01T00:00:00Z'
FROM models d JOIN movements m ON m.id = d.movement_id AND m.code = 'BENCH', r;
INSERT INTO model_results (report_id, metric_id, value)
SELECT p.id, mt.id, CASE WHEN mt.kind = 'rate' THEN 50 + (p.id % 50) ELSE 1000000 * (1 + p.id % 97) END
FROM model_reports p JOIN models d ON d.id = p.model_id JOIN movements m ON m.id = d.movement_id AND m.code = 'BENCH'
JOIN movement_metrics mt ON mt.movement_id = m.id AND (mt.position = 0 OR mt.position = 1 + (d.id + p.id) % 9);

-- the standing values: an amount's sum, a rate's latest report
INSERT INTO model_values (model_id, metric_id, value, reported_on)
SELECT p.model_id, r.metric_id,
       CASE WHEN mt.kind = 'amount' THEN sum(r.value)
            ELSE (SELECT r2.value FROM model_results r2 JOIN model_reports p2 ON p2.id = r2.report_id
                  WHERE p2.model_id = p.model_id AND r2.metric_id = r.metric_id ORDER BY p2.reported_on DESC, p2.id DESC LIMIT 1) END,
       max(p.reported_on)
FROM model_results r JOIN model_reports p ON p.id = r.report_id JOIN movement_metrics mt ON mt.id = r.metric_id
JOIN models d ON d.id = p.model_id JOIN movements m ON m.id = d.movement_id AND m.code = 'BENCH'
GROUP BY p.model_id, r.metric_id;
COMMIT;
ANALYZE;
