/* req_build: a struct req made from plain strings instead of a connection,
** so a request can be handed to web_dispatch() without a socket. The fuzz
** target of the router (tests/fuzz/fuzz_request.c) uses it; the server does
** not. It fills the request the way on_request() in src/base/http.c does
** (decoded path and the NUL check, query, peer, body and its limit), and
** refuses what libevent itself would answer with 400 before any handler
** runs: an unknown method, a target that is not a URI, a header that is
** not "Name: value" text. One difference: r->ev carries no parsed URI, so a
** page that echoes its own address (page_here) sees the path "/" with the
** real query. */
#ifndef THIDUA_REQ_BUILD_H
#define THIDUA_REQ_BUILD_H
#include <stddef.h>

#include "web.h"

struct req_limits {
	size_t max_body;    /* any body but multipart/form-data; over it: 413 */
	size_t max_upload;  /* a multipart/form-data body */
	size_t max_headers; /* names and values together; over it libevent refuses */
};

/* method: "GET", "POST"...; target: "/path?query" as on the request line;
** headers: nheaders name/value pairs; body: len bytes (any bytes).
** 0 and r ready for web_dispatch(), or -1 (nothing to release). */
int req_build(struct req *r, struct db *db, const char *method, const char *target, const char *const *headers,
	      int nheaders, const char *body, size_t len, const char *peer, const struct req_limits *lim);
/* frees what req_build and the handler allocated */
void req_release(struct req *r);

#endif
