#include "keyset.h"

#include <stdlib.h>
#include <string.h>

void keyset_init(struct keyset *k) { memset(k, 0, sizeof *k); }

void keyset_free(struct keyset *k)
{
	free(k->slot);
	free(k->e);
	free(k->text);
	memset(k, 0, sizeof *k);
}

static uint64_t key_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

static int grow_slots(struct keyset *k)
{
	size_t n = k->nslots ? k->nslots * 2 : 1024;
	uint32_t *s = calloc(n, sizeof *s);
	if (!s) return -1;
	for (size_t i = 0; i < k->n; i++) {
		size_t j = (size_t)k->e[i].hash & (n - 1);
		while (s[j]) j = (j + 1) & (n - 1);
		s[j] = (uint32_t)(i + 1);
	}
	free(k->slot);
	k->slot = s;
	k->nslots = n;
	return 0;
}

int keyset_add(struct keyset *k, const char *key, int line)
{
	size_t len = strlen(key);
	if ((k->n + 1) * 2 > k->nslots && (k->n >= UINT32_MAX - 1 || grow_slots(k) != 0)) return -1;
	uint64_t h = key_hash(key, len);
	size_t j = (size_t)h & (k->nslots - 1);
	for (; k->slot[j]; j = (j + 1) & (k->nslots - 1)) {
		const struct keyset_entry *x = &k->e[k->slot[j] - 1];
		if (x->hash == h && strcmp(k->text + x->off, key) == 0) return x->line;
	}
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 256;
		void *p = realloc(k->e, cap * sizeof *k->e);
		if (!p) return -1;
		k->e = p;
		k->cap = cap;
	}
	if (k->len + len + 1 > k->tcap) {
		size_t cap = k->tcap ? k->tcap * 2 : 4096;
		while (cap < k->len + len + 1) cap *= 2;
		char *p = realloc(k->text, cap);
		if (!p) return -1;
		k->text = p;
		k->tcap = cap;
	}
	memcpy(k->text + k->len, key, len + 1);
	k->e[k->n] = (struct keyset_entry){ h, k->len, line };
	k->len += len + 1;
	k->slot[j] = (uint32_t)++k->n;
	return 0;
}
