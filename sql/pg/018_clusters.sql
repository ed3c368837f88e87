-- Emulation clusters and blocs (cụm, khối thi đua): an organiser (a unit:
-- the central council, a ministry, a province) groups units by area
-- (cluster) or by function (bloc). Everything that changes from year to
-- year hangs on cluster_years: the members, the leader and deputy, the
-- criteria sheet, the agreement and its signatures, the scorecards, the
-- organiser's tie-break decisions, the rotation proposal for next year.
-- A unit joins or leaves by next year's member list: past years keep theirs.
-- Points are stored in hundredths (centi-points), so sums and comparisons
-- are exact; the API shows them as decimals. docs/CLUSTERS.md is the guide.

CREATE TABLE clusters (
	id BIGSERIAL PRIMARY KEY,
	code TEXT COLLATE "C" NOT NULL UNIQUE,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('cluster', 'bloc')),   -- by area / by function
	organiser_id BIGINT NOT NULL REFERENCES units(id),
	description TEXT,
	search TEXT COLLATE "C" NOT NULL,             -- folded "name code"
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX clusters_organiser ON clusters (organiser_id);

CREATE TABLE cluster_years (
	id BIGSERIAL PRIMARY KEY,
	cluster_id BIGINT NOT NULL REFERENCES clusters(id),
	year INTEGER NOT NULL CHECK (year BETWEEN 1945 AND 2200),
	leader_id BIGINT REFERENCES units(id),
	deputy_id BIGINT REFERENCES units(id),
	-- who cross-scores: 'leader' (the leader scores every other member, the
	-- deputy scores the leader) or 'all' (every member every other one)
	cross_mode TEXT NOT NULL DEFAULT 'all' CHECK (cross_mode IN ('leader', 'all')),
	-- a member's final score: 'leader' (the leader's card), 'mean' of the
	-- cross scores, 'trimmed' mean (trim highest and lowest dropped)
	method TEXT NOT NULL DEFAULT 'mean' CHECK (method IN ('leader', 'mean', 'trimmed')),
	trim_n INTEGER NOT NULL DEFAULT 1 CHECK (trim_n BETWEEN 0 AND 10),
	deadline TEXT,                      -- YYYY-MM-DD: last day scores may be saved or submitted
	-- the agreement (giao ước thi đua)
	agreement_title TEXT,
	agreement_text TEXT,
	agreement_targets TEXT,
	-- the rotation proposed at the year's conference for next year, and its confirmation by the organiser
	next_leader_id BIGINT REFERENCES units(id),
	next_deputy_id BIGINT REFERENCES units(id),
	rotation_note TEXT,
	rotation_confirmed_at TEXT,
	rotation_confirmed_by BIGINT REFERENCES users(id),
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (cluster_id, year)
);

CREATE TABLE cluster_members (
	cluster_year_id BIGINT NOT NULL REFERENCES cluster_years(id),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	PRIMARY KEY (cluster_year_id, unit_id)
);
CREATE INDEX cluster_members_unit ON cluster_members (unit_id);

-- the criteria sheet of a year: a tree (groups hold criteria), each item with
-- its maximum, the evidence it asks for, and optionally a rule that takes its
-- points from data in thidua (JSON, see docs/CLUSTERS.md)
CREATE TABLE cluster_criteria (
	id BIGSERIAL PRIMARY KEY,
	cluster_year_id BIGINT NOT NULL REFERENCES cluster_years(id),
	parent_id BIGINT REFERENCES cluster_criteria(id),
	position INTEGER NOT NULL,
	code TEXT COLLATE "C" NOT NULL,
	title TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('group', 'score', 'bonus', 'penalty')),
	max_c INTEGER NOT NULL DEFAULT 0 CHECK (max_c >= 0),
	evidence TEXT,
	rule TEXT,
	UNIQUE (cluster_year_id, code)
);
CREATE INDEX cluster_criteria_year ON cluster_criteria (cluster_year_id, position);

-- one scorer unit's card for one target unit: 'self' (scorer = target) or 'cross'
CREATE TABLE cluster_scorecards (
	id BIGSERIAL PRIMARY KEY,
	cluster_year_id BIGINT NOT NULL REFERENCES cluster_years(id),
	scorer_id BIGINT NOT NULL REFERENCES units(id),
	target_id BIGINT NOT NULL REFERENCES units(id),
	kind TEXT NOT NULL CHECK (kind IN ('self', 'cross')),
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
	total_c INTEGER NOT NULL DEFAULT 0,
	submitted_at TEXT,
	submitted_by BIGINT REFERENCES users(id),
	reopen_reason TEXT,
	version INTEGER NOT NULL DEFAULT 1,
	updated_at TEXT NOT NULL,
	UNIQUE (cluster_year_id, scorer_id, target_id),
	CHECK ((kind = 'self') = (scorer_id = target_id))
);

CREATE TABLE cluster_scores (
	scorecard_id BIGINT NOT NULL REFERENCES cluster_scorecards(id),
	criterion_id BIGINT NOT NULL REFERENCES cluster_criteria(id),
	points_c INTEGER NOT NULL CHECK (points_c >= 0),
	evidence TEXT,
	PRIMARY KEY (scorecard_id, criterion_id)
);

-- the organiser's decision between members still tied after the rules
CREATE TABLE cluster_tiebreaks (
	cluster_year_id BIGINT NOT NULL REFERENCES cluster_years(id),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	rank_order INTEGER NOT NULL,
	reason TEXT NOT NULL,
	decided_by BIGINT REFERENCES users(id),
	decided_at TEXT NOT NULL,
	PRIMARY KEY (cluster_year_id, unit_id)
);

-- a signing user's Ed25519 key pair (the seed sealed under the master key,
-- as the authorities' keys of signing_keys); public keys are published
CREATE TABLE user_keys (
	id BIGSERIAL PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users(id),
	key_id TEXT NOT NULL UNIQUE,
	public_key TEXT NOT NULL,
	secret_box TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX user_keys_user ON user_keys (user_id, id);

-- a member's leader signs the year's agreement: Ed25519 over its canonical text
CREATE TABLE cluster_signatures (
	id BIGSERIAL PRIMARY KEY,
	cluster_year_id BIGINT NOT NULL REFERENCES cluster_years(id),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	user_id BIGINT NOT NULL REFERENCES users(id),
	signer_name TEXT NOT NULL,
	key_id TEXT NOT NULL,
	payload TEXT NOT NULL,
	signature TEXT NOT NULL,
	signed_at TEXT NOT NULL,
	UNIQUE (cluster_year_id, unit_id)
);
