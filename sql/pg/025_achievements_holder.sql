-- The eligibility scan by holder (src/commendation/eligibility.c,
-- scan_by_holder): a person's records carry the unit whose subtree scans
-- count that person — the person's unit while the person is active, NULL
-- otherwise and for a collective's records. The index then gives the
-- records of a subtree's people unit by unit (one seek per unit, in the
-- units' path order) instead of one seek per person into records spread
-- over the whole table. The triggers keep the column true whoever writes:
-- a record added or given to another person, a person moved to another
-- unit, made inactive or active again.
ALTER TABLE achievements ADD COLUMN holder_unit_id BIGINT;
UPDATE achievements a SET holder_unit_id = p.unit_id FROM people p WHERE p.id = a.person_id AND p.active = 1;
CREATE INDEX achievements_holder ON achievements (holder_unit_id, year, kind, value, person_id);
CREATE FUNCTION achievements_holder() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.holder_unit_id := (SELECT p.unit_id FROM people p WHERE p.id = NEW.person_id AND p.active = 1);
	RETURN NEW;
END $$;
CREATE TRIGGER achievements_holder BEFORE INSERT OR UPDATE OF person_id, holder_unit_id ON achievements
 FOR EACH ROW EXECUTE FUNCTION achievements_holder();
CREATE FUNCTION people_holder() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE achievements SET holder_unit_id = CASE WHEN NEW.active = 1 THEN NEW.unit_id END WHERE person_id = NEW.id;
	RETURN NULL;
END $$;
CREATE TRIGGER people_holder AFTER UPDATE OF unit_id, active ON people
 FOR EACH ROW WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.active IS DISTINCT FROM NEW.active)
 EXECUTE FUNCTION people_holder();
