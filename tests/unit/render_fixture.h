/*
 * tests/unit/render_fixture.h: a review in memory, for the writers' tests.
 *
 * Five resource series across the three services, one of each level and one
 * unknown, with a year of daily history and 180 days of forecast, three
 * scenarios and two earlier forecasts against actuals.  The first item's
 * resource name and labels are hostile on purpose: quotes, a backslash, a
 * newline, non-ASCII text, and a leading '=' (a formula to a spreadsheet).
 */
#ifndef CAPPLAN_TESTS_UNIT_RENDER_FIXTURE_H
#define CAPPLAN_TESTS_UNIT_RENDER_FIXTURE_H

#include "render/review_data.h"

/* The hostile name and label value, as they must come out (unescaped). */
#define RENDER_FIXTURE_HOSTILE_RESOURCE "=cmd|' /C calc'!A0 \"disk\" ü"
#define RENDER_FIXTURE_HOSTILE_LABEL "a \"quoted\"\\ value\nline two é"

/* Build the review (as of 2026-10-01T00:00:00Z, run 7); release with capplan_review_data_release. */
void render_fixture_build(struct capplan_review_data *d);

#endif
