-- Award proposals (hồ sơ đề nghị khen thưởng): a unit proposes nominees
-- (people or collectives) for awards in a commendation round; the proposal
-- goes up the levels — the board of a receiving unit, its council, its
-- authority — each approving (the proposal is then locked for the levels
-- below), returning it with a comment to the level below, or rejecting it.
-- Dates are 'YYYY-MM-DD' text, instants ISO-8601 UTC text.

CREATE TABLE proposals (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,          -- e.g. 'DX-2024-000017', made at creation
	title TEXT NOT NULL,
	search TEXT NOT NULL,               -- folded "title code"
	round TEXT NOT NULL CHECK (round IN ('year_end', 'movement', 'unexpected')),
	year INTEGER NOT NULL,
	movement_id INTEGER REFERENCES movements(id),   -- a movement's review
	proposer_id INTEGER NOT NULL REFERENCES units(id),
	summary TEXT,                       -- the achievement summary (tóm tắt thành tích)
	proposed_on TEXT,                   -- the date the rules are judged on (set at the first submission)
	-- where it is: the unit whose board, council or authority holds it, and the stage there
	holder_id INTEGER NOT NULL REFERENCES units(id),
	stage TEXT NOT NULL DEFAULT 'draft'
		CHECK (stage IN ('draft', 'board', 'council', 'authority', 'returned', 'approved', 'rejected', 'decided')),
	due_on TEXT,                        -- the deadline of the current step
	version INTEGER NOT NULL DEFAULT 1,
	created_by INTEGER REFERENCES users(id),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX proposals_holder ON proposals (holder_id, stage);
CREATE INDEX proposals_proposer ON proposals (proposer_id, year);

-- the nominees: a person or a collective for an award
CREATE TABLE proposal_nominees (
	id INTEGER PRIMARY KEY,
	proposal_id INTEGER NOT NULL REFERENCES proposals(id),
	person_id INTEGER REFERENCES people(id),
	unit_id INTEGER REFERENCES units(id),
	award_code TEXT NOT NULL REFERENCES awards(code),
	summary TEXT,
	direct_worker INTEGER NOT NULL DEFAULT 0,   -- the person works directly in production (seed 001's priority)
	verdict TEXT,                       -- eligibility at the last check: eligible, ineligible, manual
	verdict_json TEXT,                  -- the whole answer of that check
	checked_at TEXT,
	position INTEGER NOT NULL DEFAULT 0,
	CHECK ((person_id IS NULL) <> (unit_id IS NULL))
);
CREATE INDEX proposal_nominees_proposal ON proposal_nominees (proposal_id, position);
CREATE INDEX proposal_nominees_person ON proposal_nominees (person_id);
CREATE INDEX proposal_nominees_unit ON proposal_nominees (unit_id);

-- every step, kept: who did what at which level, with the comment
CREATE TABLE proposal_steps (
	id INTEGER PRIMARY KEY,
	proposal_id INTEGER NOT NULL REFERENCES proposals(id),
	at TEXT NOT NULL,
	user_id INTEGER REFERENCES users(id),
	unit_id INTEGER NOT NULL REFERENCES units(id),    -- the level that acted
	stage TEXT NOT NULL,                -- the stage it acted in
	action TEXT NOT NULL CHECK (action IN ('submit', 'approve', 'return', 'reject', 'forward', 'decide')),
	comment TEXT,
	due_on TEXT,                        -- the deadline the step had
	late INTEGER NOT NULL DEFAULT 0     -- done after it
);
CREATE INDEX proposal_steps_proposal ON proposal_steps (proposal_id, id);

-- whether a person works directly in production (seed 001: commendation
-- gives them priority), with its history: the value from valid_from on
CREATE TABLE person_direct_work (
	person_id INTEGER NOT NULL REFERENCES people(id),
	valid_from TEXT NOT NULL,
	direct INTEGER NOT NULL CHECK (direct IN (0, 1)),
	PRIMARY KEY (person_id, valid_from)
);
