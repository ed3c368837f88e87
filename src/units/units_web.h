/* units_web: the organisation tree's routes (units_web.c) and what its
** templates (templates/units.html) see. Included by routes.c and by the
** generated build/gen/tmpl_units.h. */
#ifndef THIDUA_UNITS_WEB_H
#define THIDUA_UNITS_WEB_H
#include "../web/tmpl_types.h"
#include "../picker/picker.h"
#include "units.h"
#include "../web/roles.h"

/* handlers */
/* units_web.c */
void api_unit_create(struct req *r);
void api_unit_get(struct req *r);
void api_unit_kinds(struct req *r);
void api_unit_update(struct req *r);
void api_units_list(struct req *r);
void page_export_units(struct req *r);
void page_unit(struct req *r);
void page_unit_create(struct req *r);
void page_unit_new(struct req *r);
void page_unit_post(struct req *r);
void page_units(struct req *r);

/* the subtrees where the user holds perm, for list queries */
int units_scope_ranges(struct req *r, enum perm perm, const char **lo, int max);
/* units_root_count, kept per worker for an unchanged database (memo_get) */
int64_t units_root_count_memo(struct req *r);

/* template helpers */
const char *unit_kind_name(struct req *r, const char *code);
struct kind_opt *unit_kinds_load(struct req *r, int *n);
int unit_may_root(struct req *r);
const struct pick_item *unit_pick_item(struct req *r, const struct unit *u);

#endif
