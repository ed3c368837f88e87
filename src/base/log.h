/* log: one line per event on stderr, with a UTC timestamp. */
#ifndef THIDUA_LOG_H
#define THIDUA_LOG_H
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
