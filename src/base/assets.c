#include "assets.h"

#include <string.h>

const struct asset *asset_find(const char *name)
{
	for (const struct asset *a = assets; a->name; a++)
		if (strcmp(a->name, name) == 0) return a;
	return NULL;
}
