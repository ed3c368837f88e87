/* json: a streaming JSON writer into a buf. Commas are placed for the
** caller; strings are escaped and invalid UTF-8 becomes U+FFFD, so the
** output is always valid JSON. Request bodies are parsed with jansson. */
#ifndef THIDUA_JSON_H
#define THIDUA_JSON_H
#include <stdint.h>
#include <string.h>

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
/* a key, n its strlen, checked and escaped (jw_key below: a literal key
** is copied as it is) */
void jw_key_n(struct jw *w, const char *k, size_t n);
void jw_str(struct jw *w, const char *s);           /* NULL writes null */
void jw_int(struct jw *w, int64_t v);
void jw_num(struct jw *w, double v);
void jw_bool(struct jw *w, int v);
void jw_null(struct jw *w);
void jw_raw(struct jw *w, const char *json);        /* pre-serialised JSON value */
void jw_escape(struct buf *b, const char *s);       /* the quoted string alone */

/* a literal key of plain ASCII (the compiler knows its bytes and length):
** the separator, the quoted key and the colon with one copy of constant
** size; any other key is checked and escaped by jw_key_n. Macros, so that
** the compiler sees the literal at the call (a list of 50 units writes 650
** keys). */
static inline void jw_key_lit(struct jw *w, const char *k, size_t n)
{
	struct buf *b = w->b;
	int comma = !w->after_key && !w->first[w->depth];
	if (!w->after_key) w->first[w->depth] = 0;
	w->after_key = 1;
	buf_grow(b, n + 4);
	char *o = b->p + b->len;
	*o = ',';
	o += comma;
	o[0] = '"';
	memcpy(o + 1, k, n);
	o[n + 1] = '"';
	o[n + 2] = ':';
	b->len += (size_t)comma + n + 3;
	b->p[b->len] = 0;
}
/* the bytes a key cannot hold as it is: controls, '"', '\\' and non-ASCII */
#define JW_NOT_PLAIN \
	"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10" \
	"\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\"" \
	"\\\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e" \
	"\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e" \
	"\x9f\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae" \
	"\xaf\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe" \
	"\xbf\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce" \
	"\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde" \
	"\xdf\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee" \
	"\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe" \
	"\xff"
/* whether k is a string constant of plain bytes only, known to the compiler
** (strpbrk of two constants is worked out at compile time) */
#define JW_LITERAL_KEY(k) \
	(__builtin_constant_p(__builtin_strpbrk((k), JW_NOT_PLAIN) == 0) && __builtin_strpbrk((k), JW_NOT_PLAIN) == 0 && \
	 __builtin_constant_p(strlen(k)) && strlen(k) <= 48)
#define jw_key(w, k) (JW_LITERAL_KEY(k) ? jw_key_lit((w), (k), strlen(k)) : jw_key_n((w), (k), strlen(k)))
#define jw_kstr(w, k, s) (jw_key((w), (k)), jw_str((w), (s)))
#define jw_kint(w, k, v) (jw_key((w), (k)), jw_int((w), (v)))
#define jw_kbool(w, k, v) (jw_key((w), (k)), jw_bool((w), (v)))

#endif
