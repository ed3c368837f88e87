/* The roles and their permissions (roles.h). */
#include "roles.h"

#include <string.h>
#include <time.h>

#include "../base/arena.h"
#include "../base/auth.h"
#include "../base/db.h"
#include "../base/errors.h"
#include "../base/util.h"

static const char *role_names[] = { "", N_("viewer"), N_("council"), N_("reporter"), N_("officer"), N_("admin") };

const char *role_name(enum role r) { return r > ROLE_NONE && r <= ROLE_ADMIN ? role_names[r] : ""; }

enum role role_parse(const char *s)
{
	for (int i = ROLE_VIEWER; i <= ROLE_ADMIN; i++)
		if (s && strcmp(s, role_names[i]) == 0) return (enum role)i;
	return ROLE_NONE;
}

static unsigned role_perms_core(enum role r);

/* indicators (issue 13): officers and admins define and approve, reporters enter */
static unsigned role_perms_indicators(enum role r)
{
	switch (r) {
	case ROLE_ADMIN:
	case ROLE_OFFICER: return PERM_INDICATOR_DEFINE | PERM_INDICATOR_ENTER | PERM_INDICATOR_APPROVE;
	case ROLE_REPORTER: return PERM_INDICATOR_ENTER;
	default: return 0;
	}
}

/* emulation clusters (issue 11): officers and admins organise; a unit's
** reporter, its council and its officers score for it and sign its agreement */
static unsigned role_perms_clusters(enum role r)
{
	unsigned organise = r == ROLE_ADMIN || r == ROLE_OFFICER ? PERM_CLUSTER_ORGANISE : 0;
	unsigned score = r == ROLE_ADMIN || r == ROLE_OFFICER || r == ROLE_REPORTER || r == ROLE_COUNCIL ? PERM_CLUSTER_SCORE : 0;
	return organise | score;
}

/* award decisions (issue 10): officers and admins decide in an authority's name;
** votes (issue 11): officers and admins organise them;
** task monitoring (issue 12): officers and admins assign, reporters report too */
static unsigned role_perms(enum role r)
{
	unsigned decide = r == ROLE_ADMIN || r == ROLE_OFFICER ? PERM_DECIDE : 0;
	unsigned votes = r == ROLE_ADMIN || r == ROLE_OFFICER ? PERM_RUN_VOTES : 0;
	unsigned tasks = r == ROLE_ADMIN || r == ROLE_OFFICER ? PERM_TASK_ASSIGN | PERM_TASK_REPORT : r == ROLE_REPORTER ? PERM_TASK_REPORT : 0;
	return role_perms_core(r) | decide | votes | tasks | role_perms_clusters(r) | role_perms_indicators(r);
}

static unsigned role_perms_core(enum role r)
{
	switch (r) {
	case ROLE_ADMIN:
		return PERM_READ | PERM_WRITE_PEOPLE | PERM_WRITE_UNITS | PERM_ADMIN | PERM_MOVEMENT_REPORT | PERM_MOVEMENT_MANAGE | PERM_RULES_MANAGE |
		       PERM_RECORD_ACHIEVEMENTS | PERM_PROPOSE | PERM_REVIEW_PROPOSALS | PERM_COUNCIL;
	case ROLE_OFFICER:
		return PERM_READ | PERM_WRITE_PEOPLE | PERM_WRITE_UNITS | PERM_MOVEMENT_REPORT | PERM_MOVEMENT_MANAGE | PERM_RULES_MANAGE |
		       PERM_RECORD_ACHIEVEMENTS | PERM_PROPOSE | PERM_REVIEW_PROPOSALS;
	case ROLE_REPORTER: return PERM_READ | PERM_WRITE_PEOPLE | PERM_MOVEMENT_REPORT | PERM_RECORD_ACHIEVEMENTS | PERM_PROPOSE;
	case ROLE_COUNCIL: return PERM_READ | PERM_COUNCIL;
	case ROLE_VIEWER: return PERM_READ;
	default: return 0;
	}
}

/* a grant from columns col.. col + 4: role, unit id, the unit's path, name and depth */
static void read_grant(struct stmt *st, struct arena *a, int col, struct grant *g)
{
	g->role = role_parse(db_text(st, col));
	g->unit_id = db_int(st, col + 1);
	g->unit_path = arena_strdup(a, db_text(st, col + 2));
	g->unit_name = arena_strdup(a, db_text(st, col + 3));
	g->unit_depth = (int)db_int(st, col + 4);
}

int role_load_user(struct db *db, struct arena *a, int64_t user_id, struct user **out)
{
	struct user *u;
	if (auth_load_user(db, a, user_id, &u) != 0) return -1;
	struct stmt *st = db_query(db,
		      "SELECT r.role, r.unit_id, u.path, u.name, u.depth FROM user_roles r JOIN units u ON u.id = r.unit_id "
		      "WHERE r.user_id = $1 ORDER BY r.id",
		      "i", user_id);
	while (st && db_step(st) == DB_ROW && u->ngrants < AUTH_MAX_ROLES) read_grant(st, a, 0, &u->grants[u->ngrants++]);
	db_done(st);
	*out = u;
	return 0;
}

#define IDENT_COLS "u.id, u.login, u.full_name, u.lang, r.role, r.unit_id, n.path, n.name, n.depth "
#define IDENT_JOIN                                                                                 \
	"LEFT JOIN users u ON u.id = x.user_id AND u.active = 1 "                                        \
	"LEFT JOIN user_roles r ON r.user_id = u.id LEFT JOIN units n ON n.id = r.unit_id "

int64_t role_identify(struct db *db, struct arena *a, int by_token, const char *cred, struct user **out, const char **csrf)
{
	*out = NULL;
	if (!cred || strlen(cred) != 64) return -1;
	char h[65];
	sha256_hex(h, cred, 64);
	int64_t now = (int64_t)time(NULL), uid = -1, seen = 0;
	/* columns 0-2: the credential; 3-6: its user (NULL: not active); 7-11: a grant (NULL: none) */
	struct stmt *st = by_token ? db_query(db,
					      "SELECT x.user_id, NULL, 0, " IDENT_COLS "FROM api_tokens x " IDENT_JOIN
					      "WHERE x.hash = $1 AND x.expires_at > $2 ORDER BY r.id",
					      "ti", h, now)
				   : db_query(db,
					      "SELECT x.user_id, x.csrf, x.seen_at, " IDENT_COLS "FROM sessions x " IDENT_JOIN
					      "WHERE x.id_hash = $1 AND x.expires_at > $2 AND x.seen_at > $3 ORDER BY r.id",
					      "tii", h, now, now - SESSION_IDLE_SEC);
	struct user *u = NULL;
	while (st && db_step(st) == DB_ROW) {
		if (uid < 0) {
			uid = db_int(st, 0);
			if (csrf && !by_token) *csrf = arena_strdup(a, db_text(st, 1));
			seen = db_int(st, 2);
			if (!db_isnull(st, 3)) {
				u = arena_alloc(a, sizeof *u);
				memset(u, 0, sizeof *u);
				u->id = db_int(st, 3);
				u->login = arena_strdup(a, db_text(st, 4));
				u->full_name = arena_strdup(a, db_text(st, 5));
				u->lang = db_text_dup(st, a, 6);
			}
		}
		if (!u || db_isnull(st, 7) || db_isnull(st, 9) || u->ngrants >= AUTH_MAX_ROLES) continue;
		read_grant(st, a, 7, &u->grants[u->ngrants++]);
	}
	db_done(st);
	if (uid > 0 && !by_token) session_seen(db, h, seen, now);
	*out = u;
	return uid;
}

int role_can(const struct user *u, enum perm perm, const char *unit_path)
{
	if (!u) return 0;
	if (u->system) return 1;
	for (int i = 0; i < u->ngrants; i++) {
		const struct grant *g = &u->grants[i];
		if (!(role_perms(g->role) & perm)) continue;
		if (!unit_path) continue;
		if (strncmp(unit_path, g->unit_path, strlen(g->unit_path)) == 0) return 1;
	}
	return 0;
}

int role_can_any(const struct user *u, enum perm perm)
{
	if (!u) return 0;
	if (u->system) return 1;
	for (int i = 0; i < u->ngrants; i++)
		if (role_perms(u->grants[i].role) & perm) return 1;
	return 0;
}

int role_can_top(const struct user *u, enum perm perm)
{
	if (!u) return 0;
	if (u->system) return 1;
	for (int i = 0; i < u->ngrants; i++)
		if (u->grants[i].unit_depth == 0 && (role_perms(u->grants[i].role) & perm)) return 1;
	return 0;
}

const char *role_refusal(const struct user *u, const char *unit_path)
{
	int covered = 0, read_only = 1;
	for (int i = 0; u && i < u->ngrants; i++) {
		const struct grant *g = &u->grants[i];
		if (unit_path && strncmp(unit_path, g->unit_path, strlen(g->unit_path)) != 0) continue;
		covered = 1;
		if (role_perms(g->role) & ~(unsigned)PERM_READ) read_only = 0;
	}
	if (!covered) return N_("This is outside the units you may work on");
	return read_only ? N_("Your role may only read") : N_("Your role does not allow this");
}
