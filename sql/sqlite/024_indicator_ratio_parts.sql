-- What a ratio's numerator and denominator count (issue 13), in the three
-- languages: the data-entry form names its two inputs with them
-- ("households with clean water" / "rural households"). Empty: not said.
ALTER TABLE indicators ADD COLUMN numerator_vi TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN numerator_en TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN numerator_hi TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN denominator_vi TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN denominator_en TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN denominator_hi TEXT NOT NULL DEFAULT '';
