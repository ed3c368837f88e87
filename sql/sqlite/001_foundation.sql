-- Foundation: organisation registry, users and roles, sessions, audit log.
-- Portable SQL: the PostgreSQL dialect differs only in types (see sql/pg/).

CREATE TABLE unit_kinds (
	code TEXT PRIMARY KEY,
	level INTEGER NOT NULL,            -- where the kind usually sits; data, not code
	name_vi TEXT NOT NULL,
	name_en TEXT NOT NULL,
	name_hi TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1
);

INSERT INTO unit_kinds (code, level, name_vi, name_en, name_hi) VALUES
	('country',   -1, 'Cả nước', 'Country', 'देश'),
	('central',    0, 'Cơ quan Trung ương', 'Central body', 'केंद्रीय निकाय'),
	('ministry',   1, 'Bộ, ngành', 'Ministry', 'मंत्रालय'),
	('province',   1, 'Tỉnh', 'Province', 'प्रांत'),
	('city',       1, 'Thành phố trực thuộc TW', 'Centrally-run city', 'केंद्र शासित शहर'),
	('department', 2, 'Sở, ban, ngành', 'Department', 'विभाग'),
	('district',   2, 'Huyện, thị xã (trước 2025)', 'District or town (before 2025)', 'जिला या नगर (2025 से पहले)'),
	('ward',       3, 'Phường', 'Ward', 'वार्ड'),
	('commune',    3, 'Xã', 'Commune', 'कम्यून'),
	('agency',     3, 'Cơ quan, đơn vị', 'Agency', 'एजेंसी'),
	('organisation', 3, 'Tổ chức đoàn thể', 'Mass organisation', 'जन संगठन'),
	('enterprise', 3, 'Doanh nghiệp', 'Enterprise', 'उद्यम'),
	('subunit',    4, 'Phòng, tổ, bộ phận', 'Sub-unit', 'उप-इकाई');

CREATE TABLE units (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	search TEXT NOT NULL,              -- folded "name code" for diacritic-free search
	kind TEXT NOT NULL REFERENCES unit_kinds(code),
	parent_id INTEGER REFERENCES units(id),
	path TEXT NOT NULL UNIQUE,         -- '/1/7/42/': a subtree is a range of paths
	depth INTEGER NOT NULL,
	active INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX units_parent ON units (parent_id, name);

CREATE TABLE people (
	id INTEGER PRIMARY KEY,
	code TEXT UNIQUE,                  -- civil-servant code
	full_name TEXT NOT NULL,
	search TEXT NOT NULL,
	gender TEXT NOT NULL CHECK (gender IN ('M', 'F', 'X')),
	birth_year INTEGER,
	unit_id INTEGER NOT NULL REFERENCES units(id),
	position TEXT,
	active INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX people_unit ON people (unit_id, full_name);

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	login TEXT NOT NULL UNIQUE,
	full_name TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	lang TEXT,
	active INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

CREATE TABLE user_roles (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	role TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'reporter', 'council', 'viewer')),
	unit_id INTEGER NOT NULL REFERENCES units(id),
	UNIQUE (user_id, role, unit_id)
);

CREATE TABLE sessions (
	id_hash TEXT PRIMARY KEY,          -- SHA-256 of the cookie value, hex
	user_id INTEGER NOT NULL REFERENCES users(id),
	csrf TEXT NOT NULL,
	created_at INTEGER NOT NULL,       -- epoch seconds
	seen_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	hash TEXT NOT NULL UNIQUE,         -- SHA-256 of the token, hex
	user_id INTEGER NOT NULL REFERENCES users(id),
	name TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);

CREATE TABLE login_failures (
	key TEXT NOT NULL,                 -- "ip|login"
	at INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL,
	user_id INTEGER,
	login TEXT,
	action TEXT NOT NULL,              -- create, update, move, deactivate, import, login ...
	entity TEXT NOT NULL,
	entity_id INTEGER,
	before TEXT,                       -- JSON
	after TEXT,                        -- JSON
	note TEXT,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

CREATE TABLE audit_head (
	one INTEGER PRIMARY KEY CHECK (one = 1),
	id INTEGER NOT NULL,
	hash TEXT NOT NULL
);
