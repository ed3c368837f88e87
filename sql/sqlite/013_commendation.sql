-- Commendation (khen thưởng): the award catalogue of Law 06/2022/QH15, the
-- dated base salary its bonuses are multiples of, everyone's achievement
-- records by year, and the eligibility rule sets (versioned data: each with
-- its legal basis and the dates it applies).
-- Dates are 'YYYY-MM-DD' text, instants ISO-8601 UTC text.

-- Titles (danh hiệu thi đua) and forms (hình thức khen thưởng). level: what
-- the award is; authority_level: who issues it. bonus_*: the multiple of the
-- base salary in thousandths (4500 = 4.5×), per person and per collective;
-- NULL where the figure is not loaded (bonus_basis says from where).
CREATE TABLE awards (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('title', 'form')),
	subjects TEXT NOT NULL CHECK (subjects IN ('person', 'collective', 'both', 'household')),
	level TEXT NOT NULL CHECK (level IN ('grassroots', 'province', 'government', 'state')),
	authority_level TEXT NOT NULL CHECK (authority_level IN ('grassroots', 'province', 'government', 'state')),
	yearly INTEGER NOT NULL DEFAULT 0,
	bonus_person INTEGER,
	bonus_collective INTEGER,
	bonus_basis TEXT,
	position INTEGER NOT NULL,
	name_vi TEXT NOT NULL,
	name_en TEXT NOT NULL,
	name_hi TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1
);

INSERT INTO awards (code, kind, subjects, level, authority_level, yearly, bonus_person, bonus_collective, bonus_basis, position, name_vi, name_en, name_hi) VALUES
	('LDTT',           'title', 'person',     'grassroots', 'grassroots', 1,  300, NULL, 'Nghị định 98/2023/NĐ-CP, Điều 54', 10, 'Lao động tiên tiến', 'Advanced Worker', 'उन्नत कार्यकर्ता'),
	('CSTDCS',         'title', 'person',     'grassroots', 'grassroots', 1, 1000, NULL, 'Nghị định 98/2023/NĐ-CP, Điều 54', 20, 'Chiến sĩ thi đua cơ sở', 'Grassroots Emulation Fighter', 'जमीनी स्तर का अनुकरण योद्धा'),
	('CSTD_BO_TINH',   'title', 'person',     'province',   'province',   0, 3000, NULL, 'Nghị định 98/2023/NĐ-CP, Điều 54', 30, 'Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh', 'Ministry/Province Emulation Fighter', 'मंत्रालय/प्रांत स्तर का अनुकरण योद्धा'),
	('CSTD_TOAN_QUOC', 'title', 'person',     'state',      'government', 0, 4500, NULL, 'Nghị định 98/2023/NĐ-CP, Điều 54', 40, 'Chiến sĩ thi đua toàn quốc', 'National Emulation Fighter', 'राष्ट्रीय अनुकरण योद्धा'),
	('TTLDTT',         'title', 'collective', 'grassroots', 'grassroots', 1, NULL, NULL, 'chưa nạp: đối chiếu Nghị định 98/2023/NĐ-CP', 50, 'Tập thể lao động tiên tiến', 'Advanced Collective', 'उन्नत सामूहिक'),
	('TTLDXS',         'title', 'collective', 'grassroots', 'province',   1, NULL, 1500, 'Nghị định 98/2023/NĐ-CP, Điều 54', 60, 'Tập thể lao động xuất sắc', 'Excellent Collective', 'उत्कृष्ट सामूहिक'),
	('CO_BO_TINH',     'title', 'collective', 'province',   'province',   1, NULL, NULL, 'chưa nạp: đối chiếu Nghị định 98/2023/NĐ-CP', 70, 'Cờ thi đua cấp bộ, ban, ngành, tỉnh', 'Ministry/Province Emulation Flag', 'मंत्रालय/प्रांत अनुकरण ध्वज'),
	('CO_CP',          'title', 'collective', 'government', 'government', 1, NULL, NULL, 'chưa nạp: đối chiếu Nghị định 98/2023/NĐ-CP', 80, 'Cờ thi đua của Chính phủ', 'Government Emulation Flag', 'सरकार का अनुकरण ध्वज'),
	('GK',             'form',  'both',       'grassroots', 'grassroots', 0, NULL, NULL, 'chưa nạp: đối chiếu Nghị định 98/2023/NĐ-CP', 90, 'Giấy khen', 'Certificate of Commendation', 'प्रशंसा प्रमाण पत्र'),
	('BK_BO_TINH',     'form',  'both',       'province',   'province',   0, NULL, NULL, 'chưa nạp: đối chiếu Nghị định 98/2023/NĐ-CP', 100, 'Bằng khen cấp bộ, ban, ngành, tỉnh', 'Ministry/Province Certificate of Merit', 'मंत्रालय/प्रांत योग्यता प्रमाण पत्र'),
	('BK_TTG',         'form',  'both',       'government', 'government', 0, NULL, NULL, 'chưa nạp: đối chiếu Nghị định 98/2023/NĐ-CP', 110, 'Bằng khen của Thủ tướng Chính phủ', 'Prime Minister''s Certificate of Merit', 'प्रधानमंत्री का योग्यता प्रमाण पत्र'),
	('HCLD3',          'form',  'both',       'state',      'state',      0, NULL, NULL, 'chưa nạp: đối chiếu Nghị định 98/2023/NĐ-CP', 120, 'Huân chương Lao động hạng Ba', 'Labour Order, Third Class', 'श्रम आदेश, तृतीय श्रेणी');

-- mức lương cơ sở: the base salary in VND from a date on
CREATE TABLE base_salaries (
	valid_from TEXT PRIMARY KEY,
	amount INTEGER NOT NULL CHECK (amount > 0),
	legal_basis TEXT NOT NULL
);
INSERT INTO base_salaries (valid_from, amount, legal_basis) VALUES
	('2023-07-01', 1800000, 'Nghị định 24/2023/NĐ-CP'),
	('2024-07-01', 2340000, 'Nghị định 73/2024/NĐ-CP');

-- What a person or a collective (a unit) achieved in a year: the yearly
-- rating, a title or award held, an initiative recognised at a level, a
-- discipline. value: the rating, the award's code, the initiative's level or
-- the discipline's level (checked by the domain code against kind).
-- Exactly one of person_id, unit_id.
CREATE TABLE achievements (
	id INTEGER PRIMARY KEY,
	person_id INTEGER REFERENCES people(id),
	unit_id INTEGER REFERENCES units(id),
	year INTEGER NOT NULL CHECK (year BETWEEN 1945 AND 2200),
	kind TEXT NOT NULL CHECK (kind IN ('rating', 'title', 'initiative', 'discipline')),
	value TEXT NOT NULL,
	decision_no TEXT,                  -- of a title or award: the decision's number,
	decided_on TEXT,                   -- its date,
	authority TEXT,                    -- and who issued it
	decision_id INTEGER,               -- a decision issued in thidua (later migration)
	on_date TEXT,                      -- of a discipline: its date
	note TEXT,
	created_by INTEGER REFERENCES users(id),
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	CHECK ((person_id IS NULL) <> (unit_id IS NULL))
);
CREATE INDEX achievements_person ON achievements (person_id, kind, year);
CREATE INDEX achievements_unit ON achievements (unit_id, kind, year);
CREATE INDEX achievements_value ON achievements (kind, value, year);

-- Eligibility rule sets: the conditions of an award in the rule language
-- (docs/ARCHITECTURE.md), in force from effective_from to effective_to
-- (inclusive; NULL: still in force), with the legal basis they come from.
CREATE TABLE rule_sets (
	id INTEGER PRIMARY KEY,
	award_id INTEGER NOT NULL REFERENCES awards(id),
	legal_basis TEXT NOT NULL,
	source TEXT,                       -- e.g. 'older text (decree 91/2017), to be confirmed'
	effective_from TEXT NOT NULL,
	effective_to TEXT,
	rules TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX rule_sets_award ON rule_sets (award_id, effective_from);
