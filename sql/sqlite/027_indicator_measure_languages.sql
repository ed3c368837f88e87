-- An indicator's unit of measure in English and Hindi ("người": persons,
-- व्यक्ति): `measure` stays the Vietnamese one and is what a language without
-- its own shows. Empty: not said.
ALTER TABLE indicators ADD COLUMN measure_en TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN measure_hi TEXT NOT NULL DEFAULT '';
