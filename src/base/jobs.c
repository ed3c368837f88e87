/* jobs: the queue of background work and its one worker thread (jobs.h). */
#include "jobs.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "auth.h"
#include "db.h"
#include "errors.h"
#include "i18n.h"
#include "log.h"
#include "pdf.h"
#include "util.h"

static jobs_user_fn *job_load_user; /* set by jobs_start */

#define MAX_KINDS 16
#define MAX_ATTEMPTS 3
#define OUTPUT_DAYS 7   /* a produced file is kept this long after its job ends */
#define SWEEP_SEC 5     /* PostgreSQL: how often an idle worker looks for jobs whose worker is gone */
/* PostgreSQL: the worker running a job holds the session-level advisory lock
** (JOB_LOCK_NS, job id) from the claim to the end ("thid" in ASCII; the
** writers' lock is a one-key lock, another space) */
#define JOB_LOCK_NS 1952999780

static struct {
	const char *kind;
	job_fn *fn;
} kinds[MAX_KINDS];
static int nkinds;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_t worker;
static int running, stopping, wake;

void jobs_register(const char *kind, job_fn *fn)
{
	for (int i = 0; i < nkinds; i++)
		if (!strcmp(kinds[i].kind, kind)) { kinds[i].fn = fn; return; }
	if (nkinds < MAX_KINDS) { kinds[nkinds].kind = kind; kinds[nkinds++].fn = fn; }
}

static job_fn *kind_fn(const char *kind)
{
	for (int i = 0; i < nkinds; i++)
		if (!strcmp(kinds[i].kind, kind)) return kinds[i].fn;
	return NULL;
}

int job_stopping(void)
{
	pthread_mutex_lock(&mu);
	int s = stopping;
	pthread_mutex_unlock(&mu);
	return s;
}

int jobs_submit(struct db *db, const char *kind, int64_t owner_id, const char *entity, int64_t entity_id, const char *back_url,
		const void *data, size_t len, const char *data_name, const char *lang, int64_t *id)
{
	char now[21];
	now_iso(now);
	int rc = db_tx_begin(db);
	if (rc == E_OK) {
		/* a NULL blob for an empty file would read back as "no file" */
		struct stmt *st = db_query(db,
					   "INSERT INTO jobs (kind, owner_id, entity, entity_id, back_url, data, data_name, created_at, lang) "
					   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
					   "tItItbttt", kind, owner_id, entity, entity_id, back_url, data ? data : "", len, data_name, now, lang);
		rc = st && db_step(st) == DB_ROW ? E_OK : E_DB;
		if (rc == E_OK) *id = db_int(st, 0);
		db_done(st);
	}
	rc = db_tx_end(db, rc);
	if (rc == E_OK) {
		pthread_mutex_lock(&mu);
		wake = 1;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&mu);
	}
	return rc;
}

static const char *dup_text(struct arena *a, struct stmt *st, int col)
{
	const char *s = db_text(st, col);
	return s ? arena_strdup(a, s) : NULL;
}

int jobs_get(struct db *db, struct arena *a, int64_t id, struct job *out)
{
	struct stmt *st = db_query(db,
				   "SELECT j.id, j.kind, j.owner_id, j.entity, j.entity_id, j.back_url, j.status, j.done, j.total, j.result, "
				   "j.errors, j.reason, j.created_at, j.started_at, j.finished_at, o.name, o.type "
				   "FROM jobs j LEFT JOIN job_outputs o ON o.job_id = j.id WHERE j.id = $1",
				   "i", id);
	if (!st) return E_DB;
	int s = db_step(st);
	if (s != DB_ROW) { db_done(st); return s == DB_DONE ? E_NOTFOUND : E_DB; }
	*out = (struct job){
		.id = db_int(st, 0),
		.kind = dup_text(a, st, 1),
		.owner_id = db_int(st, 2),
		.entity = dup_text(a, st, 3),
		.entity_id = db_int(st, 4),
		.back_url = dup_text(a, st, 5),
		.status = dup_text(a, st, 6),
		.done = db_int(st, 7),
		.total = db_isnull(st, 8) ? -1 : db_int(st, 8),
		.result = dup_text(a, st, 9),
		.errors = dup_text(a, st, 10),
		.reason = dup_text(a, st, 11),
		.created_at = dup_text(a, st, 12),
		.started_at = dup_text(a, st, 13),
		.finished_at = dup_text(a, st, 14),
		.output_name = dup_text(a, st, 15),
		.output_type = dup_text(a, st, 16),
	};
	db_done(st);
	return E_OK;
}

int jobs_output(struct db *db, struct arena *a, int64_t id, void **data, size_t *len, const char **name, const char **type)
{
	struct stmt *st = db_query(db, "SELECT name, type, data FROM job_outputs WHERE job_id = $1", "i", id);
	if (!st) return E_DB;
	int s = db_step(st);
	if (s != DB_ROW) { db_done(st); return s == DB_DONE ? E_NOTFOUND : E_DB; }
	*name = dup_text(a, st, 0);
	*type = dup_text(a, st, 1);
	size_t n = 0;
	const void *p = db_blob(st, 2, &n);
	*data = malloc(n ? n : 1);
	if (*data && p && n) memcpy(*data, p, n);
	*len = n;
	db_done(st);
	return *data ? E_OK : E_DB;
}

/* the produced file, if any, in the caller's transaction */
static int save_output(struct job_run *j, const char *now)
{
	if (!j->output_type) return DB_OK;
	if (db_exec(j->db, "DELETE FROM job_outputs WHERE job_id = $1", "i", j->id) != DB_OK) return DB_ERR;
	return db_exec(j->db, "INSERT INTO job_outputs (job_id, name, type, data, created_at) VALUES ($1, $2, $3, $4, $5)", "ittbt", j->id,
		       j->output_name, j->output_type, j->output.len ? j->output.p : "", j->output.len, now);
}

int job_progress(struct job_run *j, int64_t done, int64_t total)
{
	if (!j) return E_OK;
	/* a batch whose transaction was lost (with its connection) is not done */
	if (!db_in_tx(j->db)) return E_BUSY;
	/* inside a batch's transaction it costs nothing more; only the run that
	** holds the job (its claim: attempts) writes it */
	int rc = total >= 0 ? db_exec(j->db, "UPDATE jobs SET done = $1, total = $2 WHERE id = $3 AND status = 'running' AND attempts = $4", "iiii",
				      done, total, j->id, j->attempt)
			    : db_exec(j->db, "UPDATE jobs SET done = $1, total = NULL WHERE id = $2 AND status = 'running' AND attempts = $3", "iii", done,
				      j->id, j->attempt);
	if (rc != DB_OK) return rc == DB_BUSY ? E_BUSY : E_DB;
	if (db_changes(j->db) == 0) {
		log_info("job %lld: no longer this run's (queued again or claimed by another worker); this run gives up", (long long)j->id);
		return E_BUSY;
	}
	return E_OK;
}

/* the errors written so far, as text (the memstream flushed), or NULL */
static const char *errors_text(struct job_run *j)
{
	fflush(j->errors);
	return j->err_text && *j->err_text ? j->err_text : NULL;
}

int job_mark_done(struct job_run *j)
{
	char now[21];
	now_iso(now);
	int rc = save_output(j, now);
	if (rc == DB_OK)
		rc = db_exec(j->db,
			 "UPDATE jobs SET status = 'done', result = $1, errors = $2, reason = NULL, finished_at = $3, data = NULL, "
			 "done = CASE WHEN total IS NULL OR total < done THEN done ELSE total END WHERE id = $4 AND status = 'running' AND attempts = $5",
			 "ttti" "i", j->result.len ? buf_cstr(&j->result) : NULL, errors_text(j), now, j->id, j->attempt);
	if (rc == DB_OK && db_changes(j->db) == 0) return E_BUSY; /* no longer this run's job: the caller rolls back */
	if (rc == DB_OK) j->marked = 1;
	return rc == DB_OK ? E_OK : rc == DB_BUSY ? E_BUSY : E_DB;
}

static int on_pg(struct db *db) { return !strcmp(db_dialect(db), "pg"); }

/* PostgreSQL: the session-level locks this idle connection took (a job's,
** or those requeue_orphans tried) are let go */
static void unlock_all(struct db *db)
{
	int64_t ignored;
	db_int1(db, &ignored, "SELECT 1 FROM (SELECT pg_advisory_unlock_all()) u", "");
}

/* db_writer_guard of a run on PostgreSQL: no worker has claimed the job
** since this run did (attempts), so every write transaction of a run that
** lost its job (its connection dropped, and another server's worker took
** the job over) is refused before it writes anything. The status is not
** asked: the run still cleans up after its own "done"; and what it wrote
** after its job was queued again but before the next claim, that claim's
** run removes first (the staged lines of an interrupted run). */
static int still_ours(struct db *db, void *arg)
{
	const struct job_run *j = arg;
	int64_t one = 0;
	return db_int1(db, &one, "SELECT 1 FROM jobs WHERE id = $1 AND attempts = $2", "ii", j->id, j->attempt) == DB_ROW ? 0 : -1;
}

/* the oldest queued job becomes running; 0 when there is none. *attempt:
** its attempts after this claim, which the run's writes check. Every
** server's worker claims from the same table: the claim is one write
** transaction under the writers' lock, and on PostgreSQL one UPDATE of a
** row chosen FOR UPDATE SKIP LOCKED that is still queued, so two workers
** never get the same job. */
static int64_t claim(struct db *db, int64_t *attempt)
{
	int64_t id = 0;
	char now[21];
	now_iso(now);
	/* a read first: an idle worker does not take the write lock every second */
	if (db_int1(db, &id, "SELECT id FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1", "") != DB_ROW) return 0;
	id = 0;
	int locked = 0;
	int rc = db_tx_begin(db);
	if (rc == E_OK && on_pg(db)) {
		struct stmt *st = db_query(db,
					   "UPDATE jobs SET status = 'running', started_at = $1, attempts = attempts + 1 WHERE status = 'queued' AND id = "
					   "(SELECT id FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id, attempts",
					   "t", now);
		int s = st ? db_step(st) : DB_ERR;
		if (s == DB_ROW) { id = db_int(st, 0); *attempt = db_int(st, 1); }
		else if (s != DB_DONE) rc = E_DB;
		db_done(st);
		/* the mark of a live run, taken before the claim commits, so that
		** no other worker ever sees the job running without it */
		int64_t got = 0;
		if (rc == E_OK && id) {
			if (db_int1(db, &got, "SELECT pg_try_advisory_lock($1::int4, $2::int4)", "ii", (int64_t)JOB_LOCK_NS, id & 0x7fffffff) == DB_ROW && got)
				locked = 1;
			else
				rc = E_BUSY;
		}
	} else if (rc == E_OK) {
		int s = db_int1(db, &id, "SELECT id FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1", "");
		if (s == DB_ROW)
			rc = db_exec(db, "UPDATE jobs SET status = 'running', started_at = $1, attempts = attempts + 1 WHERE id = $2", "ti", now, id) == DB_OK &&
					     db_int1(db, attempt, "SELECT attempts FROM jobs WHERE id = $1", "i", id) == DB_ROW
				     ? E_OK
				     : E_DB;
		else id = 0;
	}
	if (db_tx_end(db, rc) != E_OK) {
		if (locked) unlock_all(db); /* a session lock outlives the rolled-back transaction */
		return 0;
	}
	return id;
}

/* PostgreSQL: jobs marked running whose worker is gone (its server was
** killed, or lost its connection): the worker of a running job holds its
** session lock (claim), and PostgreSQL drops a session's locks with its
** connection. Such a job is queued again, or fails after MAX_ATTEMPTS
** starts, as a server's start does on SQLite. Under the writers' lock, so
** a claim is either not yet committed or committed with its lock held. */
static int requeue_orphans(struct db *db)
{
	int64_t n = 0;
	if (db_int1(db, &n, "SELECT count(*) FROM jobs WHERE status = 'running'", "") != DB_ROW) return -1;
	if (!n) return 0;
	char now[21];
	now_iso(now);
	int64_t ids[64], att[64];
	int k = 0;
	int rc = db_tx_begin(db);
	struct stmt *st = rc == E_OK ? db_query(db, "SELECT id, attempts FROM jobs WHERE status = 'running' ORDER BY id LIMIT 64", "") : NULL;
	if (st) {
		while (k < 64 && db_step(st) == DB_ROW) { ids[k] = db_int(st, 0); att[k] = db_int(st, 1); k++; }
	} else if (rc == E_OK) {
		rc = E_DB;
	}
	db_done(st);
	for (int i = 0; rc == E_OK && i < k; i++) {
		int64_t free_lock = 0;
		if (db_int1(db, &free_lock, "SELECT pg_try_advisory_lock($1::int4, $2::int4)", "ii", (int64_t)JOB_LOCK_NS, ids[i] & 0x7fffffff) != DB_ROW) {
			rc = E_DB;
			break;
		}
		if (!free_lock) continue; /* its worker is alive */
		int s = att[i] >= MAX_ATTEMPTS
				? db_exec(db, "UPDATE jobs SET status = 'failed', reason = $3, finished_at = $1, data = NULL WHERE id = $2 AND status = 'running'",
					  "tit", now, ids[i], N_("Interrupted: the server stopped while the job ran, three times"))
				: db_exec(db, "UPDATE jobs SET status = 'queued', started_at = NULL, done = 0 WHERE id = $1 AND status = 'running'", "i", ids[i]);
		if (s != DB_OK) rc = E_DB;
		else log_info("job %lld: its worker is gone (server stopped or disconnected); %s", (long long)ids[i],
			      att[i] >= MAX_ATTEMPTS ? "failed after three starts" : "queued again");
	}
	rc = db_tx_end(db, rc);
	if (k) unlock_all(db);
	return rc == E_OK ? 0 : -1;
}

/* one attempt at writing the end of a job; the worker retries while busy.
** Only while the job is still this run's (running, attempts of its claim):
** a job another worker took over meanwhile is left to that worker. */
static int finish(struct db *db, int64_t id, const char *status, struct job_run *j, const char *errors)
{
	char now[21];
	now_iso(now);
	if (!strcmp(status, "queued"))
		return db_exec(db, "UPDATE jobs SET status = 'queued', started_at = NULL, done = 0 WHERE id = $1 AND status = 'running' AND attempts = $2",
			       "ii", id, j->attempt) == DB_OK
			       ? E_OK
			       : E_DB;
	int done = !strcmp(status, "done") && j->output_type;
	int rc = done ? db_tx_begin(db) : E_OK;
	if (rc == E_OK &&
	    db_exec(db,
		    "UPDATE jobs SET status = $1, result = $2, errors = $3, reason = $4, finished_at = $5, data = NULL "
		    "WHERE id = $6 AND status = 'running' AND attempts = $7",
		    "tttt" "tii", status, j->result.len ? buf_cstr(&j->result) : NULL, errors, j->reason, now, id, j->attempt) != DB_OK)
		rc = E_DB;
	int ours = rc == E_OK && db_changes(db) > 0;
	if (rc == E_OK && done && ours && save_output(j, now) != DB_OK) rc = E_DB;
	return done ? db_tx_end(db, rc) : rc;
}

static void run(struct db *db, int64_t id, int64_t attempt)
{
	struct arena a;
	arena_init(&a);
	struct job_run j = { .db = db, .id = id, .attempt = attempt };
	buf_init(&j.result);
	buf_init(&j.output);
	j.errors = open_memstream(&j.err_text, &j.err_len);
	if (!j.errors) { arena_free(&a); return; }
	int64_t owner = 0;
	void *data = NULL;
	struct stmt *st = db_query(db, "SELECT kind, owner_id, entity_id, data, data_name, lang FROM jobs WHERE id = $1", "i", id);
	int found = st && db_step(st) == DB_ROW;
	if (found) {
		j.kind = dup_text(&a, st, 0);
		owner = db_int(st, 1);
		j.entity_id = db_int(st, 2);
		size_t n = 0;
		const void *p = db_blob(st, 3, &n);
		data = malloc(n ? n : 1);
		if (p && n) memcpy(data, p, n);
		j.data = data;
		j.len = n;
		j.data_name = dup_text(&a, st, 4);
		j.lang = i18n_pick(db_text(st, 5), NULL);
	}
	db_done(st);
	int rc = E_DB;
	job_fn *fn = found ? kind_fn(j.kind) : NULL;
	struct user *u = NULL;
	if (!found) j.reason = N_("The job could not be read");
	else if (!fn) j.reason = N_("No worker knows this kind of job");
	else if (owner && job_load_user(db, &a, owner, &u) != 0) j.reason = N_("The user who started the job is no longer active");
	else {
		j.who = owner ? u : &auth_system;
		if (on_pg(db)) db_writer_guard(db, still_ours, &j);
		rc = fn(&j);
		db_writer_guard(db, NULL, NULL);
	}
	if (db_in_tx(db)) db_rollback(db); /* a kind that returned inside its transaction */
	const char *status = rc == E_OK ? "done" : (rc == E_BUSY || job_stopping()) && found && fn ? "queued" : "failed";
	if (rc != E_OK && !j.reason && !strcmp(status, "failed")) j.reason = rc == E_INVALID ? N_("The file has errors") : N_("The database failed");
	log_info("job %lld %s %s%s%s", (long long)id, j.kind ? j.kind : "?", status, j.reason ? ": " : "", j.reason ? j.reason : "");
	const char *errs = errors_text(&j);
	if (!j.marked) {
		/* the end of a job must be written: wait out a busy database */
		for (int tries = 0; tries < 600 && finish(db, id, status, &j, errs) != E_OK; tries++) {
			struct timespec ts = { 0, 100 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
	if (on_pg(db)) unlock_all(db); /* the job's mark: its end is written */
	fclose(j.errors);
	free(j.err_text);
	free(data);
	buf_free(&j.result);
	buf_free(&j.output);
	arena_free(&a);
}

/* the files produced by jobs that finished more than OUTPUT_DAYS ago */
static void drop_old_outputs(struct db *db)
{
	time_t t = time(NULL) - (time_t)OUTPUT_DAYS * 86400;
	struct tm tm;
	char before[21];
	gmtime_r(&t, &tm);
	strftime(before, sizeof before, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (db_exec(db, "DELETE FROM job_outputs WHERE job_id IN (SELECT id FROM jobs WHERE finished_at < $1)", "t", before) != DB_OK)
		log_info("jobs: old outputs not dropped this time");
}

static struct every {
	int seconds;
	job_every_fn *fn;
	time_t last;
} every[8];
static int nevery;

void jobs_every(int seconds, job_every_fn *fn)
{
	if (nevery < (int)(sizeof every / sizeof *every)) every[nevery++] = (struct every){ seconds, fn, 0 };
}

static void *work(void *arg)
{
	struct db *db = arg;
	time_t dropped = 0, swept = time(NULL);
	for (;;) {
		if (time(NULL) - dropped >= 3600) { drop_old_outputs(db); dropped = time(NULL); }
		for (int i = 0; i < nevery; i++)
			if (time(NULL) - every[i].last >= every[i].seconds) {
				every[i].fn(db);
				every[i].last = time(NULL);
			}
		if (on_pg(db) && time(NULL) - swept >= SWEEP_SEC) { requeue_orphans(db); swept = time(NULL); }
		pthread_mutex_lock(&mu);
		int stop = stopping;
		pthread_mutex_unlock(&mu);
		if (stop) break;
		int64_t attempt = 0, id = claim(db, &attempt);
		if (id) {
			run(db, id, attempt);
			if (!strcmp(db_dialect(db), "sqlite"))
				db_script(db, "PRAGMA wal_checkpoint(PASSIVE);"); /* readers and writers go on meanwhile */
			continue;
		}
		pthread_mutex_lock(&mu);
		if (!wake && !stopping) {
			/* also polls: another process may queue jobs */
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&cv, &mu, &ts);
		}
		wake = 0;
		pthread_mutex_unlock(&mu);
	}
	db_close(db);
	pdf_thread_end(); /* the font map a report's chart made in this thread (pdf_library_end waits for every one) */
	return NULL;
}

int jobs_start(const char *db_path, jobs_user_fn *load_user)
{
	job_load_user = load_user;
	struct db *db;
	if (db_open(&db, db_path, 0) != DB_OK) return -1;
	/* the worker waits for other writers longer than a request does; it
	** checkpoints the WAL after each job instead of inside its commits, so a
	** big import's final transaction does not also copy the log back */
	db_busy_timeout(db, 30000);
	if (!strcmp(db_dialect(db), "sqlite")) db_script(db, "PRAGMA wal_autocheckpoint=0;");
	char now[21];
	now_iso(now);
	if (on_pg(db)) {
		/* other servers may be running jobs of this database: only the
		** jobs whose worker is gone are queued again */
		if (requeue_orphans(db) != 0) { db_close(db); return -1; }
	} else {
		int rc = db_tx_begin(db);
		if (rc == E_OK &&
		    db_exec(db, "UPDATE jobs SET status = 'failed', reason = $3, finished_at = $1, data = NULL WHERE status = 'running' AND attempts >= $2",
			    "tit", now, (int64_t)MAX_ATTEMPTS, N_("Interrupted: the server stopped while the job ran, three times")) != DB_OK)
			rc = E_DB;
		if (rc == E_OK && db_exec(db, "UPDATE jobs SET status = 'queued', started_at = NULL, done = 0 WHERE status = 'running'", "") != DB_OK)
			rc = E_DB;
		if (db_tx_end(db, rc) != E_OK) { db_close(db); return -1; }
	}
	stopping = 0;
	if (pthread_create(&worker, NULL, work, db) != 0) { db_close(db); return -1; }
	running = 1;
	return 0;
}

void jobs_stop(void)
{
	if (!running) return;
	pthread_mutex_lock(&mu);
	stopping = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(worker, NULL);
	running = 0;
}
