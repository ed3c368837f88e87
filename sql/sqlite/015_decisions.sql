-- Award decisions (quyết định khen thưởng) issued in thidua: the decision,
-- its nominees with the money and the signed certificate of each, and the
-- Ed25519 signing keys of the authorities (docs/ARCHITECTURE.md, "The
-- signing scheme"). Dates are 'YYYY-MM-DD' text, instants ISO-8601 UTC text.

-- An authority's key pair, made the first time it signs. The secret half
-- is kept only encrypted under the master key, which is not in the
-- database: a dump alone cannot sign.
CREATE TABLE signing_keys (
	id INTEGER PRIMARY KEY,
	unit_id INTEGER NOT NULL REFERENCES units(id),
	key_id TEXT NOT NULL UNIQUE,        -- the first 16 hex digits of SHA-256(public key)
	public_key TEXT NOT NULL,           -- 32 bytes, base64
	secret_box TEXT NOT NULL,           -- base64: nonce (24) || XChaCha20-Poly1305(seed, AD = key_id)
	created_at TEXT NOT NULL
);
CREATE INDEX signing_keys_unit ON signing_keys (unit_id, id);

CREATE TABLE decisions (
	id INTEGER PRIMARY KEY,
	authority_id INTEGER NOT NULL REFERENCES units(id),
	authority_name TEXT NOT NULL,       -- who issues it, as printed ('Ủy ban nhân dân tỉnh Sơn La')
	number TEXT NOT NULL,               -- '1234/QĐ-UBND', unique per authority
	decided_on TEXT NOT NULL,
	year INTEGER NOT NULL CHECK (year BETWEEN 1945 AND 2200),   -- the year of the achievements commended
	signer_name TEXT NOT NULL,
	signer_title TEXT NOT NULL,         -- 'Chủ tịch', 'KT. Chủ tịch – Phó Chủ tịch'
	place TEXT,                         -- of the date line: 'Sơn La, ngày ...'
	citation TEXT,                      -- 'đã có thành tích xuất sắc trong ...', printed on every certificate
	proposal_id INTEGER REFERENCES proposals(id),
	movement_id INTEGER REFERENCES movements(id),
	total_vnd INTEGER NOT NULL DEFAULT 0,
	unpriced INTEGER NOT NULL DEFAULT 0,     -- nominees whose award has no loaded multiple
	status TEXT NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'revoked')),
	revoked_at TEXT,
	revoked_by INTEGER REFERENCES users(id),
	revoke_reason TEXT,
	version INTEGER NOT NULL DEFAULT 1,
	created_by INTEGER REFERENCES users(id),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (authority_id, number)
);
CREATE INDEX decisions_date ON decisions (decided_on, id);
CREATE INDEX decisions_proposal ON decisions (proposal_id);

-- Who is commended, for what, with how much, and the certificate: the
-- recipient's and the award's names as the decision gave them (a later
-- rename of the unit does not change what was awarded), the signed payload
-- and its signature. achievement_id: the award record the decision made
-- (achievements.decision_id); NULL once the decision is revoked.
CREATE TABLE decision_nominees (
	id INTEGER PRIMARY KEY,
	decision_id INTEGER NOT NULL REFERENCES decisions(id),
	position INTEGER NOT NULL,
	person_id INTEGER REFERENCES people(id),
	unit_id INTEGER REFERENCES units(id),
	recipient_code TEXT NOT NULL,
	recipient_name TEXT NOT NULL,
	recipient_detail TEXT,              -- a person's position and unit, as printed
	award_code TEXT NOT NULL REFERENCES awards(code),
	award_name TEXT NOT NULL,
	bonus_vnd INTEGER,                  -- NULL: the award's multiple is not loaded
	achievement_id INTEGER,
	cert_code TEXT NOT NULL UNIQUE,     -- 20 base32 characters, random
	payload TEXT NOT NULL,              -- the canonical text that was signed
	signature TEXT NOT NULL,            -- Ed25519, base64
	key_id TEXT NOT NULL REFERENCES signing_keys(key_id),
	CHECK ((person_id IS NULL) <> (unit_id IS NULL)),
	UNIQUE (decision_id, position)
);
CREATE INDEX decision_nominees_person ON decision_nominees (person_id);
CREATE INDEX decision_nominees_unit ON decision_nominees (unit_id);
