/* buf: a growable byte buffer and the escaping writers that fill it.
** Every HTML, URL and JSON escape in the product goes through here, so a
** page cannot forget one: buf_html() is the default, buf_raw() stands out. */
#ifndef THIDUA_BUF_H
#define THIDUA_BUF_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct buf {
	char *p;     /* always NUL-terminated when len > 0 or after buf_cstr() */
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_grow_to(struct buf *b, size_t extra);     /* the slow path of buf_grow */
/* room for extra more bytes and the NUL; inline, as are buf_add and buf_char:
** the writers of every reply call them a few times per byte of text */
static inline void buf_grow(struct buf *b, size_t extra)
{
	if (b->len + extra + 1 > b->cap) buf_grow_to(b, extra);
}
static inline void buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n) memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = 0;
}
static inline void buf_char(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = 0;
}
void buf_raw(struct buf *b, const char *s);         /* unescaped: visible on purpose */
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_int(struct buf *b, int64_t v);
void buf_html(struct buf *b, const char *s);        /* text and attribute values */
void buf_url(struct buf *b, const char *s);         /* one URL component */
const char *buf_cstr(struct buf *b);                /* "" when empty; owned by b */
char *buf_detach(struct buf *b);                    /* caller frees */

#endif
