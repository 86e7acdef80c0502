/*
 * tests/integration/expected.c: the reference history (CAPPLAN_TEST_EXPECTED)
 * in PostgreSQL, compared with what capplan-ingest stored; HTTP GETs to the
 * real Prometheus.
 *
 * The CSV (metric,labels_json,ts_unix_seconds,value; RFC 4180) is read with
 * libcsv, each value parsed here in C, and copied into a temporary table
 * expected(metric text, labels jsonb, ts timestamptz, value float8).  Then
 * SQL EXCEPT, both ways, against the public view capplan.series_samples must
 * be empty.  EXCEPT compares rows as "not distinct", and float8 NaN equals
 * NaN in PostgreSQL, so the NaN sample matches only a NaN.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <csv.h>
#include <curl/curl.h>

#include "helpers.h"

/* ---- the expected CSV into PostgreSQL ---- */

struct loader {
	PGconn *conn;
	long long from_ts, to_ts;  /* keep rows of [from_ts, to_ts] (seconds) */
	size_t field;              /* in the current row */
	long long row;             /* rows read, header included */
	char *fields[4];
	char *copy;                /* COPY text not yet sent */
	size_t copy_len, copy_cap;
	long long kept;
	long long nan_rows;
	int failed;
	char error[512];
};

static void
copy_append(struct loader *l, const char *s, size_t n)
{
	if (l->copy_len + n + 1 > l->copy_cap) {
		size_t cap = (l->copy_cap + n + 1) * 2;
		char *grown = realloc(l->copy, cap);

		if (!grown) {
			l->failed = 1;
			snprintf(l->error, sizeof(l->error), "out of memory");
			return;
		}
		l->copy = grown;
		l->copy_cap = cap;
	}
	memcpy(l->copy + l->copy_len, s, n);
	l->copy_len += n;
}

/* A field of COPY's text format: backslash, tab, newline and CR escaped. */
static void
copy_field(struct loader *l, const char *s)
{
	for (; *s && !l->failed; s++) {
		switch (*s) {
		case '\\': copy_append(l, "\\\\", 2); break;
		case '\t': copy_append(l, "\\t", 2); break;
		case '\n': copy_append(l, "\\n", 2); break;
		case '\r': copy_append(l, "\\r", 2); break;
		default: copy_append(l, s, 1); break;
		}
	}
}

static void
copy_flush(struct loader *l)
{
	if (l->copy_len == 0 || l->failed)
		return;
	if (PQputCopyData(l->conn, l->copy, (int)l->copy_len) != 1) {
		l->failed = 1;
		snprintf(l->error, sizeof(l->error), "COPY: %s", PQerrorMessage(l->conn));
	}
	l->copy_len = 0;
}

static void
on_field(void *data, size_t len, void *ctx)
{
	struct loader *l = ctx;

	if (l->field < 4) {
		free(l->fields[l->field]);
		l->fields[l->field] = malloc(len + 1);
		if (l->fields[l->field]) {
			memcpy(l->fields[l->field], data ? data : "", len);
			l->fields[l->field][len] = '\0';
		}
	}
	l->field++;
}

/* One row: the value parsed here in C (NaN, +Inf, -Inf or a decimal), sent as exact text. */
static void
on_row(int c, void *ctx)
{
	struct loader *l = ctx;
	char num[64], tstext[32], *end;
	long long ts;
	double v;

	(void)c;
	if (l->failed)
		return;
	if (l->row++ == 0) {
		if (l->field != 4 || strcmp(l->fields[0], "metric") != 0 || strcmp(l->fields[3], "value") != 0) {
			l->failed = 1;
			snprintf(l->error, sizeof(l->error), "unexpected header");
		}
		l->field = 0;
		return;
	}
	if (l->field != 4) {
		l->failed = 1;
		snprintf(l->error, sizeof(l->error), "row %lld has %zu fields", l->row, l->field);
		return;
	}
	l->field = 0;
	ts = strtoll(l->fields[2], &end, 10);
	if (*end || end == l->fields[2]) {
		l->failed = 1;
		snprintf(l->error, sizeof(l->error), "row %lld: timestamp \"%s\"", l->row, l->fields[2]);
		return;
	}
	v = strtod(l->fields[3], &end);
	if (*end || end == l->fields[3]) {
		l->failed = 1;
		snprintf(l->error, sizeof(l->error), "row %lld: value \"%s\"", l->row, l->fields[3]);
		return;
	}
	if (ts < l->from_ts || ts > l->to_ts)
		return;
	if (isnan(v)) {
		snprintf(num, sizeof(num), "NaN");
		l->nan_rows++;
	} else if (isinf(v)) {
		snprintf(num, sizeof(num), v > 0 ? "Infinity" : "-Infinity");
	} else {
		snprintf(num, sizeof(num), "%.17g", v);
	}
	copy_field(l, l->fields[0]);
	copy_append(l, "\t", 1);
	copy_field(l, l->fields[1]);
	snprintf(tstext, sizeof(tstext), "%lld", ts);
	copy_append(l, "\t", 1);
	copy_append(l, tstext, strlen(tstext));
	copy_append(l, "\t", 1);
	copy_append(l, num, strlen(num));
	copy_append(l, "\n", 1);
	l->kept++;
	if (l->copy_len > 256 * 1024)
		copy_flush(l);
}

/*
 * Create the temporary table expected in conn from CAPPLAN_TEST_EXPECTED,
 * with the rows whose time lies in [from_ts, to_ts] (unix seconds).
 */
void
it_load_expected(PGconn *conn, long long from_ts, long long to_ts, struct it_expected *info)
{
	struct loader l;
	struct csv_parser p;
	char buf[64 * 1024];
	PGresult *res;
	FILE *fp;
	size_t n;

	memset(&l, 0, sizeof(l));
	l.conn = conn;
	l.from_ts = from_ts;
	l.to_ts = to_ts;
	res = it_query(conn, "CREATE TEMP TABLE expected_raw (metric text, labels text, ts bigint, value float8)",
	               0, NULL);
	IT_REQUIRE(res != NULL, "create expected_raw");
	PQclear(res);
	res = PQexec(conn, "COPY expected_raw FROM STDIN");
	IT_REQUIRE(PQresultStatus(res) == PGRES_COPY_IN, "COPY: %s", PQerrorMessage(conn));
	PQclear(res);

	fp = fopen(it_env.expected, "rb");
	IT_REQUIRE(fp != NULL, "cannot open %s", it_env.expected);
	IT_REQUIRE(csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI) == 0, "csv_init");
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0 && !l.failed)
		if (csv_parse(&p, buf, n, on_field, on_row, &l) != n) {
			l.failed = 1;
			snprintf(l.error, sizeof(l.error), "CSV: %s", csv_strerror(csv_error(&p)));
		}
	if (!l.failed && csv_fini(&p, on_field, on_row, &l) != 0) {
		l.failed = 1;
		snprintf(l.error, sizeof(l.error), "CSV at the end: %s", csv_strerror(csv_error(&p)));
	}
	csv_free(&p);
	fclose(fp);
	copy_flush(&l);
	for (int i = 0; i < 4; i++)
		free(l.fields[i]);
	free(l.copy);
	PQputCopyEnd(conn, l.failed ? "reading the CSV failed" : NULL);
	while ((res = PQgetResult(conn)) != NULL) {
		if (!l.failed && PQresultStatus(res) != PGRES_COMMAND_OK) {
			l.failed = 1;
			snprintf(l.error, sizeof(l.error), "COPY: %s", PQresultErrorMessage(res));
		}
		PQclear(res);
	}
	IT_REQUIRE(!l.failed, "%s: %s", it_env.expected, l.error);
	IT_REQUIRE(l.kept > 0, "%s: no rows", it_env.expected);

	res = it_query(conn, "CREATE TEMP TABLE expected AS SELECT metric, labels::jsonb AS labels,"
	               " to_timestamp(ts) AS ts, value FROM expected_raw", 0, NULL);
	IT_REQUIRE(res != NULL, "create expected");
	PQclear(res);
	info->rows = l.kept;
	info->nan_rows = l.nan_rows;
	info->series = it_count(conn, "SELECT count(*) FROM (SELECT DISTINCT metric, labels FROM expected) s",
	                        0, NULL);
	IT_CHECK(it_count(conn, "SELECT count(*) FROM expected", 0, NULL) == l.kept, "expected holds %lld rows",
	         l.kept);
}

/* Up to 5 rows of a difference, for the failure message. */
static void
show_rows(PGconn *conn, const char *sql, char *out, size_t outsz)
{
	PGresult *res = it_query(conn, sql, 0, NULL);
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; res && i < PQntuples(res) && n + 1 < outsz; i++)
		n += (size_t)snprintf(out + n, outsz - n, "\n    %s", PQgetvalue(res, i, 0));
	PQclear(res);
}

/* A failed comparison is reported at the caller's line. */
#define CMP_CHECK(cond, ...) it_check_at(!!(cond), 0, file, line, #cond, __VA_ARGS__)

#define ROW_TEXT "metric || ' ' || labels::text || ' ' || ts || ' ' || value"

/*
 * What capplan.series_samples holds (rows matching where, an SQL WHERE clause
 * or "") equals the table expected, exactly: row count, series set, rows
 * both ways, NaN count.
 */
void
it_compare_with_expected_at(struct it_db *db, const struct it_expected *info, const char *where,
                            const char *file, unsigned line)
{
	char sql[1024], rows[4096];
	long long n;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM capplan.series_samples %s", where);
	n = it_count(db->conn, sql, 0, NULL);
	CMP_CHECK(n == info->rows, "%lld samples in capplan.series_samples, want %lld", n, info->rows);

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT DISTINCT metric, labels FROM expected EXCEPT"
	         " SELECT DISTINCT metric, labels FROM capplan.series_samples %s) d", where);
	n = it_count(db->conn, sql, 0, NULL);
	snprintf(sql, sizeof(sql), "SELECT metric || ' ' || labels::text FROM (SELECT DISTINCT metric, labels"
	         " FROM expected EXCEPT SELECT DISTINCT metric, labels FROM capplan.series_samples %s) d LIMIT 5",
	         where);
	show_rows(db->conn, sql, rows, sizeof(rows));
	CMP_CHECK(n == 0, "%lld expected series missing:%s", n, rows);

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT DISTINCT metric, labels FROM"
	         " capplan.series_samples %s EXCEPT SELECT DISTINCT metric, labels FROM expected) d", where);
	n = it_count(db->conn, sql, 0, NULL);
	snprintf(sql, sizeof(sql), "SELECT metric || ' ' || labels::text FROM (SELECT DISTINCT metric, labels"
	         " FROM capplan.series_samples %s EXCEPT SELECT DISTINCT metric, labels FROM expected) d LIMIT 5",
	         where);
	show_rows(db->conn, sql, rows, sizeof(rows));
	CMP_CHECK(n == 0, "%lld stored series not expected:%s", n, rows);

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT metric, labels, ts, value FROM expected EXCEPT"
	         " SELECT metric, labels, ts, value FROM capplan.series_samples %s) d", where);
	n = it_count(db->conn, sql, 0, NULL);
	snprintf(sql, sizeof(sql), "SELECT " ROW_TEXT " FROM (SELECT metric, labels, ts, value FROM expected"
	         " EXCEPT SELECT metric, labels, ts, value FROM capplan.series_samples %s) d ORDER BY 1 LIMIT 5",
	         where);
	show_rows(db->conn, sql, rows, sizeof(rows));
	CMP_CHECK(n == 0, "%lld expected samples missing or different:%s", n, rows);

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT metric, labels, ts, value FROM"
	         " capplan.series_samples %s EXCEPT SELECT metric, labels, ts, value FROM expected) d", where);
	n = it_count(db->conn, sql, 0, NULL);
	snprintf(sql, sizeof(sql), "SELECT " ROW_TEXT " FROM (SELECT metric, labels, ts, value FROM"
	         " capplan.series_samples %s EXCEPT SELECT metric, labels, ts, value FROM expected) d"
	         " ORDER BY 1 LIMIT 5", where);
	show_rows(db->conn, sql, rows, sizeof(rows));
	CMP_CHECK(n == 0, "%lld stored samples not expected:%s", n, rows);

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM capplan.series_samples %s%s value = 'NaN'", where,
	         where[0] ? " AND" : "WHERE");
	n = it_count(db->conn, sql, 0, NULL);
	CMP_CHECK(n == info->nan_rows, "%lld NaN samples stored, want %lld", n, info->nan_rows);
}

/* ---- Prometheus over HTTP, from the test itself ---- */

static size_t
on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	FILE *fp = ctx;

	return fwrite(data, size, nmemb, fp);
}

/* GET $CAPPLAN_TEST_PROM + path_and_query into file; returns the HTTP status, or -1. */
long
it_http_get(const char *path_and_query, const char *file)
{
	char url[IT_PATH_MAX];
	CURL *curl = curl_easy_init();
	FILE *fp = fopen(file, "wb");
	long code = -1;
	CURLcode rc;

	IT_REQUIRE(curl != NULL && fp != NULL, "curl or %s", file);
	snprintf(url, sizeof(url), "%s%s", it_env.prom, path_and_query);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, fp);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	IT_CHECK(rc == CURLE_OK, "GET %s: %s", url, curl_easy_strerror(rc));
	curl_easy_cleanup(curl);
	fclose(fp);
	return code;
}
