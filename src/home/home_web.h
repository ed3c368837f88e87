/* home_web: the home page (home_web.c) and what its template
** (templates/home.html) sees. */
#ifndef THIDUA_HOME_WEB_H
#define THIDUA_HOME_WEB_H
#include "../web/tmpl_types.h"
#include "../movements/movements.h"
#include "../tasks/tasks.h"
#include "home.h"

void page_home(struct req *r);

/* "in 3 days", "today", "2 days ago" for a date against today */
void tmpl_days_left(struct buf *o, struct req *r, const char *today, const char *iso);

#endif
