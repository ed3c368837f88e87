-- A decided proposal shows each nominee's eligibility as recorded at its last
-- step, in the reader's language: the answer is kept in Vietnamese
-- (verdict_json), English and Hindi. Rows checked before this migration have
-- only the Vietnamese one, which the other languages fall back to.
ALTER TABLE proposal_nominees ADD COLUMN verdict_json_en TEXT;
ALTER TABLE proposal_nominees ADD COLUMN verdict_json_hi TEXT;
