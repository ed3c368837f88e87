/* buf: a growable byte buffer and the escaping writers that fill it.
** Every HTML, URL and JSON escape in the product goes through here, so a
** page cannot forget one: buf_html() is the default, buf_raw() stands out. */
#ifndef THIDUA_BUF_H
#define THIDUA_BUF_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	char *p;     /* always NUL-terminated when len > 0 or after buf_cstr() */
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_raw(struct buf *b, const char *s);         /* unescaped: visible on purpose */
void buf_char(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_int(struct buf *b, int64_t v);
void buf_html(struct buf *b, const char *s);        /* text and attribute values */
void buf_url(struct buf *b, const char *s);         /* one URL component */
const char *buf_cstr(struct buf *b);                /* "" when empty; owned by b */
char *buf_detach(struct buf *b);                    /* caller frees */

#endif
