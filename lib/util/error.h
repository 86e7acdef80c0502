/*
 * lib/util/error.h: error values that carry an exit status and a place.
 *
 * Library code never prints and never exits.  A function that fails fills
 * a struct capplan_error and returns -1 (or NULL); the caller either adds
 * context and returns again, or (in cmd/) prints it once and exits with
 * err->status.  The message already holds the place, e.g.
 *   "exports/disk.json:1:48213: expected a number, got \"abc\"".
 */
#ifndef CAPPLAN_UTIL_ERROR_H
#define CAPPLAN_UTIL_ERROR_H

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>

/* Exit statuses, from sysexits(3); the contract in the README. */
enum capplan_status {
	CAPPLAN_OK = 0,
	CAPPLAN_ATTENTION = 1,      /* weekly check only */
	CAPPLAN_EX_USAGE = 64,      /* bad command line */
	CAPPLAN_EX_DATAERR = 65,    /* bad input data */
	CAPPLAN_EX_NOINPUT = 66,    /* input missing or unreadable */
	CAPPLAN_EX_UNAVAILABLE = 69,/* database or Prometheus unavailable */
	CAPPLAN_EX_SOFTWARE = 70,   /* internal error */
	CAPPLAN_EX_CANTCREAT = 73,  /* cannot create output */
	CAPPLAN_EX_CONFIG = 78      /* bad configuration */
};

#define CAPPLAN_ERROR_MAX 1024

struct capplan_error {
	int status;                    /* enum capplan_status; 0 while unset */
	char msg[CAPPLAN_ERROR_MAX];   /* "WHERE: WHAT", no trailing newline */
	char hint[CAPPLAN_ERROR_MAX];  /* what to do, or "" */
};

/* Clear to "no error". */
void capplan_error_clear(struct capplan_error *err);

/* Set status and message (printf format); always returns -1. */
int capplan_error_set(struct capplan_error *err, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int capplan_error_setv(struct capplan_error *err, int status, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Put context in front of an existing message: "CONTEXT: old message".  Returns -1. */
int capplan_error_prefix(struct capplan_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Set the hint line (what to do).  Returns -1. */
int capplan_error_hint(struct capplan_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A bad command line: "ARGWHAT" (arg may be NULL) with the hint every
 * program gives, 'Try "PROGNAME --help" for more information.'.  Returns -1.
 */
int capplan_error_usage(struct capplan_error *err, const char *progname, const char *what,
                        const char *arg);

/*
 * For main() alone, the one place a diagnostic is printed: "PROGNAME: MSG"
 * and the hint, if any, on its own line, to fp.  Returns the exit status
 * (err->status, or CAPPLAN_EX_SOFTWARE when unset).
 */
int capplan_error_report(FILE *fp, const char *progname, const struct capplan_error *err);

/*
 * Input text as it may stand between double quotes in a message: '"' and '\'
 * escaped, \n \r \t for those, other control bytes and bytes of invalid UTF-8
 * as \xNN (so a message stays one line of valid text), at most
 * CAPPLAN_QUOTE_MAX bytes of the input, cut at a character boundary and
 * followed by "...".  dst should hold CAPPLAN_QUOTE_BUFSZ bytes.  Returns dst.
 */
#define CAPPLAN_QUOTE_MAX 64
#define CAPPLAN_QUOTE_BUFSZ (CAPPLAN_QUOTE_MAX * 4 + 8)
const char *capplan_quote(char *dst, size_t dstsz, const char *text, size_t len);

#endif
