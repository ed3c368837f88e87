/* The home page: GET /, per role, what concerns the reader. The figures
** come from home.c; this file only picks the scopes and renders. */
#include <string.h>

#include "../base/util.h"
#include "../tasks/tasks_web.h"
#include "../units/units_web.h"
#include "tmpl_home.h"
#include "../web/roles.h"

static void home_scope_of(struct req *r, enum perm perm, struct home_scope *s)
{
	s->n = units_scope_ranges(r, perm, s->lo, HOME_MAX_RANGES);
}

/* GET /: per role, what concerns the reader (src/home/home.c) */
void page_home(struct req *r)
{
	struct home h;
	memset(&h, 0, sizeof h);
	char today[11];
	today_iso(today);
	h.today = today;
	int admin = role_can_any(r->user, PERM_ADMIN);
	int officer = role_can_any(r->user, PERM_MOVEMENT_MANAGE);
	int reporter = !officer && role_can_any(r->user, PERM_MOVEMENT_REPORT);
	struct home_scope read, act;
	home_scope_of(r, PERM_READ, &read);
	int rc = home_common(r->db, &r->a, &read, &h);
	if (rc == E_OK && admin) rc = home_admin(r->db, db_path(r->db), &h);
	if (rc == E_OK) home_storage(r->db, r->user, &h);
	if (rc == E_OK && officer) {
		home_scope_of(r, PERM_MOVEMENT_MANAGE, &act);
		rc = home_officer(r->db, &r->a, &act, &h);
	}
	if (rc == E_OK && reporter) {
		home_scope_of(r, PERM_MOVEMENT_REPORT, &act);
		rc = home_reporter(r->db, &r->a, &act, &h);
	}
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	page_begin(r, _("Home"), "home");
	/* the completions returned to the reader's units come first: work to redo (tasks_web.c) */
	struct buf first;
	buf_init(&first);
	tasks_home_returned(&first, r);
	tmpl_home(&r->out, r, &h, admin, officer, reporter, buf_cstr(&first));
	buf_free(&first);
	tasks_home_section(&r->out, r);   /* issue 12: the tasks the reader's units lead */
	page_end(r);
}

/* "in 3 days", "today", "2 days ago" for a date against today */
void tmpl_days_left(struct buf *o, struct req *r, const char *today, const char *iso)
{
	int d = home_days_between(today, iso);
	if (d == 0) buf_html(o, _("today"));
	else if (d == 1) buf_html(o, _("tomorrow"));
	else if (d > 1) buf_printf(o, _("in %d days"), d);
	else buf_printf(o, _("%d days ago"), -d);
}
