/* users: accounts and their roles. (Web administration of users comes with a
** later feature; today the command line manages them.) */
#ifndef THIDUA_USERS_H
#define THIDUA_USERS_H
#include <stddef.h>
#include <stdint.h>

struct db;
struct user;

/* Creates a user with one role on the unit with that code, audited as `who`.
** Returns 0 and the id, or -1 with the reason in err. */
int users_create(struct db *db, const struct user *who, const char *login, const char *full_name, const char *password,
		 const char *role, const char *unit_code, int64_t *id, char *err, size_t errlen);

/* Disables the user and revokes their sessions and API tokens; or sets a new
** password hash and ends their sessions. One transaction with its audit row:
** E_OK or E_DB (errors.h). */
int users_disable(struct db *db, const struct user *who, int64_t id, const char *login);
int users_set_password(struct db *db, const struct user *who, int64_t id, const char *login, const char *hash);

/* An e-mail address a user may have (optional; the task reminders go to
** it): at most USERS_EMAIL_MAX bytes, local@domain, printable ASCII without
** spaces or the characters that end a mail header's address (<>()[],;:"\\),
** one '@', a domain of dot-separated labels with at least one dot. 1 valid, 0 not. */
#define USERS_EMAIL_MAX 254
int users_email_valid(const char *s);
/* Sets (or, with NULL or "", clears) the user's e-mail, audited with the
** address before and after: E_OK, E_INVALID (not an address), E_NOTFOUND or E_DB. */
int users_set_email(struct db *db, const struct user *who, int64_t id, const char *email);

/* A generated password of n-1 characters (letters and digits that cannot be
** misread) that the password policy accepts for this login. */
void users_gen_password(char *out, size_t n, const char *login);

#endif
