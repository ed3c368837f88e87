-- Task monitoring (issue 12): programmes (a resolution, a plan, a steering
-- committee's work list) and the tasks they assign, with the lead unit's
-- progress and completion reports, the assigning office's review and the
-- deadline's extensions. The status of a task on any date is computed from
-- this history (src/tasks/tasks_status.c; docs/TASKS.md says how). Dates
-- are 'YYYY-MM-DD' text (the office's calendar), instants ISO-8601 UTC text.

CREATE TABLE task_programmes (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL,
	kind TEXT NOT NULL DEFAULT 'resolution' CHECK (kind IN ('resolution', 'plan', 'committee')),
	legal_source TEXT,                  -- 'Nghị quyết 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị'
	owner_id INTEGER NOT NULL REFERENCES units(id),  -- the owner unit: the assigning office by default
	starts_on TEXT,
	description TEXT,
	version INTEGER NOT NULL DEFAULT 1,
	created_by INTEGER REFERENCES users(id),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

-- A task. due_on is the deadline in force now (NULL: a regular task, never
-- overdue), due_original the one first set; extended_on is the date of the
-- latest extension, so a status at a date after it needs no look into
-- task_extensions. state: open (not done; also after a returned
-- completion), submitted (a completion waits for review), done (accepted:
-- final). done_on is the completion date of the accepted completion,
-- accepted_on the date the assigning office accepted it.
CREATE TABLE tasks (
	id INTEGER PRIMARY KEY,
	programme_id INTEGER NOT NULL REFERENCES task_programmes(id),
	parent_id INTEGER REFERENCES tasks(id),
	code TEXT NOT NULL,                 -- unique in the programme: the import key
	title TEXT NOT NULL,
	source_doc TEXT,                    -- the document that assigns it
	source_article TEXT,                -- its article or point
	assigner_id INTEGER NOT NULL REFERENCES units(id),
	lead_id INTEGER NOT NULL REFERENCES units(id),
	assigned_on TEXT NOT NULL,
	due_original TEXT,
	due_on TEXT,
	extended_on TEXT,
	product TEXT,                       -- the expected product
	percent INTEGER NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
	state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'submitted', 'done')),
	done_on TEXT,
	accepted_on TEXT,
	version INTEGER NOT NULL DEFAULT 1,
	created_by INTEGER REFERENCES users(id),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (programme_id, code),
	CHECK (due_original IS NULL OR due_original >= assigned_on),
	CHECK ((state = 'done') = (accepted_on IS NOT NULL))
);
CREATE INDEX tasks_lead ON tasks (lead_id, programme_id);
CREATE INDEX tasks_parent ON tasks (parent_id);
CREATE INDEX tasks_due ON tasks (programme_id, due_on);
-- the status counts of a programme read this index alone (tasks_status.c)
CREATE INDEX tasks_status ON tasks (programme_id, assigned_on, accepted_on, done_on, due_on, extended_on, lead_id);

CREATE TABLE task_coordinators (
	task_id INTEGER NOT NULL REFERENCES tasks(id),
	unit_id INTEGER NOT NULL REFERENCES units(id),
	PRIMARY KEY (task_id, unit_id)
);

-- Each extension keeps the deadline it replaced: the deadline in force on a
-- date before recorded_on is the due_before of the first extension
-- recorded after that date.
CREATE TABLE task_extensions (
	id INTEGER PRIMARY KEY,
	task_id INTEGER NOT NULL REFERENCES tasks(id),
	due_before TEXT,
	due_on TEXT NOT NULL,
	reason TEXT NOT NULL,
	recorded_on TEXT NOT NULL,
	created_by INTEGER REFERENCES users(id),
	created_at TEXT NOT NULL
);
CREATE INDEX task_extensions_task ON task_extensions (task_id, recorded_on, id);

-- The lead unit's reports: progress (a percent and a text) and completion
-- (the date it was done, the product), the latter reviewed by the
-- assigning office: pending, accepted or returned with a comment.
CREATE TABLE task_reports (
	id INTEGER PRIMARY KEY,
	task_id INTEGER NOT NULL REFERENCES tasks(id),
	kind TEXT NOT NULL CHECK (kind IN ('progress', 'completion')),
	percent INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
	note TEXT,
	done_on TEXT,
	product TEXT,
	reported_on TEXT NOT NULL,
	review TEXT NOT NULL DEFAULT 'none' CHECK (review IN ('none', 'pending', 'accepted', 'returned')),
	review_comment TEXT,
	reviewed_on TEXT,
	reviewed_by INTEGER REFERENCES users(id),
	created_by INTEGER REFERENCES users(id),
	created_at TEXT NOT NULL,
	CHECK ((kind = 'completion') = (done_on IS NOT NULL))
);
CREATE INDEX task_reports_task ON task_reports (task_id, id);

-- The reminders' outbox: one e-mail (RFC 5322 text) per unit and day, for
-- an operator to send; the unit's home page shows the same list.
CREATE TABLE task_reminders (
	id INTEGER PRIMARY KEY,
	unit_id INTEGER NOT NULL REFERENCES units(id),
	sent_on TEXT NOT NULL,
	due_soon INTEGER NOT NULL,
	overdue INTEGER NOT NULL,
	message TEXT NOT NULL,
	created_at TEXT NOT NULL,
	UNIQUE (unit_id, sent_on)
);
