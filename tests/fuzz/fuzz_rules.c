/* Fuzz target: the rule language. Any text either parses into a tree whose
** conditions have a position inside the text, or is refused with a line
** and column inside the text (the column at most one past the line's last
** character) and a reason; the error's message is always formatted;
** nothing crashes, however deep the parentheses. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "commendation/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* every code of the catalogue's shape is known, except one */
static int known(void *ctx, const char *code)
{
	(void)ctx;
	return strcmp(code, "NOPE") != 0;
}

static void walk(const struct rule_node *n, int lines)
{
	if (!n) abort();
	if (n->kind == RN_COND) {
		if (!n->cond || n->cond->line < 1 || n->cond->line > lines || n->cond->column < 1) abort();
		return;
	}
	walk(n->left, lines);
	walk(n->right, lines);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	int lines = 1;
	for (const char *p = s; *p; p++) lines += *p == '\n';
	struct arena a;
	arena_init(&a);
	struct rule_node *tree;
	struct rule_error err;
	int rc = rules_parse(&a, s, known, NULL, &tree, &err);
	if (rc == 0) {
		walk(tree, lines);
	} else {
		if (err.line < 1 || err.line > lines || err.column < 1 || !err.reason) abort();
		/* the characters of the error's line (UTF-8 lead bytes) */
		const char *l = s;
		for (int k = 1; k < err.line; l++)
			if (*l == '\n') k++;
		int chars = 0;
		for (; *l && *l != '\n'; l++) chars += ((unsigned char)*l & 0xC0) != 0x80;
		if (err.column > chars + 1) abort();
		const char *msg = rules_error_text(&a, "en", &err);
		if (!msg || strncmp(msg, "Line ", 5) != 0) abort();
		rules_error_text(&a, "vi", &err);
		rules_error_text(&a, "hi", &err);
	}
	arena_free(&a);
	free(s);
	return 0;
}
