-- A proposal's history records the revocation of the decision that decided
-- it (the proposal is approved again): action 'revoke'. SQLite cannot change
-- a CHECK in place, so the table is copied into one with the wider check.
CREATE TABLE proposal_steps_new (
	id INTEGER PRIMARY KEY,
	proposal_id INTEGER NOT NULL REFERENCES proposals(id),
	at TEXT NOT NULL,
	user_id INTEGER REFERENCES users(id),
	unit_id INTEGER NOT NULL REFERENCES units(id),    -- the level that acted
	stage TEXT NOT NULL,                -- the stage it acted in
	action TEXT NOT NULL CHECK (action IN ('submit', 'approve', 'return', 'reject', 'forward', 'decide', 'revoke')),
	comment TEXT,
	due_on TEXT,                        -- the deadline the step had
	late INTEGER NOT NULL DEFAULT 0     -- done after it
);
INSERT INTO proposal_steps_new (id, proposal_id, at, user_id, unit_id, stage, action, comment, due_on, late)
	SELECT id, proposal_id, at, user_id, unit_id, stage, action, comment, due_on, late FROM proposal_steps;
DROP TABLE proposal_steps;
ALTER TABLE proposal_steps_new RENAME TO proposal_steps;
CREATE INDEX proposal_steps_proposal ON proposal_steps (proposal_id, id);
