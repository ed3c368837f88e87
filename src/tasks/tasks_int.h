/* What the files of src/tasks/ share and nobody else uses. */
#ifndef THIDUA_TASKS_INT_H
#define THIDUA_TASKS_INT_H
#include "tasks.h"

struct stmt;
struct req;

/* ?unit=CODE (or a page's picker, ?unit_id=ID): the lead units' subtree into
** q (its code, its id when unit_id is not NULL); 0, or -1 after answering 404 */
int tasks_unit_param(struct req *r, struct task_query *q, const char **code, int64_t *unit_id);

/* a task row with its programme, parent and units (tasks_read_row reads it) */
#define TASK_COLS                                                                                                                   \
	"t.id, t.programme_id, p.code, COALESCE(t.parent_id, 0), pt.code, t.code, t.title, t.source_doc, t.source_article, t.product, " \
	"t.assigner_id, au.code, au.name, au.path, t.lead_id, lu.code, lu.name, lu.path, t.assigned_on, t.due_original, t.due_on, "    \
	"t.extended_on, t.percent, t.state, t.done_on, t.accepted_on, t.version, t.created_at, "                                      \
	"(SELECT count(*) FROM tasks c WHERE c.parent_id = t.id), t.reopened_on"
#define TASK_FROM                                                                                                                   \
	" FROM tasks t JOIN task_programmes p ON p.id = t.programme_id JOIN units au ON au.id = t.assigner_id "                      \
	"JOIN units lu ON lu.id = t.lead_id LEFT JOIN tasks pt ON pt.id = t.parent_id"

void tasks_read_row(struct stmt *st, struct arena *a, struct task *t);
/* the status of t on as_of from its id, assigned_on, due_on, extended_on,
** done_on, accepted_on and reopened_on alone (task_extensions and
** task_reopenings read only for a change after as_of); the deadline and the
** completion date in force then into *due_out, *done_out (may be NULL) */
enum task_status tasks_status_only(struct db *db, struct arena *a, const struct task *t, const char *as_of, const char **due_out,
				   const char **done_out);
/* t->status, due_at, days_late as of as_of (kept in t: as_of must outlive it) */
void tasks_status_at(struct db *db, struct arena *a, struct task *t, const char *as_of);

#endif
