/*
 * tests/unit/memsink.c: a sink that keeps everything in memory, for parser tests.
 */
#include "memsink.h"

#include <stdlib.h>
#include <string.h>

static int
memsink_open_series(struct capplan_sink *sink, int scope, const char *metric,
                    struct capplan_labels *labels, int64_t pos, struct capplan_error *err)
{
	struct memsink *m = (struct memsink *)sink;
	struct capplan_strbuf json = CAPPLAN_STRBUF_INIT;
	struct memsink_series *grown;

	if (capplan_labels_to_json(labels, &json, err) < 0)
		return -1;
	for (size_t i = 0; i < m->nseries; i++) {
		if (m->series[i].scope == scope && strcmp(m->series[i].metric, metric) == 0 &&
		    strcmp(m->series[i].labels_json, capplan_strbuf_str(&json)) == 0) {
			capplan_strbuf_release(&json);
			return (int)i;
		}
	}
	grown = realloc(m->series, (m->nseries + 1) * sizeof(*grown));
	if (!grown) {
		capplan_strbuf_release(&json);
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	}
	m->series = grown;
	m->series[m->nseries].scope = scope;
	m->series[m->nseries].metric = strdup(metric);
	m->series[m->nseries].labels_json = capplan_strbuf_detach(&json);
	m->series[m->nseries].pos = pos;
	return (int)m->nseries++;
}

static int
memsink_add_sample(struct capplan_sink *sink, int handle, int64_t ts_ms, double value,
                   int64_t pos, struct capplan_error *err)
{
	struct memsink *m = (struct memsink *)sink;
	struct memsink_sample *grown;

	if (m->fail_after > 0 && ++m->calls >= m->fail_after)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "memsink: failing as asked");
	grown = realloc(m->samples, (m->nsamples + 1) * sizeof(*grown));
	if (!grown)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	m->samples = grown;
	m->samples[m->nsamples].handle = handle;
	m->samples[m->nsamples].ts_ms = ts_ms;
	m->samples[m->nsamples].value = value;
	m->samples[m->nsamples].pos = pos;
	m->nsamples++;
	return 0;
}

static void
memsink_skip(struct capplan_sink *sink, uint64_t count)
{
	((struct memsink *)sink)->skipped += count;
}

static void
memsink_discard_scope(struct capplan_sink *sink, int scope)
{
	struct memsink *m = (struct memsink *)sink;
	size_t kept = 0;

	for (size_t i = 0; i < m->nsamples; i++)
		if (m->series[m->samples[i].handle].scope != scope)
			m->samples[kept++] = m->samples[i];
	m->nsamples = kept;
	m->discarded_scopes++;
}

void
memsink_init(struct memsink *m)
{
	memset(m, 0, sizeof(*m));
	m->sink.open_series = memsink_open_series;
	m->sink.add_sample = memsink_add_sample;
	m->sink.skip = memsink_skip;
	m->sink.discard_scope = memsink_discard_scope;
}

void
memsink_release(struct memsink *m)
{
	for (size_t i = 0; i < m->nseries; i++) {
		free(m->series[i].metric);
		free(m->series[i].labels_json);
	}
	free(m->series);
	free(m->samples);
	memset(m, 0, sizeof(*m));
}

int
memsink_find(const struct memsink *m, const char *metric, const char *labels_json)
{
	for (size_t i = 0; i < m->nseries; i++)
		if (strcmp(m->series[i].metric, metric) == 0 &&
		    strcmp(m->series[i].labels_json, labels_json) == 0)
			return (int)i;
	return -1;
}

size_t
memsink_count(const struct memsink *m, int handle)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nsamples; i++)
		if (m->samples[i].handle == handle)
			n++;
	return n;
}
