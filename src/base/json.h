/* json: a streaming JSON writer into a buf. Commas are placed for the
** caller; strings are escaped and invalid UTF-8 becomes U+FFFD, so the
** output is always valid JSON. Request bodies are parsed with jansson. */
#ifndef THIDUA_JSON_H
#define THIDUA_JSON_H
#include <stdint.h>

#include "buf.h"

#define JW_MAXDEPTH 32

struct jw {
	struct buf *b;
	int depth;
	unsigned char first[JW_MAXDEPTH]; /* 1 until the level's first value */
	int after_key;
};

void jw_init(struct jw *w, struct buf *b);
void jw_obj(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *k);
void jw_str(struct jw *w, const char *s);           /* NULL writes null */
void jw_int(struct jw *w, int64_t v);
void jw_num(struct jw *w, double v);
void jw_bool(struct jw *w, int v);
void jw_null(struct jw *w);
void jw_raw(struct jw *w, const char *json);        /* pre-serialised JSON value */
void jw_kstr(struct jw *w, const char *k, const char *s);
void jw_kint(struct jw *w, const char *k, int64_t v);
void jw_kbool(struct jw *w, const char *k, int v);
void jw_escape(struct buf *b, const char *s);       /* the quoted string alone */

#endif
