/* What the compiled templates see: the request, the feature structs and
** the helpers that format values inside a page. */
#ifndef THIDUA_TMPL_TYPES_H
#define THIDUA_TMPL_TYPES_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../people/people.h"
#include "../units/units.h"
#include "../movements/movements.h"
#include "../home/home.h"
#include "../base/files.h"
#include "../base/jobs.h"
#include "web.h"
#include "picker.h"

struct kind_opt {
	const char *code;
	const char *name;
};

/* jobs_web.c: a job's counts read from its result */
struct job_counts {
	int64_t lines, inserted, updated, unchanged, rejected;
};
const char *job_kind_label(const char *kind);

struct history_row {
	const char *at, *login, *action;
};

/* the text of a field as the user typed it, or as stored */
#define TYPED(typed, field, stored) ((typed) && (typed)->field ? (typed)->field : (stored))
/* the translated field error, or NULL */
#define FERR(fe, name) (fe_get((fe), (name)) ? _(fe_get((fe), (name))) : NULL)

/* units_web.c */
const char *unit_kind_name(struct req *r, const char *code);
struct kind_opt *unit_kinds_load(struct req *r, int *n);
int unit_may_root(struct req *r);

void tmpl_pager(struct buf *o, struct req *r, int64_t total, int capped, int64_t limit, int64_t offset);
void tmpl_num(struct buf *o, struct req *r, int64_t v);
void tmpl_date(struct buf *o, struct req *r, const char *iso);
void tmpl_datetime(struct buf *o, struct req *r, const char *iso);
/* pages.c: the home page */
void tmpl_days_left(struct buf *o, struct req *r, const char *today, const char *iso);
void tmpl_bytes(struct buf *o, struct req *r, int64_t bytes);

/* movements_web.c */
const char *mv_field_name(struct req *r, const char *code);
const struct metric *mv_metric_by_id(const struct movement *m, int64_t id);
void tmpl_value(struct buf *o, struct req *r, double v);
void tmpl_raw_chart(struct buf *o, struct req *r, const struct dashboard *d, const char *which);
void tmpl_public_results(struct buf *o, struct req *r, const struct model *d);
void tmpl_movement_parent_select(struct buf *o, struct req *r, const struct movement *m, int64_t selected, const char *error);

#endif
