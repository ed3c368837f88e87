/* File downloads: GET /files/{id} and /api/v1/files/{id} send an
** attachment's bytes when attachment_readable() allows it; otherwise, as
** for an unknown id, 404, so a download does not reveal what exists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/files.h"
#include "../base/util.h"
#include "web.h"

/* attachment; filename="ASCII fallback"; filename*=UTF-8''percent-encoded
** (RFC 6266 and 8187): the fallback keeps printable ASCII except '"' and
** '\', and turns each other character into '_'. */
static void disposition(struct buf *b, const char *name)
{
	buf_raw(b, "attachment; filename=\"");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p >= 0x80) {
			if ((*p & 0xc0) != 0x80) buf_char(b, '_'); /* one per UTF-8 sequence */
		} else if (*p >= 0x20 && *p != 0x7f) {
			buf_char(b, *p == '"' || *p == '\\' ? '_' : (char)*p);
		}
	}
	buf_raw(b, "\"; filename*=UTF-8''");
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		unsigned char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c && strchr("!#$&+-.^_`|~", c))) {
			buf_char(b, (char)c);
		} else {
			buf_char(b, '%');
			buf_char(b, hex[c >> 4]);
			buf_char(b, hex[c & 15]);
		}
	}
}

/* Does an If-None-Match list name this entity tag (weak or strong)? */
static int etag_matches(const char *inm, const char *etag)
{
	size_t el = strlen(etag);
	const char *p = inm;
	while (p && *p) {
		while (*p == ' ' || *p == '\t' || *p == ',') p++;
		if (*p == '*') return 1;
		if (strncmp(p, "W/", 2) == 0) p += 2;
		size_t n = strcspn(p, ",");
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
		if (n == el && memcmp(p, etag, el) == 0) return 1;
		p = strchr(p, ',');
	}
	return 0;
}

void files_reply(struct req *r, const struct attachment *t)
{
	const char *etag = arena_printf(&r->a, "\"%s\"", t->sha256);
	req_set_header(r, "ETag", etag);
	req_set_header(r, "Cache-Control", "private");
	req_set_header(r, "X-Content-Type-Options", "nosniff");
	const char *inm = req_header(r, "If-None-Match");
	buf_reset(&r->out);
	if (inm && etag_matches(inm, etag)) {
		r->status = 304;
		return;
	}
	struct buf cd;
	buf_init(&cd);
	disposition(&cd, t->name);
	req_set_header(r, "Content-Disposition", buf_cstr(&cd));
	buf_free(&cd);
	if (r->method != M_HEAD) {
		buf_grow(&r->out, (size_t)t->size);
		int rc = files_read(r->db, t->file_id, &r->out);
		if (rc != E_OK) {
			evhttp_remove_header(evhttp_request_get_output_headers(r->ev), "Content-Disposition");
			reply_fail(r, rc, NULL);
			return;
		}
	}
	r->status = 200;
	r->ctype = t->mime;
}

void attachment_json(struct jw *w, const struct attachment *t)
{
	jw_obj(w);
	jw_kint(w, "id", t->id);
	jw_kstr(w, "name", t->name);
	jw_kstr(w, "mime", t->mime);
	jw_kint(w, "size", t->size);
	jw_kstr(w, "sha256", t->sha256);
	jw_kstr(w, "created_at", t->created_at);
	char url[48];
	snprintf(url, sizeof url, "/api/v1/files/%lld", (long long)t->id);
	jw_kstr(w, "url", url);
	jw_obj_end(w);
}

static void download(struct req *r)
{
	int64_t id;
	struct attachment *t = NULL;
	if (parse_id(r->params[0], &id) != 0 || files_get(r->db, &r->a, id, &t) != E_OK || !t->active ||
	    !attachment_readable(r, t->entity, t->entity_id)) {
		reply_fail(r, E_NOTFOUND, NULL);
		return;
	}
	files_reply(r, t);
}

void page_file(struct req *r) { download(r); }
void api_file(struct req *r) { download(r); }
