-- Task monitoring, issue 12 continued.
--
-- Reopening an accepted task: the assigning office withdraws an acceptance
-- with a reason. The task was done from accepted_on to the day before
-- reopened_on and is not done from reopened_on on; each reopening keeps
-- the acceptance it withdrew, so the status on a past date still finds it.
-- tasks.reopened_on is the date of the latest reopening: a status on a
-- date on or after it needs no look into task_reopenings (as extended_on).
ALTER TABLE tasks ADD COLUMN reopened_on TEXT;

CREATE TABLE task_reopenings (
	id INTEGER PRIMARY KEY,
	task_id INTEGER NOT NULL REFERENCES tasks(id),
	done_on TEXT NOT NULL,              -- the withdrawn acceptance's completion date
	accepted_on TEXT NOT NULL,          -- and the day it was accepted
	reopened_on TEXT NOT NULL,
	reason TEXT NOT NULL,
	created_by INTEGER REFERENCES users(id),
	created_at TEXT NOT NULL,
	CHECK (reopened_on >= accepted_on)
);
CREATE INDEX task_reopenings_task ON task_reopenings (task_id, reopened_on, id);

-- the status counts of a programme read this index alone (tasks_status.c)
DROP INDEX tasks_status;
CREATE INDEX tasks_status ON tasks (programme_id, assigned_on, accepted_on, done_on, due_on, extended_on, reopened_on, lead_id);

-- A user's e-mail address (optional): the reminders of a unit go to the
-- users who report on its tasks (src/tasks/remind.c).
ALTER TABLE users ADD COLUMN email TEXT;
