/* errors: what every domain function returns. Handlers map these to HTTP
** statuses in one place (web_fail). */
#ifndef THIDUA_ERRORS_H
#define THIDUA_ERRORS_H

enum {
	E_OK = 0,
	E_INVALID,     /* validation failed: see the field errors */
	E_NOTFOUND,
	E_CONFLICT,    /* stale version, or a unique value already taken */
	E_FORBIDDEN,   /* outside the user's scope */
	E_DB,          /* storage failed */
	E_STATE,       /* not allowed in the record's current state (a closed movement, a passed deadline): the reason is the first field error */
	E_BUSY,        /* another writer holds the database longer than the wait allows: try again shortly (503 + Retry-After) */
};

/* marks a message id for translation where it is stored; translated when shown */
#ifndef N_
#define N_(s) (s)
#endif

#define FE_MAX 24

/* Per-field validation messages (untranslated English message ids). */
struct field_errors {
	int n;
	const char *field[FE_MAX];
	const char *msg[FE_MAX];
};

void fe_add(struct field_errors *fe, const char *field, const char *msg);
const char *fe_get(const struct field_errors *fe, const char *field);

#endif
