/*
 * tests/unit/test_render_polyline.c: the line simplification of the charts
 * (lib/render/polyline.c), on hand-worked shapes and on a random walk whose
 * every dropped point is measured against the line drawn instead.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <CUnit/CUnit.h>

#include "render/polyline.h"
#include "suites.h"

#define MAXPTS 2000

static bool keep[MAXPTS];
static size_t stack[MAXPTS];

static void
test_distance(void)
{
	struct capplan_point a = { 0, 0 }, b = { 4, 0 };

	CU_ASSERT_DOUBLE_EQUAL(capplan_polyline_distance((struct capplan_point){ 2, 3 }, a, b), 3, 1e-15);
	/* beyond the ends: the distance to the nearer end, not to the line */
	CU_ASSERT_DOUBLE_EQUAL(capplan_polyline_distance((struct capplan_point){ 7, 4 }, a, b), 5, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(capplan_polyline_distance((struct capplan_point){ -3, -4 }, a, b), 5, 1e-15);
	/* a segment of no length: the distance to its point */
	CU_ASSERT_DOUBLE_EQUAL(capplan_polyline_distance((struct capplan_point){ 3, 4 }, a, a), 5, 1e-15);
}

static void
test_few_points(void)
{
	struct capplan_point p[2] = { { 0, 0 }, { 1, 1 } };

	CU_ASSERT_EQUAL(capplan_polyline_simplify(p, 0, 0.1, keep, stack), 0);
	CU_ASSERT_EQUAL(capplan_polyline_simplify(p, 1, 0.1, keep, stack), 1);
	CU_ASSERT_TRUE(keep[0]);
	CU_ASSERT_EQUAL(capplan_polyline_simplify(p, 2, 0.1, keep, stack), 2);
	CU_ASSERT_TRUE(keep[0] && keep[1]);
}

/* A straight run of points, however long, is its two ends. */
static void
test_straight(void)
{
	static struct capplan_point p[1000];

	for (size_t i = 0; i < 1000; i++)
		p[i] = (struct capplan_point){ 42 + 0.84 * (double)i, 700 - 0.31 * (double)i };
	CU_ASSERT_EQUAL(capplan_polyline_simplify(p, 1000, 1.0 / 9, keep, stack), 2);
	CU_ASSERT_TRUE(keep[0] && keep[999]);
	for (size_t i = 1; i < 999; i++)
		CU_ASSERT_FALSE(keep[i]);
}

/*
 * A V: the farthest point from the first-to-last chord (2, -2) splits it,
 * and both halves are straight.  A wobble of 0.05 on the left half stays
 * out at tolerance 0.1 and comes in at 0.01.
 */
static void
test_vee(void)
{
	struct capplan_point p[5] = { { 0, 0 }, { 1, -1 }, { 2, -2 }, { 3, -1 }, { 4, 0 } };
	bool want[5] = { true, false, true, false, true };

	CU_ASSERT_EQUAL(capplan_polyline_simplify(p, 5, 0.1, keep, stack), 3);
	for (size_t i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(keep[i], want[i]);
	p[1].y += 0.05 * sqrt(2);       /* 0.05 off the line from (0, 0) to (2, -2) */
	CU_ASSERT_EQUAL(capplan_polyline_simplify(p, 5, 0.1, keep, stack), 3);
	CU_ASSERT_FALSE(keep[1]);
	CU_ASSERT_EQUAL(capplan_polyline_simplify(p, 5, 0.01, keep, stack), 4);
	CU_ASSERT_TRUE(keep[1]);
}

/* Every point left out lies within the tolerance of the segment drawn past it. */
static void
test_random_walk(void)
{
	static struct capplan_point p[MAXPTS];
	const double tol = 0.25;
	uint64_t state = 0x9e3779b97f4a7c15u;
	size_t kept, counted = 0, prev = 0;
	double y = 300;

	for (size_t i = 0; i < MAXPTS; i++) {
		state = state * 6364136223846793005u + 1442695040888963407u;
		/* steps mostly small, some large: long runs to drop and sharp turns to keep */
		y += ((double)(state >> 40) / (double)(1u << 24) - 0.5) * ((i / 50) % 2 ? 0.2 : 4);
		p[i] = (struct capplan_point){ 0.84 * (double)i, y };
	}
	kept = capplan_polyline_simplify(p, MAXPTS, tol, keep, stack);
	CU_ASSERT_TRUE(keep[0] && keep[MAXPTS - 1]);
	CU_ASSERT_TRUE(kept > 2 && kept < MAXPTS);
	for (size_t i = 1; i < MAXPTS; i++) {
		if (!keep[i])
			continue;
		counted++;
		for (size_t k = prev + 1; k < i; k++)
			CU_ASSERT_TRUE(capplan_polyline_distance(p[k], p[prev], p[i]) <= tol);
		prev = i;
	}
	CU_ASSERT_EQUAL(counted + 1, kept);
	/* at no tolerance only exactly collinear points go, and a random walk has none */
	CU_ASSERT_EQUAL(capplan_polyline_simplify(p, MAXPTS, 0, keep, stack), MAXPTS);
}

int
register_render_polyline_suite(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "distance to a segment", test_distance },
		{ "none, one and two points", test_few_points },
		{ "a straight run", test_straight },
		{ "a vee, with a wobble", test_vee },
		{ "a random walk", test_random_walk },
	};
	CU_pSuite suite = CU_add_suite("render_polyline", NULL, NULL);

	if (!suite)
		return -1;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!CU_add_test(suite, tests[i].name, tests[i].fn))
			return -1;
	return 0;
}
