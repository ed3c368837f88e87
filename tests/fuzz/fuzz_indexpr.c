/* Fuzz target: the validation rules' expressions of indicators
** (src/indicators/ind_rules.c). Any text either parses or is refused with a
** column inside the text (at most one past its last character) and a reason
** whose message is formatted in every language; nothing crashes, however
** deep the parentheses or the "not"s. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "indicators/indicators.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4000) return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	int chars = 0;
	for (const char *p = s; *p; p++) chars += ((unsigned char)*p & 0xC0) != 0x80;
	struct arena a;
	arena_init(&a);
	struct ind_expr_error err;
	if (ind_expr_check(NULL, &a, s, &err) != 0) {
		if (err.column < 1 || err.column > chars + 1 || !err.reason) abort();
		const char *msg = ind_expr_error_text(&a, "en", &err);
		if (!msg || strncmp(msg, "Column ", 7) != 0) abort();
		ind_expr_error_text(&a, "vi", &err);
		ind_expr_error_text(&a, "hi", &err);
	}
	arena_free(&a);
	free(s);
	return 0;
}
