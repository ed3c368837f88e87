/* multipart: a strict reader of multipart/form-data bodies (RFC 7578 over
** RFC 2046). The body is not copied: each part's data points into it and is
** binary-safe (CR, LF and NUL are kept); names, file names and the parts
** array are allocated in the caller's arena. Anything malformed is an error
** with a reason, never a crash; limits keep a hostile body cheap. */
#ifndef THIDUA_MULTIPART_H
#define THIDUA_MULTIPART_H
#include <stddef.h>

struct arena;

#define MP_MAX_PARTS 64
#define MP_MAX_LINE 1024        /* bytes of one part header line, CRLF excluded */
#define MP_MAX_HEADERS 8        /* header lines of one part */
#define MP_MAX_BOUNDARY 70      /* RFC 2046 */

struct mp_part {
	const char *name;          /* the form field (Content-Disposition name) */
	const char *filename;      /* NULL for a text field; any directory removed */
	const char *ctype;         /* the part's Content-Type, NULL when absent */
	const char *data;          /* into the body; not NUL-terminated */
	size_t len;
};

/* 1 if the Content-Type header names multipart/form-data */
int multipart_is(const char *content_type);

/* Reads body (n bytes) sent with content_type. On success returns 0 with
** *parts (arena) and *nparts; on error returns -1 and *err names the reason
** (a static English string for logs and tests). A file input left empty
** (filename "" and no data) is not a part. */
int multipart_parse(struct arena *a, const char *content_type, const char *body, size_t n, struct mp_part **parts,
		    int *nparts, const char **err);

#endif
