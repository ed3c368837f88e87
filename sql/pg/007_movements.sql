-- Emulation movements: launched by an authority (a unit), answered by the
-- units of its scope, which register and then register models, report their
-- results with evidence; the organiser assesses the models, names typical
-- examples and records where they spread.
-- Dates are 'YYYY-MM-DD' text, instants ISO-8601 UTC text.

CREATE TABLE movement_fields (
	code TEXT PRIMARY KEY,
	position INTEGER NOT NULL,
	name_vi TEXT NOT NULL,
	name_en TEXT NOT NULL,
	name_hi TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1
);

INSERT INTO movement_fields (code, position, name_vi, name_en, name_hi) VALUES
	('economy',                1, 'Kinh tế', 'Economy', 'अर्थव्यवस्था'),
	('culture_society',        2, 'Văn hóa – xã hội', 'Culture and society', 'संस्कृति और समाज'),
	('defence_security',       3, 'Quốc phòng – an ninh', 'Defence and security', 'रक्षा और सुरक्षा'),
	('political_system',       4, 'Xây dựng hệ thống chính trị', 'Building the political system', 'राजनीतिक व्यवस्था का निर्माण'),
	('digital_transformation', 5, 'Chuyển đổi số', 'Digital transformation', 'डिजिटल परिवर्तन'),
	('new_rural',              6, 'Xây dựng nông thôn mới', 'New rural areas', 'नए ग्रामीण क्षेत्र'),
	('education',              7, 'Giáo dục – đào tạo', 'Education and training', 'शिक्षा और प्रशिक्षण'),
	('health',                 8, 'Y tế', 'Health', 'स्वास्थ्य'),
	('environment',            9, 'Tài nguyên – môi trường', 'Environment', 'पर्यावरण'),
	('admin_reform',          10, 'Cải cách hành chính', 'Administrative reform', 'प्रशासनिक सुधार');

CREATE TABLE movements (
	id BIGSERIAL PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL,
	search TEXT NOT NULL,              -- folded "title code"
	theme TEXT,
	kind TEXT NOT NULL CHECK (kind IN ('campaign', 'regular', 'thematic')),
	authority_id BIGINT NOT NULL REFERENCES units(id), -- who launched it; officers over it run it
	legal_basis TEXT,                  -- e.g. 'Quyết định số 733/QĐ-TTg ngày 14/6/2019'
	parent_id BIGINT REFERENCES movements(id),
	starts_on TEXT NOT NULL,
	ends_on TEXT NOT NULL,
	register_by TEXT NOT NULL,         -- last day a reporter may register
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'launched', 'reviewing', 'closed')),
	launched_at TEXT,
	closed_at TEXT,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX movements_authority ON movements (authority_id);
CREATE INDEX movements_parent ON movements (parent_id);

-- the units invited: each with its subtree
CREATE TABLE movement_scopes (
	movement_id BIGINT NOT NULL REFERENCES movements(id),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	PRIMARY KEY (movement_id, unit_id)
);

-- the fields the movement's models may belong to
CREATE TABLE movement_field_links (
	movement_id BIGINT NOT NULL REFERENCES movements(id),
	field_code TEXT NOT NULL REFERENCES movement_fields(code),
	PRIMARY KEY (movement_id, field_code)
);

-- the results the movement tracks: an amount adds up (VND, households,
-- metres); a rate is a percentage, averaged over the models that report it
CREATE TABLE movement_metrics (
	id BIGSERIAL PRIMARY KEY,
	movement_id BIGINT NOT NULL REFERENCES movements(id),
	code TEXT NOT NULL,
	name TEXT NOT NULL,
	unit TEXT NOT NULL,                -- unit of measure as shown: 'VND', 'm', 'm²', '%', 'hộ'
	kind TEXT NOT NULL CHECK (kind IN ('amount', 'rate')),
	position INTEGER NOT NULL,
	UNIQUE (movement_id, code)
);

CREATE TABLE registrations (
	id BIGSERIAL PRIMARY KEY,
	movement_id BIGINT NOT NULL REFERENCES movements(id),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	pledge TEXT,
	planned_models INTEGER,            -- how many models the unit pledges
	registered_on TEXT NOT NULL,
	late INTEGER NOT NULL DEFAULT 0,   -- entered by an officer after the deadline
	active INTEGER NOT NULL DEFAULT 1, -- 0: withdrawn
	created_by BIGINT REFERENCES users(id),
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (movement_id, unit_id)
);
CREATE INDEX registrations_unit ON registrations (unit_id);

-- numeric commitments of a registration, per metric
CREATE TABLE registration_commitments (
	registration_id BIGINT NOT NULL REFERENCES registrations(id),
	metric_id BIGINT NOT NULL REFERENCES movement_metrics(id),
	value DOUBLE PRECISION NOT NULL,
	PRIMARY KEY (registration_id, metric_id)
);

CREATE TABLE models (
	id BIGSERIAL PRIMARY KEY,
	movement_id BIGINT NOT NULL REFERENCES movements(id),
	registration_id BIGINT NOT NULL REFERENCES registrations(id),
	unit_id BIGINT NOT NULL REFERENCES units(id),  -- the registering unit
	code TEXT NOT NULL,                -- unique in the movement; the key of imports
	title TEXT NOT NULL,
	search TEXT NOT NULL,              -- folded "title code"
	field_code TEXT NOT NULL REFERENCES movement_fields(code),
	owner_unit_id BIGINT REFERENCES units(id),     -- who runs it, when not the unit itself
	owner_person_id BIGINT REFERENCES people(id),
	description TEXT,
	started_on TEXT,
	status TEXT NOT NULL DEFAULT 'registered' CHECK (status IN ('registered', 'effective', 'not_effective')),
	assessment TEXT,                   -- the assessor's comment
	assessed_by BIGINT REFERENCES users(id),
	assessed_at TEXT,
	typical INTEGER NOT NULL DEFAULT 0,
	citation TEXT,                     -- why it is a typical example
	typical_on TEXT,
	late INTEGER NOT NULL DEFAULT 0,
	active INTEGER NOT NULL DEFAULT 1, -- 0: withdrawn
	created_by BIGINT REFERENCES users(id),
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (movement_id, code)
);
CREATE INDEX models_movement ON models (movement_id, active, field_code, status, code);
CREATE INDEX models_unit ON models (unit_id, movement_id);
CREATE INDEX models_typical ON models (typical, movement_id);
-- the dashboard reads a movement's models in unit order from this index alone
CREATE INDEX models_dash ON models (movement_id, active, unit_id, field_code, status, typical);

-- planned results of a model, per metric
CREATE TABLE model_plans (
	model_id BIGINT NOT NULL REFERENCES models(id),
	metric_id BIGINT NOT NULL REFERENCES movement_metrics(id),
	value DOUBLE PRECISION NOT NULL,
	PRIMARY KEY (model_id, metric_id)
);

-- progress reports: what a model achieved, as of a date, with evidence
CREATE TABLE model_reports (
	id BIGSERIAL PRIMARY KEY,
	model_id BIGINT NOT NULL REFERENCES models(id),
	reported_on TEXT NOT NULL,
	note TEXT,
	created_by BIGINT REFERENCES users(id),
	created_at TEXT NOT NULL
);
CREATE INDEX model_reports_model ON model_reports (model_id, reported_on);

CREATE TABLE model_results (
	report_id BIGINT NOT NULL REFERENCES model_reports(id),
	metric_id BIGINT NOT NULL REFERENCES movement_metrics(id),
	value DOUBLE PRECISION NOT NULL,
	PRIMARY KEY (report_id, metric_id)
);

-- what each model has achieved per metric: the sum of its reports for an
-- amount, the latest report for a rate; kept by the domain code in the
-- transaction that adds a report, so the dashboard reads one row per model
-- and metric instead of every report
CREATE TABLE model_values (
	model_id BIGINT NOT NULL REFERENCES models(id),
	metric_id BIGINT NOT NULL REFERENCES movement_metrics(id),
	value DOUBLE PRECISION NOT NULL,
	reported_on TEXT NOT NULL,         -- of the latest report counted
	PRIMARY KEY (model_id, metric_id)
);

-- another unit adopts a model: where a typical example spread
CREATE TABLE model_replications (
	id BIGSERIAL PRIMARY KEY,
	model_id BIGINT NOT NULL REFERENCES models(id),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	adopted_on TEXT NOT NULL,
	note TEXT,
	created_by BIGINT REFERENCES users(id),
	created_at TEXT NOT NULL,
	UNIQUE (model_id, unit_id)
);
CREATE INDEX model_replications_unit ON model_replications (unit_id);
