/* http: the server. One evhttp per worker thread, all accepting on one
** listening socket; a request is read by libevent, turned into a struct req
** and handed to the application's dispatcher, which fills r->out. Limits on
** headers, body, time and connections are enforced here; SIGTERM stops
** accepting, lets handlers finish and flushes replies before exit. */
#ifndef THIDUA_HTTP_H
#define THIDUA_HTTP_H
#include <event2/http.h>
#include <sys/queue.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "multipart.h"

enum method { M_GET = 1, M_POST, M_PUT, M_PATCH, M_DELETE, M_HEAD, M_OPTIONS, M_OTHER };

struct user;
struct db;

struct req {
	struct evhttp_request *ev;
	enum method method;
	const char *path;           /* decoded, without the query */
	const char *raw_query;
	struct evkeyvalq query;     /* parsed query string */
	struct evkeyvalq form;      /* urlencoded body, or the text parts of a multipart one */
	struct mp_part *files;      /* the file parts of a multipart body (arena) */
	int nfiles;
	int too_large;              /* the body was over its limit and dropped: 413 */
	int has_nul;                /* a %00 in the path or the query: 400 */
	json_t *json;               /* parsed JSON body; NULL if none */
	const char *body;           /* NUL-terminated copy in the arena */
	size_t body_len;
	const char *peer;           /* client address */
	struct arena a;             /* freed when the reply is sent */
	struct db *db;              /* this thread's connection */
	struct user *user;          /* NULL when anonymous */
	const char *session_id;     /* raw cookie value when logged in by cookie */
	const char *csrf;           /* the session's CSRF token */
	int by_token;               /* authenticated by bearer token */
	uint64_t stamp[2];          /* the database's change stamp, read once in a GET's snapshot (web/cache.c) */
	int stamp_ok;               /* stamp was read and nothing was written since */
	uint64_t stamp_writes;      /* db_write_count() when stamp was read (memo_get) */
	const char *lang;           /* "vi", "en" or "hi" */
	int api;                    /* under /api/: JSON errors */
	const char *params[4];      /* {x} segments of the route pattern */
	struct buf out;
	/* the body by reference instead of out (the reply cache's bytes): added
	** to the reply without a copy, out_ref_done(out_ref, out_ref_len,
	** out_ref_arg) called once libevent no longer needs them (or at once) */
	const void *out_ref;
	size_t out_ref_len;
	void (*out_ref_done)(const void *data, size_t len, void *arg);
	void *out_ref_arg;
	int status;
	const char *ctype;
	int thread;                 /* worker index */
	const char *qerr;           /* first query parameter that failed to parse */
	const char *qerr_msg;       /* and why (a msgid) */
	const char *notice;         /* a page's message above everything, translated (web/reply.c form_conflict) */
};

struct http_config {
	const char *listen;         /* HOST:PORT */
	int threads;
	size_t max_body;            /* bytes; any body but multipart/form-data */
	size_t max_upload;          /* bytes; a multipart/form-data body */
	size_t max_headers;         /* bytes */
	int timeout_sec;            /* reading a request, idle keep-alive */
	int max_conns;              /* per worker thread */
	const char *db_path;
	void (*handle)(struct req *r);
	/* called in each worker before serving / after; may be NULL */
	int (*thread_init)(int thread, struct db **db);
	void (*thread_end)(void);  /* called in each worker when it stops; may be NULL */
};

int http_serve(const struct http_config *cfg);

/* accessors for handlers */
const char *req_header(struct req *r, const char *name);
void req_set_header(struct req *r, const char *name, const char *value);
const char *req_query(struct req *r, const char *name);  /* NULL if absent */
const char *req_form(struct req *r, const char *name);   /* NULL if absent */
/* Reads a multipart/form-data body: its text fields into r->form (so the
** form readers and the _csrf check work as for a urlencoded form), its
** files into r->files. 0, or -1 with the reason in *why. */
int req_read_multipart(struct req *r, const char *content_type, const char **why);
/* the first file part sent in field name, or NULL */
const struct mp_part *req_file(struct req *r, const char *name);
/* adds a form field (value: len bytes, cut at a NUL); 0 on success */
int req_form_add(struct req *r, const char *name, const char *value, size_t len);
const char *req_cookie(struct req *r, const char *name); /* arena copy or NULL */
const char *method_name(enum method m);

#endif
