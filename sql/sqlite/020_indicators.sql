-- Indicators and indexes (issue 13): indicator definitions, values per unit
-- and period with their approval and history, targets, validation rules as
-- data, the live roll-up of every value to every ancestor, composite indexes
-- (criteria with points and scoring rules) and public dashboards.
-- Periods are text: '2025' (year), '2025-Q3' (quarter), '2025-07' (month).

CREATE TABLE indicators (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,          -- lower case, digits, '_': used in validation rules
	name_vi TEXT NOT NULL,
	name_en TEXT NOT NULL,
	name_hi TEXT NOT NULL,
	measure TEXT NOT NULL DEFAULT '',   -- the unit of measure ('%', 'houses', 'teams')
	kind TEXT NOT NULL CHECK (kind IN ('number', 'percent', 'ratio')),
	factor REAL NOT NULL DEFAULT 100,   -- ratio: value = factor * numerator / denominator
	aggregation TEXT NOT NULL CHECK (aggregation IN ('sum', 'mean', 'weighted', 'latest', 'none')),
	direction TEXT NOT NULL DEFAULT 'higher' CHECK (direction IN ('higher', 'lower')),
	period_type TEXT NOT NULL CHECK (period_type IN ('year', 'quarter', 'month')),
	decimals INTEGER NOT NULL DEFAULT 0 CHECK (decimals BETWEEN 0 AND 4),
	active INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

-- a value a unit entered for a period; status 'approved' locks it
CREATE TABLE indicator_values (
	indicator_id INTEGER NOT NULL REFERENCES indicators(id),
	unit_id INTEGER NOT NULL REFERENCES units(id),
	period TEXT NOT NULL,
	value REAL NOT NULL,                -- a ratio's computed value
	numerator REAL,                     -- ratio only
	denominator REAL,
	comment TEXT,
	status TEXT NOT NULL DEFAULT 'entered' CHECK (status IN ('entered', 'approved')),
	seq INTEGER NOT NULL,               -- the order of entry (latest aggregation)
	entered_by INTEGER REFERENCES users(id),
	entered_at TEXT NOT NULL,
	approved_by INTEGER REFERENCES users(id),
	approved_at TEXT,
	version INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (indicator_id, unit_id, period)
);
CREATE INDEX indicator_values_unit ON indicator_values (unit_id, period);

-- the live roll-up: per indicator, unit and period, the values of the unit's
-- subtree (itself included), kept in the transaction of every value change
CREATE TABLE indicator_rollup (
	indicator_id INTEGER NOT NULL,
	unit_id INTEGER NOT NULL,
	period TEXT NOT NULL,
	n INTEGER NOT NULL,                 -- values counted
	total REAL NOT NULL,                -- sum of the values
	num REAL NOT NULL,                  -- sum of numerators (ratio)
	den REAL NOT NULL,                  -- sum of denominators (ratio)
	latest_seq INTEGER NOT NULL,
	latest REAL,
	PRIMARY KEY (indicator_id, unit_id, period)
);

-- every change of a value: entered, approved, unlocked (with the reason)
CREATE TABLE indicator_history (
	id INTEGER PRIMARY KEY,
	indicator_id INTEGER NOT NULL REFERENCES indicators(id),
	unit_id INTEGER NOT NULL REFERENCES units(id),
	period TEXT NOT NULL,
	action TEXT NOT NULL CHECK (action IN ('enter', 'approve', 'unlock')),
	value REAL,
	numerator REAL,
	denominator REAL,
	comment TEXT,                       -- the value's comment, or the unlock's reason
	user_id INTEGER REFERENCES users(id),
	at TEXT NOT NULL
);
CREATE INDEX indicator_history_value ON indicator_history (indicator_id, unit_id, period, id);

CREATE TABLE indicator_targets (
	indicator_id INTEGER NOT NULL REFERENCES indicators(id),
	unit_id INTEGER NOT NULL REFERENCES units(id),
	period TEXT NOT NULL,
	target REAL NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	updated_at TEXT NOT NULL,
	PRIMARY KEY (indicator_id, unit_id, period)
);

-- validation rules between values, as data (src/indicators/expr.c)
CREATE TABLE indicator_rules (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	expression TEXT NOT NULL,
	message_vi TEXT NOT NULL,
	message_en TEXT NOT NULL,
	message_hi TEXT NOT NULL,
	severity TEXT NOT NULL CHECK (severity IN ('error', 'warning', 'comment')),
	active INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

-- composite indexes: main criteria (parent_id NULL) and sub-criteria with
-- their points and the scoring rule from an indicator's value to points
CREATE TABLE composite_indexes (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name_vi TEXT NOT NULL,
	name_en TEXT NOT NULL,
	name_hi TEXT NOT NULL,
	scope_id INTEGER NOT NULL REFERENCES units(id),   -- the units ranked are its children
	unit_kind TEXT,                     -- only children of this kind (NULL: all)
	total_points REAL NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE TABLE index_criteria (
	id INTEGER PRIMARY KEY,
	index_id INTEGER NOT NULL REFERENCES composite_indexes(id),
	parent_id INTEGER REFERENCES index_criteria(id),
	code TEXT NOT NULL,
	name_vi TEXT NOT NULL,
	name_en TEXT NOT NULL,
	name_hi TEXT NOT NULL,
	points REAL NOT NULL,
	indicator_id INTEGER REFERENCES indicators(id),    -- sub-criteria only
	method TEXT CHECK (method IN ('linear', 'threshold', 'rank')),
	lo REAL,                            -- linear: the value worth 0 points
	hi REAL,                            -- linear: the value worth all points
	thresholds TEXT,                    -- threshold: "bound:points;bound:points" ascending bounds
	position INTEGER NOT NULL,
	UNIQUE (index_id, code)
);
CREATE INDEX index_criteria_index ON index_criteria (index_id, position);

-- dashboards of chosen indicators; a public one is read without login by its slug
CREATE TABLE indicator_dashboards (
	id INTEGER PRIMARY KEY,
	slug TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL,
	unit_id INTEGER NOT NULL REFERENCES units(id),
	indicators TEXT NOT NULL,           -- codes, comma-separated, in order
	period_from TEXT NOT NULL,
	period_to TEXT NOT NULL,
	public INTEGER NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
