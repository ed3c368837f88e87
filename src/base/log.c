#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static void vlog(const char *level, const char *fmt, va_list ap)
{
	char ts[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	char line[2048];
	vsnprintf(line, sizeof line, fmt, ap);
	fprintf(stderr, "%s %s %s\n", ts, level, line);
}

void log_info(const char *fmt, ...) { va_list ap; va_start(ap, fmt); vlog("info", fmt, ap); va_end(ap); }
void log_err(const char *fmt, ...) { va_list ap; va_start(ap, fmt); vlog("error", fmt, ap); va_end(ap); }
