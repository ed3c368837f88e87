#include "collate.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucol.h>
#include <unicode/ustring.h>

#include "buf.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t key;

static void close_collator(void *c) { ucol_close(c); }
static void make_key(void) { pthread_key_create(&key, close_collator); }

/* this thread's collator, opened on first use */
static UCollator *collator(void)
{
	pthread_once(&once, make_key);
	UCollator *c = pthread_getspecific(key);
	if (c) return c;
	UErrorCode err = U_ZERO_ERROR;
	c = ucol_open("vi", &err);
	if (U_FAILURE(err)) {
		fprintf(stderr, "collate: cannot open ICU's Vietnamese collation: %s\n", u_errorName(err));
		return NULL;
	}
	/* NFD input (decomposed tones) sorts as NFC; numbers by value; letters
	** and tones count, case does not ("phường 1" and "Phường 1" are equal:
	** the id decides), which makes keys a quarter shorter (23 bytes for a
	** usual person's name instead of 30) */
	ucol_setAttribute(c, UCOL_NORMALIZATION_MODE, UCOL_ON, &err);
	ucol_setAttribute(c, UCOL_NUMERIC_COLLATION, UCOL_ON, &err);
	ucol_setAttribute(c, UCOL_STRENGTH, UCOL_SECONDARY, &err);
	if (U_FAILURE(err) || pthread_setspecific(key, c) != 0) {
		ucol_close(c);
		return NULL;
	}
	return c;
}

void collate_thread_end(void)
{
	pthread_once(&once, make_key);
	UCollator *c = pthread_getspecific(key);
	if (c) {
		pthread_setspecific(key, NULL);
		ucol_close(c);
	}
}

/* s as UTF-16 in stack (n units) or, when longer, in *heap (to free) */
static UChar *to_utf16(const char *s, UChar *stack, int32_t n, UChar **heap, int32_t *len)
{
	UErrorCode err = U_ZERO_ERROR;
	*heap = NULL;
	u_strFromUTF8WithSub(stack, n, len, s, -1, 0xFFFD, NULL, &err);
	if (err == U_BUFFER_OVERFLOW_ERROR || err == U_STRING_NOT_TERMINATED_WARNING) {
		*heap = malloc(sizeof(UChar) * (size_t)(*len + 1));
		if (!*heap) return NULL;
		err = U_ZERO_ERROR;
		u_strFromUTF8WithSub(*heap, *len + 1, len, s, -1, 0xFFFD, NULL, &err);
		return U_FAILURE(err) ? NULL : *heap;
	}
	return U_FAILURE(err) ? NULL : stack;
}

size_t collate_key(struct buf *out, const char *s)
{
	buf_reset(out);
	buf_grow(out, 64); /* out->p is never NULL: an empty key binds as an empty BLOB */
	UCollator *c = collator();
	if (!c) return 0;
	UChar stack[256], *heap;
	int32_t len = 0;
	const UChar *u = to_utf16(s ? s : "", stack, 256, &heap, &len);
	if (!u) { free(heap); return 0; }
	buf_grow(out, 4 * (size_t)len + 16);
	int32_t need = ucol_getSortKey(c, u, len, (uint8_t *)out->p, (int32_t)out->cap);
	if (need > (int32_t)out->cap) {
		buf_grow(out, (size_t)need);
		need = ucol_getSortKey(c, u, len, (uint8_t *)out->p, (int32_t)out->cap);
	}
	free(heap);
	if (need <= 1 || need > (int32_t)out->cap) { buf_reset(out); return 0; }
	out->len = (size_t)need - 1; /* ICU's terminating 0 stays in the buffer, outside the key */
	return out->len;
}

int collate_cmp(const char *a, const char *b)
{
	struct buf ka, kb;
	buf_init(&ka);
	buf_init(&kb);
	collate_key(&ka, a);
	collate_key(&kb, b);
	size_t n = ka.len < kb.len ? ka.len : kb.len;
	int c = n ? memcmp(ka.p, kb.p, n) : 0;
	if (!c) c = (ka.len > kb.len) - (ka.len < kb.len);
	buf_free(&ka);
	buf_free(&kb);
	return c;
}

const char *collate_version(char *out, size_t n)
{
	UCollator *c = collator();
	UVersionInfo v = { 0 };
	if (c) ucol_getVersion(c, v);
	snprintf(out, n, "vi %d.%d.%d.%d num secondary", v[0], v[1], v[2], v[3]);
	return out;
}
