#include "req_build.h"

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* the methods libevent's request-line parser knows; any other is its 400 */
static int method_of(const char *s, enum method *m)
{
	static const struct {
		const char *name;
		enum method m;
	} known[] = {
		{ "GET", M_GET }, { "POST", M_POST }, { "PUT", M_PUT }, { "PATCH", M_PATCH }, { "DELETE", M_DELETE },
		{ "HEAD", M_HEAD }, { "OPTIONS", M_OPTIONS }, { "TRACE", M_OTHER }, { "CONNECT", M_OTHER },
	};
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		if (strcmp(s, known[i].name) == 0) {
			*m = known[i].m;
			return 0;
		}
	return -1;
}

/* straight into the list, as libevent's header parser does (it keeps a lone
** CR inside a value; evhttp_add_header would refuse it) */
static int header_add(struct evkeyvalq *q, const char *name, const char *value)
{
	struct evkeyval *kv = calloc(1, sizeof *kv);
	if (!kv) return -1;
	kv->key = strdup(name);
	kv->value = strdup(value);
	if (!kv->key || !kv->value) {
		free(kv->key);
		free(kv->value);
		free(kv);
		return -1;
	}
	TAILQ_INSERT_TAIL(q, kv, next);
	return 0;
}

int req_build(struct req *r, struct db *db, const char *method, const char *target, const char *const *headers,
	      int nheaders, const char *body, size_t len, const char *peer, const struct req_limits *lim)
{
	memset(r, 0, sizeof *r);
	enum method m;
	if (method_of(method, &m) != 0) return -1;
	size_t hsize = 0;
	for (int i = 0; i < nheaders; i++) {
		const char *name = headers[2 * i], *value = headers[2 * i + 1];
		if (!*name || strchr(name, ':') || strpbrk(name, "\r\n") || strchr(value, '\n')) return -1;
		hsize += strlen(name) + strlen(value) + 4;
	}
	if (hsize > lim->max_headers) return -1;
	struct evhttp_uri *uri = evhttp_uri_parse_with_flags(target, EVHTTP_URI_NONCONFORMANT);
	if (!uri) return -1;

	r->ev = evhttp_request_new(NULL, NULL);
	if (!r->ev) {
		evhttp_uri_free(uri);
		return -1;
	}
	struct evkeyvalq *in = evhttp_request_get_input_headers(r->ev);
	for (int i = 0; i < nheaders; i++) header_add(in, headers[2 * i], headers[2 * i + 1]);
	r->db = db;
	r->method = m;
	arena_init(&r->a);
	buf_init(&r->out);
	TAILQ_INIT(&r->query);
	TAILQ_INIT(&r->form);
	r->status = 200;

	/* from here as in on_request() */
	const char *path = evhttp_uri_get_path(uri);
	size_t declen = 0;
	char *dec = evhttp_uridecode(path && *path ? path : "/", 0, &declen);
	r->path = arena_strdup(&r->a, dec ? dec : "/");
	if (dec && strlen(dec) != declen) r->has_nul = 1;
	free(dec);
	const char *q = evhttp_uri_get_query(uri);
	r->raw_query = q ? arena_strdup(&r->a, q) : NULL;
	if (r->raw_query && strcasestr(r->raw_query, "%00")) r->has_nul = 1;
	if (r->raw_query) evhttp_parse_query_str(r->raw_query, &r->query);
	evhttp_uri_free(uri);
	r->peer = arena_strdup(&r->a, peer ? peer : "");

	size_t limit = multipart_is(req_header(r, "Content-Type")) ? lim->max_upload : lim->max_body;
	if (len > limit) {
		r->too_large = 1;
		len = 0;
	}
	char *copy = arena_alloc(&r->a, len + 1);
	if (len) memcpy(copy, body, len);
	copy[len] = 0;
	r->body = copy;
	r->body_len = len;
	return 0;
}

void req_release(struct req *r)
{
	if (r->json) json_decref(r->json);
	evhttp_clear_headers(&r->query);
	evhttp_clear_headers(&r->form);
	buf_free(&r->out);
	if (r->out_ref) r->out_ref_done(r->out_ref, r->out_ref_len, r->out_ref_arg);
	arena_free(&r->a);
	evhttp_request_free(r->ev);
	memset(r, 0, sizeof *r);
}
