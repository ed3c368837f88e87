/* Users on the web: the administrators' pages /users (list, new user, a
** user's page: profile, roles, password reset, disable) and /account, where
** everyone changes their own password, name and e-mail.
**
** Scope: an administrator's role covers its unit's subtree. A user is shown
** to an administrator when one of the user's roles lies in the subtrees the
** administrator administers, and managed (name, e-mail, password, disable)
** only when every role does: an administrator of a province cannot reset
** the password of a central officer who also holds a role in the province.
** A role is granted or revoked only on a unit inside those subtrees. */
#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../base/audit.h"
#include "../base/i18n.h"
#include "../base/fold.h"
#include "../base/util.h"
#include "../units/units.h"
#include "../units/units_web.h"
#include "../web/roles.h"
#include "../web/web.h"
#include "tmpl_users.h"
#include "users_web.h"

static const char *const role_codes[] = { "admin", "officer", "reporter", "council", "viewer", NULL };

const char *user_role_label(struct req *r, const char *role) { return role_parse(role) ? _(role_name(role_parse(role))) : role; }

/* what an audit entry of a user did, in the reader's language */
const char *user_action_label(struct req *r, const char *action)
{
	static const char *const codes[] = { "create", "update", "passwd", "grant", "revoke", "disable", "enable", "email", NULL };
	static const char *const words[] = { N_("account created"), N_("name or e-mail changed"), N_("password changed"), N_("role granted"),
					     N_("role revoked"), N_("account disabled"), N_("account enabled"), N_("e-mail changed") };
	for (int i = 0; codes[i]; i++)
		if (!strcmp(action, codes[i])) return _(words[i]);
	return action;
}

static int administers(struct req *r, const char *path) { return path && role_can(r->user, PERM_ADMIN, path); }

/* the subtrees the reader administers; -1: the whole tree */
static void admin_ranges(struct req *r, struct users_query *q)
{
	q->nranges = 0;
	for (int i = 0; i < r->user->ngrants && q->nranges < USERS_MAX_RANGES; i++) {
		const struct grant *g = &r->user->grants[i];
		if (!role_can(r->user, PERM_ADMIN, g->unit_path)) continue;
		if (g->unit_depth == 0 && units_root_count_memo(r) == 1) { q->nranges = -1; return; }
		q->range_lo[q->nranges++] = g->unit_path;
	}
}

static int can_see(struct req *r, const struct user_row *u)
{
	for (int i = 0; i < u->ngrants; i++)
		if (administers(r, u->grants[i].unit_path)) return 1;
	return 0;
}

static int can_manage(struct req *r, const struct user_row *u)
{
	for (int i = 0; i < u->ngrants; i++)
		if (!administers(r, u->grants[i].unit_path)) return 0;
	return u->ngrants > 0;
}

/* the user of /users/{id} when the reader may see them; else replies (404, 403) and gives NULL */
static struct user_row *load(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return NULL;
	struct user_row *u;
	int rc = users_get(r->db, &r->a, id, &u);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return NULL; }
	if (!can_see(r, u)) { reply_forbidden(r, N_("This user holds no role in the units you administer")); return NULL; }
	return u;
}

/* ---- the list ---- */

/* the list, the page's and the API's: its parameters (q, role, under,
** active, limit, offset) within the units the reader administers, then the
** users; 0, or -1 when a parameter was refused or the read failed (answered) */
static int users_read_list(struct req *r, struct users_query *q, struct user_row **items, int *n, int64_t *total)
{
	memset(q, 0, sizeof *q);
	q->q = req_query(r, "q");
	q->role = query_choice(r, "role", role_codes);
	q->under = query_int(r, "under", 0, 0, INT64_MAX);
	static const char *const actives[] = { "true", "all", "false", NULL };
	const char *act = query_choice(r, "active", actives);
	q->inactive = act && !strcmp(act, "all") ? 1 : act && !strcmp(act, "false") ? 2 : 0;
	q->limit = query_int(r, "limit", 50, 1, 500);
	q->offset = query_int(r, "offset", 0, 0, INT64_MAX);
	if (query_bad(r)) return -1;
	admin_ranges(r, q);
	*items = NULL;
	*n = 0;
	*total = 0;
	int rc = users_list(r->db, &r->a, q, items, n, total);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return -1; }
	return 0;
}

/* a user as the API gives it: never a password or its hash */
static void user_json(struct jw *w, const struct user_row *u)
{
	jw_obj(w);
	jw_kint(w, "id", u->id);
	jw_kstr(w, "login", u->login);
	jw_kstr(w, "full_name", u->full_name);
	jw_key(w, "email");
	if (u->email && *u->email) jw_str(w, u->email); else jw_null(w);
	jw_kbool(w, "active", u->active);
	jw_key(w, "roles");
	jw_arr(w);
	for (int i = 0; i < u->ngrants; i++) {
		jw_obj(w);
		jw_kstr(w, "role", u->grants[i].role);
		jw_kint(w, "unit_id", u->grants[i].unit_id);
		jw_kstr(w, "unit_code", u->grants[i].unit_code);
		jw_kstr(w, "unit_name", u->grants[i].unit_name);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kint(w, "version", u->version);
	jw_kstr(w, "created_at", u->created_at);
	jw_kstr(w, "updated_at", u->updated_at);
	jw_obj_end(w);
}

/* GET /api/v1/users: the users of the units the reader administers, as /users lists them */
void api_users_list(struct req *r)
{
	struct users_query q;
	struct user_row *items;
	int n;
	int64_t total;
	if (users_read_list(r, &q, &items, &n, &total) != 0) return;
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) user_json(&w, &items[i]);
	reply_list_end(&w, total, q.limit, q.offset);
}

/* GET /api/v1/users/{id}: one user the reader may see (a role in their units) */
void api_user_get(struct req *r)
{
	struct user_row *u = load(r);
	if (!u) return;
	struct jw w;
	jw_init(&w, &r->out);
	user_json(&w, u);
	reply_json(r, 200);
}

void page_users(struct req *r)
{
	struct users_query q;
	struct user_row *items;
	int n;
	int64_t total;
	if (users_read_list(r, &q, &items, &n, &total) != 0) return;
	struct unit *under = NULL;
	if (q.under) units_get(r->db, &r->a, q.under, &under);
	page_begin(r, _("Users"), "users");
	tmpl_users_index(&r->out, r, &q, under, items, n, total);
	page_end(r);
}

/* ---- a new user ---- */

static void show_new(struct req *r, const struct user_new *typed, const struct field_errors *fe)
{
	if (fe && fe->n) r->status = 422;
	int64_t unit = typed ? typed->unit_id : query_int(r, "unit", 0, 0, INT64_MAX);
	page_begin(r, _("New user"), "users");
	tmpl_user_new(&r->out, r, typed, unit, fe);
	page_end(r);
}

void page_user_new(struct req *r) { show_new(r, NULL, NULL); }

static void show_user(struct req *r, const struct user_row *u, const char *password, const struct user_new *typed, const struct field_errors *fe);

/* the fields of the user forms, read by input_read (trimmed, one line,
** without control characters); the domain checks what they must hold */
enum { UF_LOGIN, UF_NAME, UF_EMAIL, UF_ROLE, UF_UNIT, UF_N };
static const struct field_spec user_fields[UF_N + 1] = {
	[UF_LOGIN] = { "login", F_TEXT, 0, USERS_LOGIN_MAX, 0, 0, NULL },
	[UF_NAME] = { "full_name", F_TEXT, 0, 200, 0, 0, NULL },
	[UF_EMAIL] = { "email", F_TEXT, 0, USERS_EMAIL_MAX, 0, 0, NULL },
	[UF_ROLE] = { "role", F_TEXT, 0, 16, 0, 0, NULL },
	[UF_UNIT] = { "unit_id", F_INT, 0, 0, 1, INT64_MAX, NULL },
};

static void read_user_form(struct req *r, struct user_new *out, struct field_errors *fe)
{
	struct input in;
	input_read(r, user_fields, &in, fe, 1);
	memset(out, 0, sizeof *out);
	out->login = in.s[UF_LOGIN];
	out->full_name = in.s[UF_NAME];
	out->email = in.s[UF_EMAIL];
	out->role = in.s[UF_ROLE];
	out->unit_id = in.present[UF_UNIT] ? in.i[UF_UNIT] : 0;
}

/* the unit of a form's unit_id when the reader administers it; else the
** field's error and NULL */
static struct unit *admin_unit(struct req *r, int64_t id, struct field_errors *fe)
{
	struct unit *u;
	if (units_get(r->db, &r->a, id, &u) != E_OK) { fe_add(fe, "unit_id", N_("No such unit")); return NULL; }
	if (!administers(r, u->path)) { fe_add(fe, "unit_id", N_("Outside the units you administer")); return NULL; }
	return u;
}

void page_user_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct user_new in;
	read_user_form(r, &in, &fe);
	/* the unit picker searched: the form again as typed (never the password), nothing added */
	if (pick_step(r)) { show_new(r, &in, NULL); return; }
	if (in.unit_id > 0) admin_unit(r, in.unit_id, &fe);
	/* no password typed: one is made, shown once */
	const char *typed = req_form(r, "password");
	char gen[15] = "";
	if (!typed || !*typed) users_gen_password(gen, sizeof gen, in.login ? in.login : "");
	in.password = *gen ? gen : typed;
	int64_t id = 0;
	/* the domain adds its errors to the form's and writes nothing when there are any: every field at fault at once */
	int rc = users_add(r->db, r->user, &in, &fe, &id);
	if (rc == E_INVALID) {
		in.password = NULL;
		show_new(r, &in, &fe);
		return;
	}
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	if (!*gen) {
		flash_set(r, N_("The user was added"));
		reply_redirect(r, arena_printf(&r->a, "/users/%lld", (long long)id));
		return;
	}
	/* the password made here is shown on this answer only: never in a link or a cookie */
	struct user_row *u;
	if (users_get(r->db, &r->a, id, &u) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	show_user(r, u, arena_strdup(&r->a, gen), NULL, NULL);
	sodium_memzero(gen, sizeof gen);
}

/* ---- a user's page ---- */

static void show_user(struct req *r, const struct user_row *u, const char *password, const struct user_new *typed, const struct field_errors *fe)
{
	struct user_view v = { .u = u, .manage = can_manage(r, u), .self = u->id == r->user->id, .password = password };
	for (int i = 0; i < u->ngrants; i++) v.grant_ok[i] = administers(r, u->grants[i].unit_path);
	struct history_row *hist = arena_alloc(&r->a, sizeof *hist * 20);
	struct stmt *st = db_query(r->db, "SELECT at, login, user_id IS NOT NULL, action FROM audit_log "
				   "WHERE entity = 'user' AND entity_id = $1 ORDER BY id DESC LIMIT 20", "i", u->id);
	while (st && db_step(st) == DB_ROW && v.nhist < 20) {
		hist[v.nhist].at = arena_strdup(&r->a, db_text(st, 0));
		hist[v.nhist].login = arena_strdup(&r->a, auth_display_actor(&r->a, r->lang, db_text(st, 1), (int)db_int(st, 2)));
		hist[v.nhist].action = arena_strdup(&r->a, db_text(st, 3));
		v.nhist++;
	}
	db_done(st);
	v.hist = hist;
	if (fe && fe->n && r->status < 400) r->status = 422;
	page_begin(r, u->full_name, "users");
	tmpl_user_page(&r->out, r, &v, typed, fe);
	page_end(r);
}

void page_user(struct req *r)
{
	struct user_row *u = load(r);
	if (u) show_user(r, u, NULL, NULL, NULL);
}

static void again(struct req *r, int64_t id, const char *msgid)
{
	flash_set(r, msgid);
	reply_redirect(r, arena_printf(&r->a, "/users/%lld", (long long)id));
}

/* POST /users/{id}: action = profile, grant, revoke, password, disable, enable */
void page_user_post(struct req *r)
{
	struct user_row *u = load(r);
	if (!u) return;
	const char *action = req_form(r, "action");
	struct field_errors fe = { 0 };
	char err[200] = "";
	int rc;
	if (action && (!strcmp(action, "grant") || !strcmp(action, "revoke"))) {
		/* the grant form's unit picker searched: the page again with the role chosen, nothing granted */
		if (pick_step(r)) { show_user(r, u, NULL, NULL, NULL); return; }
		struct user_new g;
		read_user_form(r, &g, &fe);
		if (!g.role || !role_parse(g.role)) fe_add(&fe, "role", N_("Choose a role"));
		struct unit *unit = NULL;
		if (g.unit_id <= 0) {
			if (!fe_get(&fe, "unit_id")) fe_add(&fe, "unit_id", N_("Is required"));
		} else unit = admin_unit(r, g.unit_id, &fe);
		if (fe.n) { show_user(r, u, NULL, NULL, &fe); return; }
		const char *role = g.role, *code = unit->code;
		int grant = !strcmp(action, "grant");
		rc = grant ? users_grant(r->db, r->user, u->id, role, code, err, sizeof err) : users_revoke(r->db, r->user, u->id, role, code, err, sizeof err);
		if (rc == E_OK) { again(r, u->id, grant ? N_("The role was granted") : N_("The role was revoked")); return; }
		if (rc == E_STATE) fe_add(&fe, "role", grant ? N_("The user holds this role on this unit already")
							      : N_("This is the user's only role: disable the account instead"));
		else if (rc == E_INVALID) fe_add(&fe, "role", N_("A user holds at most 16 roles"));
		else if (rc == E_NOTFOUND) fe_add(&fe, "role", N_("The user does not hold this role on this unit"));
		else if (rc == E_FORBIDDEN) fe_add(&fe, "role", N_("The last active administrator keeps the role"));
		else { reply_fail(r, rc, NULL); return; }
		show_user(r, u, NULL, NULL, &fe);
		return;
	}
	/* the rest changes the account itself: every role of it in the reader's units, never the reader's own */
	if (!can_manage(r, u)) { reply_forbidden(r, N_("The user also holds roles outside the units you administer")); return; }
	if (u->id == r->user->id) { reply_forbidden(r, N_("Change your own account on the page Your account")); return; }
	if (action && !strcmp(action, "profile")) {
		struct user_new typed;
		read_user_form(r, &typed, &fe);
		rc = users_update(r->db, r->user, u->id, input_version(r), typed.full_name, typed.email, &fe);
		if (rc == E_OK) { again(r, u->id, N_("Saved")); return; }
		if (rc == E_CONFLICT) {
			struct user_row *cur;
			if (users_get(r->db, &r->a, u->id, &cur) != E_OK) { reply_fail(r, E_DB, NULL); return; }
			form_conflict(r, cur->version);
			show_user(r, cur, NULL, &typed, NULL);
			return;
		}
		if (rc == E_INVALID) { show_user(r, u, NULL, &typed, &fe); return; }
		reply_fail(r, rc, NULL);
		return;
	}
	if (action && !strcmp(action, "password")) {
		char pw[15], hash[128];
		users_gen_password(pw, sizeof pw, u->login);
		if (password_hash(hash, pw) != 0) { reply_fail(r, E_DB, NULL); return; }
		rc = users_set_password(r->db, r->user, u->id, u->login, hash);
		if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
		show_user(r, u, arena_strdup(&r->a, pw), NULL, NULL);
		sodium_memzero(pw, sizeof pw);
		return;
	}
	if (action && (!strcmp(action, "disable") || !strcmp(action, "enable"))) {
		int dis = !strcmp(action, "disable");
		rc = dis ? users_disable(r->db, r->user, u->id, u->login) : users_enable(r->db, r->user, u->id, u->login);
		if (rc == E_OK || rc == E_STATE) { again(r, u->id, dis ? N_("The account was disabled: its sessions ended") : N_("The account was enabled")); return; }
		if (rc == E_FORBIDDEN) { fe_add(&fe, "action", N_("The last active administrator cannot be disabled")); show_user(r, u, NULL, NULL, &fe); return; }
		reply_fail(r, rc, NULL);
		return;
	}
	fe_add(&fe, "action", N_("Unknown action"));
	reply_invalid(r, &fe);
}

/* ---- one's own account ---- */

static void show_account(struct req *r, const struct user_new *typed, const struct field_errors *fe)
{
	struct user_row *u;
	if (users_get(r->db, &r->a, r->user->id, &u) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	if (fe && fe->n && r->status < 400) r->status = 422;
	page_begin(r, _("Your account"), "account");
	tmpl_account_page(&r->out, r, u, typed, fe);
	page_end(r);
}

void page_account(struct req *r) { show_account(r, NULL, NULL); }

void page_account_post(struct req *r)
{
	const char *action = req_form(r, "action");
	struct field_errors fe = { 0 };
	int rc;
	if (action && !strcmp(action, "profile")) {
		struct user_new typed;
		read_user_form(r, &typed, &fe);
		rc = users_update(r->db, r->user, r->user->id, input_version(r), typed.full_name, typed.email, &fe);
		if (rc == E_OK) {
			flash_set(r, N_("Saved"));
			reply_redirect(r, "/account");
			return;
		}
		if (rc == E_CONFLICT) {
			struct user_row *cur;
			if (users_get(r->db, &r->a, r->user->id, &cur) != E_OK) { reply_fail(r, E_DB, NULL); return; }
			form_conflict(r, cur->version);
			show_account(r, &typed, NULL);
			return;
		}
		if (rc == E_INVALID) { show_account(r, &typed, &fe); return; }
		reply_fail(r, rc, NULL);
		return;
	}
	if (action && !strcmp(action, "password")) {
		/* a wrong current password counts as a failed login: guessing here is throttled as at /login */
		int64_t wait = auth_throttled(r->db, r->user->login, r->peer);
		if (wait > 0) {
			r->status = 429;
			req_set_header(r, "Retry-After", arena_printf(&r->a, "%lld", (long long)wait));
			fe_add(&fe, "current", N_("Too many wrong passwords: wait a few minutes and try again"));
			show_account(r, NULL, &fe);
			return;
		}
		const char *current = req_form(r, "current"), *pw = req_form(r, "password"), *pw2 = req_form(r, "password2");
		if (!current || !*current) fe_add(&fe, "current", N_("Is required"));
		if (!pw || !*pw) fe_add(&fe, "password", N_("Is required"));
		else if (!pw2 || strcmp(pw, pw2)) fe_add(&fe, "password2", N_("The two new passwords differ"));
		if (fe.n) { show_account(r, NULL, &fe); return; }
		rc = users_change_password(r->db, r->user, current, pw, r->session_id, &fe);
		if (rc == E_FORBIDDEN) auth_note_failure(r->db, r->user->login, r->peer);
		if (rc == E_OK) {
			flash_set(r, N_("Your password was changed. Your other sessions and API tokens were ended."));
			reply_redirect(r, "/account");
			return;
		}
		if (rc == E_FORBIDDEN || rc == E_INVALID) { show_account(r, NULL, &fe); return; }
		reply_fail(r, rc, NULL);
		return;
	}
	fe_add(&fe, "action", N_("Unknown action"));
	reply_invalid(r, &fe);
}

/* ---- the audit log (/audit): every change, newest first, for an
** administrator of the whole tree (its rows carry no unit to scope them by) ---- */

/* the kinds of records the log names, with the page that shows one */
static const struct audit_kind audit_kinds[] = {
	{ "unit", N_("Unit"), "/units/%lld" },
	{ "person", N_("Person"), "/people/%lld" },
	{ "user", N_("User"), "/users/%lld" },
	{ "movement", N_("Movement"), "/movements/%lld" },
	{ "registration", N_("Registration"), "/registrations/%lld" },
	{ "model", N_("Model"), "/models/%lld" },
	{ "achievement", N_("Achievement record"), NULL },
	{ "rule_set", N_("Rule set"), "/rules/%lld" },
	{ "proposal", N_("Proposal"), "/proposals/%lld" },
	{ "decision", N_("Decision"), "/decisions/%lld" },
	{ "vote", N_("Vote"), "/votes/%lld" },
	{ "cluster", N_("Cluster"), "/clusters/%lld" },
	{ "cluster_year", N_("Cluster year"), NULL },
	{ "scorecard", N_("Scorecard"), NULL },
	{ "task_programme", N_("Programme"), "/programmes/%lld" },
	{ "task", N_("Task"), "/tasks/%lld" },
	{ "indicator", N_("Indicator"), "/indicators/definitions/%lld" },
	{ "composite_index", N_("Index"), "/indexes/%lld" },
	{ NULL, NULL, NULL },
};

const struct audit_kind *audit_kind_of(const char *entity)
{
	for (const struct audit_kind *k = audit_kinds; k->entity; k++)
		if (!strcmp(k->entity, entity)) return k;
	return NULL;
}

/* the actions the log names, for the catalogs (a page shows _(action)); the
** features write them as plain strings */
static const char *const audit_actions[] __attribute__((unused)) = {
	N_("accept"), N_("add nominee"), N_("approve values"), N_("complete"), N_("decide"), N_("delete"), N_("direct work"),
	N_("disable"), N_("email"), N_("enable"), N_("enter values"), N_("extend"), N_("grant"), N_("multiple"), N_("open"),
	N_("passwd"), N_("progress"), N_("record present"), N_("remove nominee"), N_("resign"), N_("return"), N_("revoke"),
	N_("revoke decision"), N_("set target"), N_("sign"), N_("submit"), N_("unlock values"),
};

#define AUDIT_PAGE 50

/* The UTC time at which a day typed by the reader begins on the office's
** clock (end: the next day's beginning), as stored ("YYYY-MM-DDTHH:MM:SSZ");
** 0 when the text is not a day. */
static int day_bound(struct req *r, const char *typed, int end, char out[24])
{
	const char *iso = date_from_user(&r->a, typed);
	struct tm tm = { 0 };
	if (!iso || sscanf(iso, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm) + (end ? 86400 : 0) - (time_t)i18n_tz_minutes * 60;
	struct tm u;
	gmtime_r(&t, &u);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &u);
	return 1;
}

/* a time as the log writes it (now_iso: "2026-11-23T09:00:00Z"): the pager's before_at */
static int audit_time_valid(const char *s)
{
	char day[11];
	if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z') return 0;
	for (int i = 11; i < 19; i++)
		if (i != 13 && i != 16 && (s[i] < '0' || s[i] > '9')) return 0;
	memcpy(day, s, 10);
	day[10] = 0;
	return date_valid(day);
}

/* the next page's address: the filters as they are, and the last entry
** shown as the pager's key (its time too when the page is in time order) */
static const char *audit_older(struct req *r, const struct audit_entry *last, int by_time)
{
	static const char *const names[] = { "before_at", "before" };
	const char *values[] = { by_time ? last->at : NULL, arena_printf(&r->a, "%lld", (long long)last->id) };
	return url_with_n(r, 2, names, values);
}

/* GET /audit. Without days it is in id order, newest first, and its pager
** says the last id shown (before=). Between two days it is in time order,
** at DESC, id DESC, the order of the index audit_log_at (at, id) walked
** down from the range's end (migration 038): ids and times grow together
** in practice, but nothing makes them, and ordering such a range by id made
** SQLite sort every entry of it for each page. The pager then carries both
** (before_at=, before=), so entries of the same second are neither repeated
** nor skipped at a page's edge; an older address with only before= goes on
** from that entry's time. */
void page_audit(struct req *r)
{
	if (!role_can_top(r->user, PERM_ADMIN)) { reply_forbidden(r, N_("The audit log is read by an administrator of the whole tree")); return; }
	const char *entities[sizeof audit_kinds / sizeof *audit_kinds];
	for (size_t i = 0; i < sizeof audit_kinds / sizeof *audit_kinds; i++) entities[i] = audit_kinds[i].entity;
	struct audit_query q = { 0 };
	q.entity = query_choice(r, "entity", entities);
	q.entity_id = query_int(r, "id", 0, 0, INT64_MAX);
	q.before = query_int(r, "before", 0, 0, INT64_MAX);
	q.login = req_query(r, "login");
	if (q.login && !*q.login) q.login = NULL;
	if (query_bad(r)) return;
	const char *before_at = req_query(r, "before_at");
	if (before_at && !*before_at) before_at = NULL;
	if (before_at && !audit_time_valid(before_at)) {
		reply_error(r, 400, "bad_request", N_("A parameter of the address is not valid"));
		return;
	}
	/* the days typed (dd/mm/yyyy or ISO) on the office's clock, as the UTC times they begin and end at */
	char lo[24] = "", hi[24] = "";
	q.from = req_query(r, "from");
	q.to = req_query(r, "to");
	if (q.from && *q.from && !day_bound(r, q.from, 0, lo)) q.from_error = _("Is not a date (dd/mm/yyyy)");
	if (q.to && *q.to && !day_bound(r, q.to, 1, hi)) q.to_error = _("Is not a date (dd/mm/yyyy)");
	if (q.from_error || q.to_error) r->status = 400;
	int by_time = *lo || *hi;
	/* an address of before the time order (before= alone): on from that entry's time */
	char after_at[24] = "";
	if (by_time && q.before && !before_at) {
		struct stmt *st = db_query(r->db, "SELECT at FROM audit_log WHERE id = $1", "i", q.before);
		if (st && db_step(st) == DB_ROW && audit_time_valid(db_text(st, 0))) snprintf(after_at, sizeof after_at, "%s", db_text(st, 0));
		db_done(st);
		if (*after_at) before_at = after_at;
	}
	struct buf sql;
	buf_init(&sql);
	buf_raw(&sql, "SELECT id, at, login, user_id IS NOT NULL, action, entity, entity_id, before, after, note FROM audit_log WHERE 1 = 1");
	if (q.login) buf_raw(&sql, " AND login = $1");
	if (q.entity) buf_raw(&sql, " AND entity = $2");
	if (q.entity && q.entity_id) buf_raw(&sql, " AND entity_id = $3");
	/* In time order the key of the last entry shown is the walk's upper
	** bound (at <= $7; the rest skips that second's newer ids) in place of
	** the range's end, which SQLite would otherwise pick, walking down from
	** the end of the range to the page; a key at or past the end changes
	** nothing. */
	int keyed = by_time && before_at && (!*hi || strcmp(before_at, hi) < 0);
	if (*lo) buf_raw(&sql, " AND at >= $5");
	if (*hi && !keyed) buf_raw(&sql, " AND at < $6");
	if (keyed && q.before) buf_raw(&sql, " AND at <= $7 AND (at < $7 OR id < $4)");
	else if (keyed) buf_raw(&sql, " AND at < $7");
	else if (q.before && (!by_time || !before_at)) buf_raw(&sql, " AND id < $4"); /* id order, or an entry not found */
	buf_printf(&sql, " ORDER BY %s LIMIT %d", by_time ? "at DESC, id DESC" : "id DESC", AUDIT_PAGE + 1);
	struct stmt *st = db_prep(r->db, buf_cstr(&sql));
	buf_free(&sql);
	if (!st) { reply_fail(r, E_DB, NULL); return; }
	/* a login as typed: the one stored is lower-cased, the command line's "cli:NAME" kept as it is */
	char login[USERS_LOGIN_MAX + 8] = "";
	if (q.login) {
		if (!strncmp(q.login, "cli:", 4)) snprintf(login, sizeof login, "%s", q.login);
		else users_login_fold(q.login, login, sizeof login);
	}
	db_bind_text(st, 1, q.login ? login : NULL);
	db_bind_text(st, 2, q.entity);
	db_bind_int(st, 3, q.entity_id);
	db_bind_int(st, 4, q.before);
	db_bind_text(st, 5, *lo ? lo : NULL);
	db_bind_text(st, 6, *hi ? hi : NULL);
	db_bind_text(st, 7, keyed ? before_at : NULL);
	struct audit_entry *rows = arena_alloc(&r->a, sizeof *rows * (AUDIT_PAGE + 1));
	int n = 0, rc;
	while (n <= AUDIT_PAGE && (rc = db_step(st)) == DB_ROW) {
		struct audit_entry *e = &rows[n++];
		e->id = db_int(st, 0);
		e->at = arena_strdup(&r->a, db_text(st, 1));
		e->who = arena_strdup(&r->a, auth_display_actor(&r->a, r->lang, db_text(st, 2), (int)db_int(st, 3)));
		e->action = arena_strdup(&r->a, db_text(st, 4));
		e->entity = arena_strdup(&r->a, db_text(st, 5));
		e->entity_id = db_int(st, 6);
		e->before = arena_strdup(&r->a, db_text(st, 7));
		e->after = arena_strdup(&r->a, db_text(st, 8));
		e->note = arena_strdup(&r->a, db_text(st, 9));
	}
	db_done(st);
	int more = n > AUDIT_PAGE;
	if (more) n = AUDIT_PAGE;
	if (more) q.older = audit_older(r, &rows[n - 1], by_time);
	page_begin(r, _("Audit log"), "users");
	tmpl_audit_page(&r->out, r, &q, rows, n, more, audit_kinds);
	page_end(r);
}

/* the problems the check found, in the reader's language: the first
** AUDIT_SHOWN of them (a log rewritten from some row on breaks at each) */
#define AUDIT_SHOWN 100
struct audit_findings {
	struct req *r;
	const char *lines[AUDIT_SHOWN];
	int n;
};

static void audit_finding(void *ctx, enum audit_problem what, int64_t a, int64_t b)
{
	struct audit_findings *f = ctx;
	struct req *r = f->r;
	if (f->n >= AUDIT_SHOWN) return;
	const char *s = "";
	switch (what) {
	case AUDIT_UNREADABLE: s = _("The audit log could not be read"); break;
	case AUDIT_ROWS_DELETED:
		s = a == b ? arena_printf(&r->a, _("Entry %lld is missing (deleted)"), (long long)a)
			   : arena_printf(&r->a, _("Entries %lld to %lld are missing (deleted)"), (long long)a, (long long)b);
		break;
	case AUDIT_CHAIN_BROKEN: s = arena_printf(&r->a, _("Entry %lld does not follow entry %lld (the chain is broken)"), (long long)a, (long long)b); break;
	case AUDIT_ROW_CHANGED: s = arena_printf(&r->a, _("Entry %lld was changed after it was written"), (long long)a); break;
	case AUDIT_END_DELETED: s = arena_printf(&r->a, _("The last entries, %lld to %lld, are missing (deleted)"), (long long)a, (long long)b); break;
	case AUDIT_HEAD_BEHIND:
		s = arena_printf(&r->a, _("The log ends at entry %lld but its head says %lld (entries added or changed outside thidua)"), (long long)a,
				 (long long)b);
		break;
	case AUDIT_HEAD_MISSING: s = _("The head of the chain is missing"); break;
	}
	f->lines[f->n++] = s;
}

/* GET /audit/verify: the whole chain checked, as thidua audit verify does */
void page_audit_verify(struct req *r)
{
	if (!role_can_top(r->user, PERM_ADMIN)) { reply_forbidden(r, N_("The audit log is read by an administrator of the whole tree")); return; }
	struct audit_findings f = { .r = r };
	int64_t rows = 0;
	int problems = audit_check(r->db, audit_finding, &f, &rows);
	page_begin(r, _("Audit log"), "users");
	tmpl_audit_verify_page(&r->out, r, rows, problems, f.lines, f.n);
	page_end(r);
}
