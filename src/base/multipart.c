#include "multipart.h"
#include "fold.h"

#include <string.h>
#include <strings.h>

#include "arena.h"

static int is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* RFC 2046 bchars */
static int is_bchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c && strchr("'()+_,-./:=? ", c));
}

static const char *skip_ows(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t')) s++;
	return s;
}

/* One parameter value at *s: a token or a quoted string. In a quoted string
** a backslash is taken literally (browsers send Windows paths that way and
** percent-encode '"'); the value ends at the next '"'. */
static int param_value(struct arena *a, const char **s, const char *end, const char **out)
{
	const char *p = *s;
	if (p < end && *p == '"') {
		const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
		if (!q) return -1;
		*out = arena_strndup(a, p + 1, (size_t)(q - p - 1));
		*s = q + 1;
		return 0;
	}
	const char *q = p;
	while (q < end && is_tchar((unsigned char)*q)) q++;
	if (q == p) return -1;
	*out = arena_strndup(a, p, (size_t)(q - p));
	*s = q;
	return 0;
}

/* Parameters after a type: ; name=value ... Calls want() for each; names
** are matched case-insensitively. Returns -1 on a syntax error or when a
** wanted parameter comes twice. */
struct param { const char *name; const char **value; };

static int params(struct arena *a, const char *s, const char *end, struct param *want, int nwant)
{
	for (;;) {
		s = skip_ows(s, end);
		if (s == end) return 0;
		if (*s != ';') return -1;
		s = skip_ows(s + 1, end);
		const char *k = s;
		while (s < end && is_tchar((unsigned char)*s)) s++;
		if (s == k) return -1;
		size_t klen = (size_t)(s - k);
		s = skip_ows(s, end);
		if (s == end || *s != '=') return -1;
		s = skip_ows(s + 1, end);
		const char *v;
		if (param_value(a, &s, end, &v) != 0) return -1;
		for (int i = 0; i < nwant; i++) {
			if (strlen(want[i].name) != klen || strncasecmp(want[i].name, k, klen) != 0) continue;
			if (*want[i].value) return -1; /* twice */
			*want[i].value = v;
		}
	}
}

int multipart_is(const char *ct)
{
	if (!ct) return 0;
	while (*ct == ' ' || *ct == '\t') ct++;
	return strncasecmp(ct, "multipart/form-data", 19) == 0 && (ct[19] == 0 || ct[19] == ';' || ct[19] == ' ' || ct[19] == '\t');
}

static int boundary_of(struct arena *a, const char *ct, const char **boundary)
{
	if (!multipart_is(ct)) return -1;
	while (*ct == ' ' || *ct == '\t') ct++;
	const char *b = NULL;
	struct param want[] = { { "boundary", &b } };
	if (params(a, ct + 19, ct + strlen(ct), want, 1) != 0 || !b) return -1;
	size_t n = strlen(b);
	if (n < 1 || n > MP_MAX_BOUNDARY || b[n - 1] == ' ') return -1;
	for (size_t i = 0; i < n; i++)
		if (!is_bchar((unsigned char)b[i])) return -1;
	*boundary = b;
	return 0;
}

static int has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f) return 1;
	return 0;
}

/* Content-Disposition: form-data; name="..."; filename="..." */
static const char *disposition(struct arena *a, const char *v, const char *end, struct mp_part *pt)
{
	const char *t = v;
	while (v < end && is_tchar((unsigned char)*v)) v++;
	if ((size_t)(v - t) != 9 || strncasecmp(t, "form-data", 9) != 0) return "the disposition is not form-data";
	const char *name = NULL, *filename = NULL;
	struct param want[] = { { "name", &name }, { "filename", &filename } };
	if (params(a, v, end, want, 2) != 0) return "bad Content-Disposition parameters";
	if (!name || !*name) return "a part without a name";
	if (has_ctl(name)) return "control characters in a name";
	if (filename) {
		/* controls refused, bidi overrides dropped ("x\u202Efdp.exe") */
		char *clean = arena_strdup(a, filename);
		size_t cl = strlen(clean);
		if (text_clean(clean, &cl, 0) != 0) return "control characters in a file name";
		filename = clean;
		const char *base = filename;
		for (const char *p = filename; *p; p++)
			if (*p == '/' || *p == '\\') base = p + 1;
		if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0) return "a file name that is only dots";
		filename = base;
	}
	pt->name = name;
	pt->filename = filename;
	return NULL;
}

static const char *find_crlf(const char *p, const char *end, size_t max)
{
	size_t avail = (size_t)(end - p);
	if (avail > max) avail = max;
	for (size_t i = 0; i + 1 < avail; i++)
		if (p[i] == '\r' && p[i + 1] == '\n') return p + i;
	return NULL;
}

/* The headers of a part from *pp to its empty line; *pp ends after it. */
static const char *part_headers(struct arena *a, const char **pp, const char *end, struct mp_part *pt)
{
	const char *p = *pp;
	int nh = 0, have_cd = 0;
	for (;;) {
		const char *eol = find_crlf(p, end, MP_MAX_LINE + 2);
		if (!eol) return (size_t)(end - p) > MP_MAX_LINE + 1 ? "a part header line is too long" : "unterminated part headers";
		if (eol == p) {
			p += 2;
			break;
		}
		if (++nh > MP_MAX_HEADERS) return "too many part headers";
		if (*p == ' ' || *p == '\t') return "a folded part header";
		for (const char *q = p; q < eol; q++)
			if (((unsigned char)*q < 0x20 && *q != '\t') || *q == 0x7f) return "control characters in a part header";
		const char *colon = memchr(p, ':', (size_t)(eol - p));
		if (!colon || colon == p) return "a part header without a name";
		for (const char *q = p; q < colon; q++)
			if (!is_tchar((unsigned char)*q)) return "a bad part header name";
		size_t klen = (size_t)(colon - p);
		const char *v = skip_ows(colon + 1, eol), *ve = eol;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
		if (klen == 19 && strncasecmp(p, "Content-Disposition", 19) == 0) {
			if (have_cd++) return "two Content-Disposition headers";
			const char *err = disposition(a, v, ve, pt);
			if (err) return err;
		} else if (klen == 12 && strncasecmp(p, "Content-Type", 12) == 0) {
			if (pt->ctype) return "two Content-Type headers";
			pt->ctype = arena_strndup(a, v, (size_t)(ve - v));
		}
		/* anything else (Content-Transfer-Encoding, ...) is ignored */
		p = eol + 2;
	}
	if (!have_cd) return "a part without Content-Disposition";
	*pp = p;
	return NULL;
}

int multipart_parse(struct arena *a, const char *content_type, const char *body, size_t n, struct mp_part **parts,
		    int *nparts, const char **err)
{
	const char *b;
	*parts = NULL;
	*nparts = 0;
	if (boundary_of(a, content_type, &b) != 0) {
		*err = "no valid boundary in the Content-Type";
		return -1;
	}
	/* "\r\n--" boundary: the delimiter inside the body */
	size_t blen = strlen(b);
	char *delim = arena_alloc(a, blen + 5);
	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, b, blen);
	size_t dlen = blen + 4;
	const char *end = body + n, *p;
	if (n >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
		p = body + dlen - 2;
	} else {
		/* a preamble before the first delimiter is allowed and ignored */
		const char *d = body ? memmem(body, n, delim, dlen) : NULL;
		if (!d) { *err = "no boundary in the body"; return -1; }
		p = d + dlen;
	}
	struct mp_part *out = arena_alloc(a, sizeof *out * MP_MAX_PARTS);
	int np = 0;
	for (;;) {
		/* after a delimiter: "--" closes, else padding and CRLF open a part */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-') break;
		p = skip_ows(p, end);
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
			*err = p == end ? "no closing boundary" : "a boundary line with trailing text";
			return -1;
		}
		p += 2;
		struct mp_part pt = { 0 };
		const char *e = part_headers(a, &p, end, &pt);
		if (e) { *err = e; return -1; }
		const char *d = memmem(p, (size_t)(end - p), delim, dlen);
		if (!d) { *err = "no closing boundary"; return -1; }
		pt.data = p;
		pt.len = (size_t)(d - p);
		p = d + dlen;
		if (pt.filename && !*pt.filename) {
			if (pt.len) { *err = "a file without a file name"; return -1; }
			continue; /* a file input left empty */
		}
		if (np == MP_MAX_PARTS) { *err = "too many parts"; return -1; }
		out[np++] = pt;
	}
	*parts = out;
	*nparts = np;
	return 0;
}
