/* tasks_web: the routes of task monitoring (tasks_web.c, tasks_io.c) and
** what their templates (templates/tasks.html) see. Included by routes.c
** and by the generated build/gen/tmpl_tasks.h. */
#ifndef THIDUA_TASKS_WEB_H
#define THIDUA_TASKS_WEB_H
#include "../picker/picker.h"
#include "../web/tmpl_types.h"
#include "tasks.h"

/* API */
void api_programmes_list(struct req *r);
void api_programme_create(struct req *r);
void api_programme_get(struct req *r);
void api_programme_status(struct req *r);
void api_programme_dashboard(struct req *r);
void api_tasks_list(struct req *r);
void api_task_create(struct req *r);
void api_task_get(struct req *r);
void api_task_progress(struct req *r);
void api_task_completion(struct req *r);
void api_task_review(struct req *r);
void api_task_extension(struct req *r);
void api_task_reopen(struct req *r);
void api_task_update(struct req *r);
void api_task_files_list(struct req *r);
void api_task_file_create(struct req *r);
/* downloads, the same for the API and the pages (tasks_io.c) */
void programme_export_download(struct req *r);
void programme_report_download(struct req *r);
void api_programme_import(struct req *r);
void page_programme_import(struct req *r);
void programme_progress_template(struct req *r);
void api_programme_progress_import(struct req *r);
void page_programme_progress_import(struct req *r);
/* pages */
void page_programmes(struct req *r);
void page_programme_create(struct req *r);
void page_programme(struct req *r);
void page_programme_task_create(struct req *r);
void page_task(struct req *r);
void page_tasks_returned(struct req *r);
void page_task_progress(struct req *r);
void page_task_completion(struct req *r);
void page_task_review(struct req *r);
void page_task_extension(struct req *r);
void page_task_reopen(struct req *r);
void page_task_edit(struct req *r);
/* who may download a task's evidence (routes.c's attachment_readers) */
int tasks_attachment_readable(struct req *r, const char *entity, int64_t entity_id);

/* the home page's first section: the tasks the reader's units lead whose
** completion the assigning office returned, every lead unit's for a reader
** over the whole tree (none: nothing) */
void tasks_home_returned(struct buf *o, struct req *r);
/* the home page's section: the tasks the reader's units lead that are
** overdue or due within TASKS_REMIND_DAYS (home_web.c); for a reader who
** reports on none (a viewer), the tasks led in the units they read */
void tasks_home_section(struct buf *o, struct req *r);

/* template helpers */
void tmpl_home_task_tile(struct buf *o, struct req *r, const char *id, int64_t n, const char *href, const char *label);
/* the status's words in the request's language */
const char *task_status_label(struct req *r, enum task_status s);
const char *task_state_label(struct req *r, const char *state);
/* the dashboard's charts: "status", "units", "quarters" (strings in r's arena) */
struct chart;
void task_chart(struct req *r, const struct task_dashboard *d, const char *which, struct chart *c);
/* the same as inline SVG */
void tmpl_task_chart(struct buf *o, struct req *r, const struct task_dashboard *d, const char *which);
/* a change between two counts: "+12" / "−3" / "±0" */
void tmpl_delta(struct buf *o, struct req *r, int64_t now, int64_t before);

/* lead units listed in the programme page's table (the most overdue first) */
#define TASK_PAGE_UNITS 50

/* what the programme page shows */
struct programme_view {
	const struct programme *p;
	const char *as_of;
	const char *as_of_typed;       /* ?as_of= as typed when it is not a date (the page shows today), or NULL */
	const char *q;                 /* the list's search words as typed, or NULL */
	const char *unit_code;         /* the subtree asked, or NULL */
	int64_t unit_id;               /* its id (the picker's value), or 0 */
	int64_t parent;                /* the assign form's parent task (picker), or 0 */
	const char *compare;           /* the date compared with, as asked (NULL: the previous quarter's end) */
	const char *task_at;           /* "?as_of=DATE" for the links to the tasks when the date is not today, else NULL */
	const char *compare_typed;     /* ?compare= as typed when it is not a date (the page compares with the previous quarter's end), or NULL */
	struct task_dashboard *d;
	struct task *overdue;          /* the overdue list, most late first */
	int noverdue;
	int64_t overdue_total;
	struct task *soon;             /* due within `days` */
	int nsoon;
	int days;
	struct task *tasks;            /* the list (a page of it) */
	int ntasks;
	int64_t total, limit, offset;
	const char *status;            /* the list's status filter */
	int can_assign;
};

/* the evidence files of a task and its reports */
struct task_files {
	struct attachment *items;
	int n;
};

#endif
