/* jobs: work that outlives a request (imports, big exports and PDF
** reports). A job is a row of `jobs` (migration 011): queued, running
** with its progress, done with its result, or failed with the reason. One
** worker thread of `serve`, with its own database connection, runs them in
** id order. The base layer knows no feature: a feature registers a kind
** name with the function that runs it.
**
** Restart: a job found `running` when the worker starts was interrupted
** (the process was killed). Its effect is all or nothing (a kind makes its
** effect visible in one final transaction that also marks the job done), so
** it is queued again from its kept file; after 3 starts it fails
** "Interrupted". On a graceful stop the running job is asked to stop at its
** next batch (job_stopping) and is queued again the same way.
**
** Several servers on one PostgreSQL database each run a worker on the same
** table. A claim is atomic (one UPDATE of a queued row, under the writers'
** lock), and the worker holds a session advisory lock on the job until it
** ends; a job found running without that lock lost its worker (a killed
** server, a dropped connection) and is queued again by any worker (checked
** at start and every few seconds), instead of every running job at start.
** Every write of a run checks that the job is still its own claim
** (attempts), so a run that was superseded writes nothing more. */
#ifndef THIDUA_JOBS_H
#define THIDUA_JOBS_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"

struct db;
struct arena;
struct user;

/* what a kind's function is given and fills */
struct job_run {
	struct db *db;              /* the worker's connection */
	int64_t id;
	const char *kind;
	const struct user *who;     /* the owner, with the grants they have now */
	int64_t entity_id;
	const void *data;           /* the uploaded file */
	size_t len;
	const char *data_name;
	const char *lang;           /* the requester's language: "vi", "en" or "hi" */
	int64_t total;              /* lines expected, -1 unknown: set by the kind for job_progress */
	FILE *errors;               /* line-numbered errors, one a line */
	struct buf result;          /* a JSON object (the counts), written by the kind */
	const char *reason;         /* why it failed (an English message id) */
	/* the file the job produced (an export, a report), if any: kept in
	** job_outputs (migration 012) when the job ends done, downloadable by
	** whoever may read the job; dropped 7 days after the job finished */
	struct buf output;
	char output_name[160];      /* the name offered on download */
	const char *output_type;    /* its Content-Type (a literal); NULL: no output */
	/* internal */
	int64_t attempt;            /* the job's attempts after this run's claim: its writes check it */
	int marked;                 /* done was written by job_mark_done */
	char *err_text;             /* the memstream behind errors */
	size_t err_len;
};

/* E_OK: the job is done; anything else: failed with j->reason (or the
** errors). E_BUSY or a stop request: queued again. */
typedef int job_fn(struct job_run *j);
void jobs_register(const char *kind, job_fn *fn);

/* A new queued job with its file and the language of the request (what
** it writes for people, such as an import's line errors); wakes the worker.
** E_OK with *id. */
int jobs_submit(struct db *db, const char *kind, int64_t owner_id, const char *entity, int64_t entity_id, const char *back_url,
		const void *data, size_t len, const char *data_name, const char *lang, int64_t *id);

struct job {
	int64_t id, owner_id, entity_id, done, total; /* total < 0: unknown */
	const char *kind, *entity, *back_url, *status, *result, *errors, *reason, *created_at, *started_at, *finished_at;
	const char *output_name, *output_type;   /* the produced file, NULL when there is none (any more) */
};
/* E_OK or E_NOTFOUND; strings in the arena */
int jobs_get(struct db *db, struct arena *a, int64_t id, struct job *out);

/* The file a job produced: E_OK with its bytes (malloc'd: free them), name
** and type (arena), or E_NOTFOUND when there is none (yet or any more). */
int jobs_output(struct db *db, struct arena *a, int64_t id, void **data, size_t *len, const char **name, const char **type);

/* Progress of the running job; written in the caller's transaction when one
** is open (a batch), else on its own. total < 0: unknown. E_OK; E_BUSY
** when the job is no longer this run's (another server's worker took it
** over after this one lost its connection): the batch must be rolled back
** and the run given up. */
int job_progress(struct job_run *j, int64_t done, int64_t total);
/* Marks the job done with j->result and the errors, inside the caller's
** transaction, so the effect and the "done" commit together (with the
** output, when the kind produced one). */
int job_mark_done(struct job_run *j);
/* 1 when the server is stopping: the kind should give up at its next batch */
int job_stopping(void);

/* A function the worker calls on its own connection every `seconds`, the
** first time when it starts (a daily chore checked each hour: reminders).
** Register before jobs_start; at most 8. */
typedef void job_every_fn(struct db *db);
void jobs_every(int seconds, job_every_fn *fn);

/* serve: recovers interrupted jobs and starts the worker on its own
** connection to db_path; jobs_stop() lets it finish its batch and joins it. */
/* load_user: the owner with their grants (web/roles.h's role_load_user; the
** base layer does not know roles), 0 found or -1 */
struct arena;
struct user;
typedef int jobs_user_fn(struct db *db, struct arena *a, int64_t user_id, struct user **out);
int jobs_start(const char *db_path, jobs_user_fn *load_user);
void jobs_stop(void);

#endif
