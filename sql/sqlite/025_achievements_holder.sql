-- The eligibility scan by holder (src/commendation/eligibility.c,
-- scan_by_holder): a person's records carry the unit whose subtree scans
-- count that person — the person's unit while the person is active, NULL
-- otherwise and for a collective's records. The index then gives the
-- records of a subtree's people unit by unit (one seek per unit, in the
-- units' path order) instead of one seek per person into records spread
-- over the whole table. The triggers keep the column true whoever writes:
-- a record added or given to another person, a person moved to another
-- unit, made inactive or active again.
ALTER TABLE achievements ADD COLUMN holder_unit_id INTEGER;
UPDATE achievements SET holder_unit_id = (SELECT p.unit_id FROM people p WHERE p.id = achievements.person_id AND p.active = 1)
 WHERE person_id IS NOT NULL;
CREATE INDEX achievements_holder ON achievements (holder_unit_id, year, kind, value, person_id);
CREATE TRIGGER achievements_holder_insert AFTER INSERT ON achievements
 WHEN NEW.holder_unit_id IS NOT (SELECT p.unit_id FROM people p WHERE p.id = NEW.person_id AND p.active = 1)
BEGIN
	UPDATE achievements SET holder_unit_id = (SELECT p.unit_id FROM people p WHERE p.id = NEW.person_id AND p.active = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER achievements_holder_update AFTER UPDATE OF person_id, holder_unit_id ON achievements
 WHEN NEW.holder_unit_id IS NOT (SELECT p.unit_id FROM people p WHERE p.id = NEW.person_id AND p.active = 1)
BEGIN
	UPDATE achievements SET holder_unit_id = (SELECT p.unit_id FROM people p WHERE p.id = NEW.person_id AND p.active = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER people_holder AFTER UPDATE OF unit_id, active ON people
 WHEN OLD.unit_id IS NOT NEW.unit_id OR OLD.active IS NOT NEW.active
BEGIN
	UPDATE achievements SET holder_unit_id = CASE WHEN NEW.active = 1 THEN NEW.unit_id END WHERE person_id = NEW.id;
END;
