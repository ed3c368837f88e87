-- Votes (bình xét, suy tôn): secret-ballot rounds of a cluster's members or
-- of a council. A round has candidates, eligible voters, a threshold over a
-- base (all members, or those present), an optional limit of choices per
-- ballot and an optional quota. Ballots are secret: no column, key or order
-- of vote_ballots links a ballot to a voter (docs/ARCHITECTURE.md, "Ballot
-- secrecy"): its key is (round, SHA-256 of a random receipt); no time,
-- no user. On PostgreSQL the heap order (ctid) and xmin of a row follow
-- the casting until the close, which rewrites the round's ballots and
-- markers in key order in its own transaction. Who voted is vote_cast, written in the same transaction as the ballot, keyed
-- by the voter, with no time either. The close rewrites both in key order.

CREATE TABLE vote_rounds (
	id BIGSERIAL PRIMARY KEY,
	title TEXT NOT NULL,
	unit_id BIGINT NOT NULL REFERENCES units(id),   -- the organising body: who may run it and read the tally
	proposal_id BIGINT REFERENCES proposals(id),    -- the proposal whose nominees are the candidates
	threshold_bp INTEGER NOT NULL CHECK (threshold_bp BETWEEN 0 AND 10000),   -- hundredths of a per cent: 9000 = 90%
	base TEXT NOT NULL CHECK (base IN ('all_members', 'present')),
	max_choices INTEGER,                             -- NULL: as many as there are candidates
	quota_bp INTEGER CHECK (quota_bp BETWEEN 0 AND 10000),  -- at most quota_bp/100 % of quota_of may pass
	quota_of INTEGER CHECK (quota_of >= 0),
	status TEXT COLLATE "C" NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
	voters INTEGER NOT NULL DEFAULT 0,               -- how many may vote
	present INTEGER,                                 -- how many were recorded present (base 'present')
	ballots INTEGER NOT NULL DEFAULT 0,              -- how many were cast
	version INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT REFERENCES users(id),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	opened_at TEXT,
	closed_at TEXT
);
CREATE INDEX vote_rounds_unit ON vote_rounds (unit_id, status);
CREATE INDEX vote_rounds_proposal ON vote_rounds (proposal_id);

-- the candidates: a unit, a person, a proposal's nominee or a free label;
-- yes, passed and the quota marks are written by the close (the tally)
CREATE TABLE vote_candidates (
	id BIGSERIAL PRIMARY KEY,
	round_id BIGINT NOT NULL REFERENCES vote_rounds(id),
	position INTEGER NOT NULL,
	label TEXT NOT NULL,
	unit_id BIGINT REFERENCES units(id),
	person_id BIGINT REFERENCES people(id),
	nominee_id BIGINT REFERENCES proposal_nominees(id),
	yes INTEGER,
	passed INTEGER,
	over_quota INTEGER NOT NULL DEFAULT 0,           -- passed the threshold, beyond the quota
	quota_tie INTEGER NOT NULL DEFAULT 0             -- tied at the quota's edge: a person decides
);
CREATE INDEX vote_candidates_round ON vote_candidates (round_id, position);

-- who may vote, and who was recorded present before the opening
CREATE TABLE vote_voters (
	round_id BIGINT NOT NULL REFERENCES vote_rounds(id),
	user_id BIGINT NOT NULL REFERENCES users(id),
	present INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (round_id, user_id)
);
CREATE INDEX vote_voters_user ON vote_voters (user_id);

-- who has voted: one row per voter and round, no time, no link to the ballot
CREATE TABLE vote_cast (
	round_id BIGINT NOT NULL REFERENCES vote_rounds(id),
	user_id BIGINT NOT NULL REFERENCES users(id),
	PRIMARY KEY (round_id, user_id)
);

-- the ballots: the SHA-256 of the receipt (hex) and the candidates chosen
-- (their ids, ascending, separated by commas; '' for a blank ballot)
CREATE TABLE vote_ballots (
	round_id BIGINT NOT NULL REFERENCES vote_rounds(id),
	receipt_hash TEXT COLLATE "C" NOT NULL,
	choices TEXT NOT NULL,
	PRIMARY KEY (round_id, receipt_hash)
);
