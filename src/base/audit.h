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
/* What audit_check finds wrong, with the rows it concerns (a, b): */
enum audit_problem {
	AUDIT_UNREADABLE,   /* the log could not be read (the database's error) */
	AUDIT_ROWS_DELETED, /* rows a to b are missing */
	AUDIT_CHAIN_BROKEN, /* row a does not follow row b (its previous hash is another) */
	AUDIT_ROW_CHANGED,  /* row a was changed after it was written */
	AUDIT_END_DELETED,  /* rows a to b, the last ones, are missing */
	AUDIT_HEAD_BEHIND,  /* the log ends at row a, its head says row b */
	AUDIT_HEAD_MISSING, /* the head row is gone */
};
typedef void audit_problem_fn(void *ctx, enum audit_problem what, int64_t a, int64_t b);
/* Walks the whole chain and calls fn for each problem; returns their
** number, *rows the rows read. */
int audit_check(struct db *db, audit_problem_fn *fn, void *ctx, int64_t *rows);
/* audit_check printing one English line per problem to out (thidua audit verify). */
int audit_verify(struct db *db, FILE *out, int64_t *rows);

#endif
