/* Fuzz target: the multipart/form-data reader. The input's first line is
** the Content-Type header, the rest the body. Any input ends in parts or an
** error without a crash; parts lie inside the body, at most MP_MAX_PARTS,
** every one named, and file names carry no directory or control character. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	if (!nl) return 0;
	size_t cl = (size_t)(nl - data);
	char *ct = malloc(cl + 1);
	memcpy(ct, data, cl);
	ct[cl] = 0;
	/* the body in its own allocation, so ASan sees any read past it */
	size_t n = size - cl - 1;
	char *body = malloc(n ? n : 1);
	memcpy(body, nl + 1, n);
	struct arena a;
	arena_init(&a);
	struct mp_part *parts;
	int np;
	const char *err = NULL;
	if (multipart_parse(&a, ct, body, n, &parts, &np, &err) == 0) {
		if (np < 0 || np > MP_MAX_PARTS) abort();
		for (int i = 0; i < np; i++) {
			const struct mp_part *p = &parts[i];
			if (!p->name || !*p->name) abort();
			if (p->data < body || p->data + p->len > body + n) abort();
			if (p->filename) {
				if (!*p->filename || strchr(p->filename, '/') || strchr(p->filename, '\\')) abort();
				for (const char *c = p->filename; *c; c++)
					if ((unsigned char)*c < 0x20 || *c == 0x7f) abort();
			}
		}
	} else if (!err || !*err) {
		abort();
	}
	arena_free(&a);
	free(body);
	free(ct);
	return 0;
}
