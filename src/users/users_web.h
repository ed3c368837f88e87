/* users_web: the administrators' pages of users (/users) and everyone's own
** account (/account), users_web.c, and what their templates
** (templates/users.html) see. */
#ifndef THIDUA_USERS_WEB_H
#define THIDUA_USERS_WEB_H
#include "../web/tmpl_types.h"
#include "../picker/picker.h"
#include "../units/units.h"
#include "users.h"

/* a user's page: what the reader may do there */
struct user_view {
	const struct user_row *u;
	int manage;                 /* every role of the user is in the reader's units: edit, password, disable */
	int self;                   /* the reader's own account (managed at /account) */
	int grant_ok[AUTH_MAX_ROLES]; /* this role is in the reader's units: it may be revoked */
	const char *password;       /* a password just generated, shown once, or NULL */
	const struct history_row *hist;
	int nhist;
};

/* the audit log's page: a kind of record, its name, the page that shows one ("/units/%lld") or NULL */
struct audit_kind {
	const char *entity, *label, *url;
};
const struct audit_kind *audit_kind_of(const char *entity);
struct audit_query {
	const char *login, *entity;
	int64_t entity_id, before;
	const char *from, *to;             /* days as typed */
	const char *from_error, *to_error; /* translated, or NULL */
	const char *older;                 /* the next page's address, or NULL */
};
struct audit_entry {
	int64_t id, entity_id;
	const char *at, *who, *action, *entity, *before, *after, *note;
};

/* handlers */
void page_users(struct req *r);
void page_user_new(struct req *r);
void page_user_create(struct req *r);
void page_user(struct req *r);
void page_user_post(struct req *r);
void page_account(struct req *r);
void page_account_post(struct req *r);
void page_audit(struct req *r);
void api_users_list(struct req *r);
void api_user_get(struct req *r);
void page_audit_verify(struct req *r);

/* for the templates: a role's name in the reader's language */
const char *user_role_label(struct req *r, const char *role);
/* what an audit entry of a user did ("passwd": "password changed") */
const char *user_action_label(struct req *r, const char *action);

#endif
