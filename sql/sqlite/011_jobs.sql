-- Background jobs (issue 8): work that outlives a request — imports now,
-- big exports and PDF reports later. One worker thread of `serve` runs them
-- in id order (src/base/jobs.c); a kind is a name the feature registers.
-- IF NOT EXISTS: the migration tests take a database back to an older
-- version by deleting rows of schema_migrations, as for 010.
CREATE TABLE IF NOT EXISTS jobs (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,                  -- import_models, import_results, import_registrations, ...
	owner_id INTEGER REFERENCES users(id), -- who asked; only they (or an admin) read it
	entity TEXT,                         -- the record it works on ('movement') and its id
	entity_id INTEGER,
	back_url TEXT,                       -- where the job's page links back to
	status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0, -- starts; a job interrupted 3 times fails
	done INTEGER NOT NULL DEFAULT 0,     -- progress: lines done
	total INTEGER,                       -- lines expected, when known
	result TEXT,                         -- JSON object: the counts
	errors TEXT,                         -- the line-numbered errors, one a line
	reason TEXT,                         -- why it failed
	data BLOB,                           -- the uploaded file, kept until the job ends
	data_name TEXT,
	created_at TEXT NOT NULL,
	started_at TEXT,
	finished_at TEXT
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, id);
CREATE INDEX IF NOT EXISTS jobs_owner ON jobs (owner_id, id);

-- Models imported by a job wait here, checked, until one short final
-- transaction copies them into models (INSERT ... SELECT): until then no
-- query sees them, and a failed job deletes them. `model_id` set: a change
-- to that existing model, applied in the final transaction too.
CREATE TABLE IF NOT EXISTS model_staging (
	job_id INTEGER NOT NULL,             -- the job, or a negative key of a command-line import
	line INTEGER NOT NULL,
	model_id INTEGER,
	version INTEGER,
	movement_id INTEGER NOT NULL,
	registration_id INTEGER,
	unit_id INTEGER NOT NULL,
	code TEXT NOT NULL,
	title TEXT NOT NULL,
	search TEXT,
	field_code TEXT NOT NULL,
	owner_unit_id INTEGER,
	description TEXT,
	started_on TEXT,
	late INTEGER NOT NULL DEFAULT 0,
	sort_key BLOB,
	PRIMARY KEY (job_id, code)
);

-- The reports of a results import, checked and waiting in the same way:
-- the rows of one group (a model, a date, a note) are one report.
CREATE TABLE IF NOT EXISTS report_staging (
	job_id INTEGER NOT NULL,
	grp INTEGER NOT NULL,
	line INTEGER NOT NULL,
	model_id INTEGER NOT NULL,
	reported_on TEXT NOT NULL,
	note TEXT,
	metric_id INTEGER NOT NULL,
	value REAL NOT NULL,
	PRIMARY KEY (job_id, grp, metric_id)
);
-- the amounts already staged for a model, read by every report checked
CREATE INDEX IF NOT EXISTS report_staging_model ON report_staging (job_id, model_id, metric_id);
