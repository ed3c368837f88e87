#include "arena.h"
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

void arena_init(struct arena *a) { a->head = NULL; }

void arena_free(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *n = b->next;
		free(b);
		b = n;
	}
	a->head = NULL;
}

/* the usual block, and the one a worker keeps from request to request: a
** list of 50 units takes about 20 KiB of rows and strings, which a block of
** 8 KiB made three mallocs and frees a request; under glibc's mmap threshold */
#define ARENA_BLOCK 65536

void arena_free_keep(struct arena *a, struct arena_block **spare)
{
	struct arena_block *b = a->head, *keep = NULL;
	while (b) {
		struct arena_block *n = b->next;
		if (!keep && !*spare && b->cap == ARENA_BLOCK) keep = b;
		else free(b);
		b = n;
	}
	a->head = NULL;
	if (keep) {
		keep->used = 0;
		keep->next = NULL;
		*spare = keep;
	}
}

void arena_init_spare(struct arena *a, struct arena_block **spare)
{
	a->head = *spare;
	*spare = NULL;
}

/* n bytes, not zeroed (the copies below write every byte) */
void *arena_alloc_uninit(struct arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct arena_block *b = a->head;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		b = malloc(sizeof *b + cap);
		if (!b) { fputs("out of memory\n", stderr); abort(); }
		b->used = 0;
		b->cap = cap;
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += n;
	return p;
}

void *arena_alloc(struct arena *a, size_t n)
{
	void *p = arena_alloc_uninit(a, n);
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	if (!s) return NULL;
	char *p = arena_alloc_uninit(a, n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *arena_strdup(struct arena *a, const char *s) { return s ? arena_strndup(a, s, strlen(s)) : NULL; }

/* through buf_vprintf: one pass, and none of vsnprintf's for the formats of
** %s and %d it writes itself (a unit page makes 25 of these) */
char *arena_printf(struct arena *a, const char *fmt, ...)
{
	struct buf t;
	buf_init(&t);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&t, fmt, ap);
	va_end(ap);
	char *p = arena_strndup(a, t.p ? t.p : "", t.len);
	buf_free(&t);
	return p;
}
