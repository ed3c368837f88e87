-- The unit whose storage quota an attachment counts against (serve
-- --unit-quota): a model's unit, a movement's authority, a task's (or its
-- report's) lead unit, a scorecard's scorer. files_attach() writes it and
-- checks the quota with it, whatever the kind of record, so one sum
-- (files_unit_storage) is every upload of a unit. NULL: no unit's quota.
ALTER TABLE attachments ADD COLUMN unit_id BIGINT REFERENCES units(id);
UPDATE attachments SET unit_id = (SELECT m.unit_id FROM models m WHERE m.id = attachments.entity_id) WHERE entity = 'model';
UPDATE attachments SET unit_id = (SELECT m.authority_id FROM movements m WHERE m.id = attachments.entity_id) WHERE entity = 'movement';
UPDATE attachments SET unit_id = (SELECT t.lead_id FROM tasks t WHERE t.id = attachments.entity_id) WHERE entity = 'task';
UPDATE attachments SET unit_id = (SELECT t.lead_id FROM task_reports r JOIN tasks t ON t.id = r.task_id WHERE r.id = attachments.entity_id)
	WHERE entity = 'task_report';
UPDATE attachments SET unit_id = (SELECT c.scorer_id FROM cluster_scorecards c WHERE c.id = attachments.entity_id) WHERE entity = 'scorecard';
CREATE INDEX attachments_unit ON attachments (unit_id, active);
