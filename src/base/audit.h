/* audit: the append-only, hash-chained log of every change.
** Each row's hash covers its content and the previous row's hash, and the
** newest hash is kept in audit_head, so editing, deleting or appending rows
** behind the product's back is found by audit_verify(). Call audit_add()
** inside the transaction that makes the change. */
#ifndef THIDUA_AUDIT_H
#define THIDUA_AUDIT_H
#include <stdint.h>
#include <stdio.h>

struct arena;
struct db;
struct jw;
struct user;

/* A run of rows added in one transaction without re-reading the head each time. */
struct audit_chain {
	struct db *db;
	int64_t next_id;
	char prev[65];
	char at[21];               /* the timestamp, formatted once a second */
	long at_time;
};
int audit_chain_open(struct db *db, struct audit_chain *c);
int audit_chain_add(struct audit_chain *c, const struct user *who, const char *action, const char *entity, int64_t entity_id,
		    const char *before_json, const char *after_json, const char *note);
int audit_chain_close(struct audit_chain *c);   /* writes the head */

int audit_add(struct db *db, const struct user *who, const char *action, const char *entity, int64_t entity_id,
	      const char *before_json, const char *after_json, const char *note);
/* A feature's snapshot of one record for the audit log: reads record `id`
** into `a` and writes it to `w` as JSON, returning E_OK; any other return
** (E_NOTFOUND for a record that is gone) means no snapshot, and whatever was
** written is dropped. */
typedef int audit_snap_fn(struct db *db, struct arena *a, int64_t id, struct jw *w);
/* The snapshot of record `id` as a malloc'd JSON string the caller frees,
** or NULL when `snap` finds no record. The arena is the helper's own. */
char *audit_snapshot(struct db *db, int64_t id, audit_snap_fn *snap);
/* The audit row that ends a change inside its transaction: `after` takes
** the record's snapshot now (NULL for a record that is gone). Returns E_OK,
** or E_DB when the row could not be written, ready for db_tx_end(). */
int audit_change(struct db *db, const struct user *who, const char *action, const char *entity, int64_t entity_id,
		 const char *before_json, audit_snap_fn *after, const char *note);
/* Prints one line per problem to out; returns the number of problems. */
int audit_verify(struct db *db, FILE *out, int64_t *rows);

#endif
