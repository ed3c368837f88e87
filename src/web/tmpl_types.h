/* What every compiled template sees: the request and the helpers that
** format values inside a page. A feature's templates see its own structs
** through <feature>_web.h, which includes this; the web layer's own pages
** (layout, login) include this alone. Nothing here names a feature. */
#ifndef THIDUA_TMPL_TYPES_H
#define THIDUA_TMPL_TYPES_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/files.h"
#include "roles.h"
#include "web.h"

struct kind_opt {
	const char *code;
	const char *name;
};

/* a form's error summary (tmpl_form_summary): the field of an error, the
** label said before its message (translated), the id of the box it links to */
struct err_link {
	const char *field, *label, *target;
};

struct history_row {
	const char *at, *login, *action;
};

/* the text of a field as the user typed it, or as stored */
#define TYPED(typed, field, stored) ((typed) && (typed)->field ? (typed)->field : (stored))
/* the translated field error, or NULL */
#define FERR(fe, name) (fe_get((fe), (name)) ? _(fe_get((fe), (name))) : NULL)

void tmpl_pager(struct buf *o, struct req *r, int64_t total, int capped, int64_t limit, int64_t offset);
void tmpl_num(struct buf *o, struct req *r, int64_t v);
void tmpl_date(struct buf *o, struct req *r, const char *iso);
void tmpl_datetime(struct buf *o, struct req *r, const char *iso);
void tmpl_bytes(struct buf *o, struct req *r, int64_t bytes);
/* a measured value in the reader's number format as a text of the request's arena
** ("1.500,5"): a form box's value, read back by the same format */
const char *number_text(struct req *r, double v);

/* the shared building blocks of every page (templates/layout.html) */
#include "tmpl_layout.h"

#endif
