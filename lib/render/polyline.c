/*
 * lib/render/polyline.c: Ramer-Douglas-Peucker simplification of a polyline.
 */
#include "render/polyline.h"

#include <math.h>

/* The squared distance from p to the segment from a to b: no root in the inner loop. */
static inline double
distance2(struct capplan_point p, struct capplan_point a, struct capplan_point b)
{
	double dx = b.x - a.x, dy = b.y - a.y;
	double len2 = dx * dx + dy * dy;
	double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
	double ex, ey;

	t = t < 0 ? 0 : t > 1 ? 1 : t;
	ex = p.x - (a.x + t * dx);
	ey = p.y - (a.y + t * dy);
	return ex * ex + ey * ey;
}

double
capplan_polyline_distance(struct capplan_point p, struct capplan_point a, struct capplan_point b)
{
	return sqrt(distance2(p, a, b));
}

/*
 * The stack holds the last index of each span still to look at; the first of
 * a span is the last index of the span before it.  Each index is pushed at
 * most once, so n places suffice.
 */
size_t
capplan_polyline_simplify(const struct capplan_point *p, size_t n, double tol, bool *keep,
                          size_t *stack)
{
	double tol2 = tol * tol;
	size_t top = 0, kept, first = 0;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		keep[i] = false;
	keep[0] = keep[n - 1] = true;
	kept = n > 1 ? 2 : 1;
	if (n > 2)
		stack[top++] = n - 1;
	while (top > 0) {
		size_t last = stack[top - 1], far = first;
		double farthest = -1;

		for (size_t i = first + 1; i < last; i++) {
			double d = distance2(p[i], p[first], p[last]);

			if (d > farthest) {
				farthest = d;
				far = i;
			}
		}
		if (farthest > tol2) {
			keep[far] = true;
			kept++;
			stack[top++] = far;       /* first..far next, then far..last */
		} else {
			top--;
			first = last;
		}
	}
	return kept;
}
