/*
 * lib/render/polyline.h: fewer points for the same line.
 *
 * A chart's daily line over a year and a half has about one point per point
 * of paper; where it runs straight (a trend, a linear forecast and its bands)
 * most of them lie on the line between their neighbours and only make the
 * PDF bigger and slower to write.  Matplotlib drops them for the same reason
 * (path.simplify).
 */
#ifndef CAPPLAN_RENDER_POLYLINE_H
#define CAPPLAN_RENDER_POLYLINE_H

#include <stdbool.h>
#include <stddef.h>

/* A point on the page. */
struct capplan_point {
	double x, y;
};

/*
 * Ramer-Douglas-Peucker: marks in keep[0..n-1] the points to draw so that no
 * point left out lies farther than tol from the line through the points kept.
 * The first and the last are always kept.  stack is scratch room for n
 * indices.  Returns how many are kept.
 */
size_t capplan_polyline_simplify(const struct capplan_point *p, size_t n, double tol, bool *keep,
                                 size_t *stack);

/* The distance from p to the segment from a to b. */
double capplan_polyline_distance(struct capplan_point p, struct capplan_point a,
                                 struct capplan_point b);

#endif
