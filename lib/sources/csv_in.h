/*
 * lib/sources/csv_in.h: CSV history through libcsv.
 *
 * Two layouts:
 *   long  "timestamp,value" rows (an optional header row whose second field is
 *         "value"); one series, named by options->metric with options->labels.
 *   wide  the layout Grafana exports: a header row "Time" then one column per
 *         series, each header in Prometheus series notation
 *         (node_filesystem_avail_bytes{instance="a"}); a header without a
 *         metric name takes options->metric.  An empty cell is "no sample"
 *         (counted as skipped).
 * Timestamps as capplan_time_parse accepts them; values as Prometheus writes
 * them (decimal, exponent, NaN, +Inf, -Inf).  RFC 4180 quoting; CRLF or LF.
 */
#ifndef CAPPLAN_SOURCES_CSV_IN_H
#define CAPPLAN_SOURCES_CSV_IN_H

#include <stdio.h>

#include "ingest/sink.h"
#include "labels.h"
#include "util/error.h"

enum capplan_csv_layout {
	CAPPLAN_CSV_AUTO = 0,   /* wide when the header has a series notation or more than 2 columns */
	CAPPLAN_CSV_LONG,
	CAPPLAN_CSV_WIDE
};

struct capplan_csv_options {
	const char *metric;                   /* NULL when not given */
	const struct capplan_labels *labels;  /* added to every series; may be NULL */
	enum capplan_csv_layout layout;
};

/*
 * Read all of fp, reporting to sink under scope.  name is the input's name in
 * messages.  Errors name the place as "NAME:LINE:COLUMN: WHAT" (line and
 * column 1-based; column is the field number) with CAPPLAN_EX_DATAERR; an
 * empty input is "NAME: empty input, no samples".  Returns 0 or -1.
 */
int capplan_csv_read(FILE *fp, const char *name, const struct capplan_csv_options *options,
                     struct capplan_sink *sink, int scope, struct capplan_error *err);

#endif
