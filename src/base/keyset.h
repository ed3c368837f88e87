/* keyset: the keys (codes) an import has seen, each with the line it was
** first seen on, so that a key repeated in one file is named with both
** lines instead of the later line silently overwriting the earlier one. */
#ifndef THIDUA_KEYSET_H
#define THIDUA_KEYSET_H
#include <stddef.h>
#include <stdint.h>

struct keyset {
	uint32_t *slot;   /* 0 empty, else 1 + the entry's index */
	size_t nslots;    /* a power of two */
	struct keyset_entry { uint64_t hash; size_t off; int line; } *e;
	size_t n, cap;
	char *text;       /* the keys, NUL-terminated, one after another */
	size_t len, tcap;
};

void keyset_init(struct keyset *k);
void keyset_free(struct keyset *k);
/* 0 when key is new (it is added with line), the line it was first seen on
** when it was seen before, -1 when out of memory */
int keyset_add(struct keyset *k, const char *key, int line);

#endif
