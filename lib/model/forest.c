/*
 * lib/model/forest.c: a random forest regressor, and the forecasting method
 * built on it.
 *
 * Trees are grown depth first with an explicit stack (no recursion: a tree
 * on a sorted trend feature can be thousands of levels deep, and the method
 * runs in threads with small stacks).  A tree's rows are the distinct rows of
 * its bootstrap sample, each weighted by the number of times it was drawn;
 * min_samples_leaf counts distinct rows, as scikit-learn does.  The split
 * search is sorting-based, with the sorting done once per feature and fit
 * rather than at each node (see struct workspace): each feature's rows are
 * sorted once (a three-way quicksort: calendar features have few distinct
 * values), every node keeps its rows in that order for every feature, and a
 * split is found by one scan with running weighted sums, O(m) per node and
 * feature for m rows.
 */
#include "model/forest.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "series.h"
#include "util/timeutil.h"

#define LEAF UINT32_MAX
#define MS_PER_DAY INT64_C(86400000)
#define MS_PER_HOUR 3600000.0

/* A split (feature < LEAF, value the threshold) or a leaf (value the prediction). */
struct node {
	double value;
	uint32_t feature;
	uint32_t left;      /* the right child is left + 1 */
};

struct tree {
	struct node *nodes;
	size_t nnodes;
};

struct capplan_forest {
	size_t nrows, ncols;
	size_t ntrees;
	struct tree *trees;
	double *oob;        /* nrows */
	size_t nodes_total;
};

void
capplan_forest_options_init(struct capplan_forest_options *o)
{
	o->ntrees = 100;
	o->max_depth = 0;
	o->min_samples_leaf = 5;
	o->max_features = 1.0;
	o->max_samples = 0;
	o->block = 1;
	o->bootstrap = 1;
}

/* ---- sorting a feature's values with their rows ---- */

struct pair {
	double x;
	uint32_t row;
};

static void
insertion_sort(struct pair *a, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct pair v = a[i];
		size_t j = i;

		while (j > 0 && a[j - 1].x > v.x) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

static void
sift_down(struct pair *a, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;
		struct pair t;

		if (child >= n)
			return;
		if (child + 1 < n && a[child + 1].x > a[child].x)
			child++;
		if (!(a[child].x > a[root].x))
			return;
		t = a[root];
		a[root] = a[child];
		a[child] = t;
		root = child;
	}
}

static void
heap_sort(struct pair *a, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (size_t i = n; i-- > 1;) {
		struct pair t = a[0];

		a[0] = a[i];
		a[i] = t;
		sift_down(a, 0, i);
	}
}

static double
median3(double a, double b, double c)
{
	if (a < b)
		return b < c ? b : (a < c ? c : a);
	return a < c ? a : (b < c ? c : b);
}

/*
 * Three-way (Dijkstra) quicksort by x, introsort-style: heap sort past a depth
 * limit, insertion sort for short ranges; recursion only into the smaller part.
 */
static void
sort_pairs(struct pair *a, size_t n, unsigned depth)
{
	while (n > 16) {
		double pivot;
		size_t lt = 0, i = 0, gt = n;

		if (depth-- == 0) {
			heap_sort(a, n);
			return;
		}
		pivot = median3(a[0].x, a[n / 2].x, a[n - 1].x);
		while (i < gt) {
			if (a[i].x < pivot) {
				struct pair t = a[lt];

				a[lt++] = a[i];
				a[i++] = t;
			} else if (a[i].x > pivot) {
				struct pair t = a[--gt];

				a[gt] = a[i];
				a[i] = t;
			} else {
				i++;
			}
		}
		/* [0, lt) < pivot, [lt, gt) == pivot, [gt, n) > pivot */
		if (lt < n - gt) {
			sort_pairs(a, lt, depth);
			a += gt;
			n -= gt;
		} else {
			sort_pairs(a + gt, n - gt, depth);
			n = lt;
		}
	}
	insertion_sort(a, n);
}

/* ---- growing one tree ---- */

/*
 * What a fit needs while it grows the trees; one allocation of each.  Each
 * feature's rows are sorted once per fit (order); a tree's rows in that order
 * make its per-feature lists (sorted), and a split partitions every list
 * stably, so a node [start, end) holds the same rows in every list, each list
 * sorted by its feature: the split search is one scan, O(m) per node and
 * feature after the O(n log n) sort per feature and fit.
 */
struct workspace {
	const double *Xc;   /* column-major copy: Xc[j * nrows + i] */
	const double *y;
	size_t nrows, ncols;
	size_t mtry, min_leaf, max_depth;
	const uint32_t *order; /* order[j * nrows ...]: all rows sorted by feature j */
	uint32_t *sorted;   /* sorted[j * nrows ...]: the tree's distinct rows, by feature j */
	uint32_t *count;    /* times each row was drawn for this tree */
	uint32_t *perm;     /* 0..nrows-1, for drawing without replacement */
	uint32_t *tmp;      /* partition buffer */
	unsigned char *left;/* row goes to the left child */
	size_t *feats;
	struct item { uint32_t node, start, end, depth; } *stack;
};

struct split {
	size_t feature;
	size_t nleft;       /* rows [start, start + nleft) of the feature's list go left */
	double threshold;
	double proxy;       /* c_L^2 (1 / w_L + 1 / w_R), c_L = sum over the left of w (y - mean) */
};

/*
 * Search a random subset of the features for the best split of rows
 * [start, end) (weight wt, weighted mean mean).  Features constant on the
 * node do not count against mtry (as in scikit-learn), so a node is searched
 * on mtry features that vary when that many exist.  Returns 1 when a split
 * was found.
 *
 * The SSE reduction of a split is S_L^2 / w_L + S_R^2 / w_R - S^2 / w; with y
 * taken about the node's mean (S = 0, S_R = -S_L) it is S_L^2 (1/w_L + 1/w_R),
 * free of the cancellation that the uncentred sums suffer for a series
 * around 1e12 that moves by 1.
 */
static int
best_split(struct workspace *w, size_t start, size_t end, double wt, double mean, gsl_rng *rng,
           struct split *best)
{
	size_t m = end - start, visited = 0;

	best->proxy = -INFINITY;
	best->feature = SIZE_MAX;
	for (size_t i = 0; i < w->ncols && visited < w->mtry; i++) {
		size_t j = i + (size_t)gsl_rng_uniform_int(rng, (unsigned long)(w->ncols - i));
		size_t f = w->feats[j];
		const double *col = w->Xc + f * w->nrows;
		const uint32_t *rows = w->sorted + f * w->nrows + start;
		double wl = 0, sl = 0;

		w->feats[j] = w->feats[i];
		w->feats[i] = f;
		if (col[rows[0]] == col[rows[m - 1]])
			continue;   /* constant on this node */
		visited++;
		for (size_t k = 0; k + 1 < m; k++) {
			uint32_t r = rows[k];
			double a, b, proxy;

			wl += w->count[r];
			sl += w->count[r] * (w->y[r] - mean);
			if (k + 1 < w->min_leaf)
				continue;
			if (m - k - 1 < w->min_leaf)
				break;
			a = col[r];
			b = col[rows[k + 1]];
			if (!(a < b))
				continue;
			proxy = sl * sl * (1 / wl + 1 / (wt - wl));
			if (proxy > best->proxy) {
				double t = a / 2 + b / 2;

				best->proxy = proxy;
				best->feature = f;
				best->nleft = k + 1;
				best->threshold = t < b ? t : a;
			}
		}
	}
	return best->feature != SIZE_MAX;
}

/* Send rows [start, end) of every feature's list to their child, keeping each list's order. */
static void
partition(struct workspace *w, size_t start, size_t end, const struct split *s)
{
	const uint32_t *by = w->sorted + s->feature * w->nrows;

	for (size_t k = start; k < end; k++)
		w->left[by[k]] = k < start + s->nleft;
	for (size_t j = 0; j < w->ncols; j++) {
		uint32_t *rows = w->sorted + j * w->nrows;
		size_t nl = start, nr = 0;

		if (j == s->feature)
			continue;
		for (size_t k = start; k < end; k++) {
			uint32_t r = rows[k];
			size_t goes_left = w->left[r];

			/* Both stores, one kept: no branch to mispredict. */
			rows[nl] = r;
			w->tmp[nr] = r;
			nl += goes_left;
			nr += 1 - goes_left;
		}
		memcpy(rows + nl, w->tmp, nr * sizeof(*rows));
	}
}

/* Grow a tree on the rows with count > 0 into t. */
static int
grow_tree(struct workspace *w, struct tree *t, gsl_rng *rng)
{
	size_t m = 0, cap, sp = 0;
	struct node *nodes, *shrunk;

	for (size_t j = 0; j < w->ncols; j++) {
		const uint32_t *all = w->order + j * w->nrows;
		uint32_t *rows = w->sorted + j * w->nrows;

		m = 0;
		for (size_t k = 0; k < w->nrows; k++)
			if (w->count[all[k]])
				rows[m++] = all[k];
	}
	cap = 2 * m + 1;
	nodes = malloc(cap * sizeof(*nodes));
	if (!nodes)
		return -1;
	t->nnodes = 1;
	w->stack[sp++] = (struct item){ 0, 0, (uint32_t)m, 0 };
	while (sp > 0) {
		struct item it = w->stack[--sp];
		struct node *nd = &nodes[it.node];
		const uint32_t *rows = w->sorted;
		double wt = 0, st = 0, ylo = INFINITY, yhi = -INFINITY;
		struct split s;
		size_t mid;

		for (size_t k = it.start; k < it.end; k++) {
			uint32_t r = rows[k];

			wt += w->count[r];
			st += w->count[r] * w->y[r];
			if (w->y[r] < ylo)
				ylo = w->y[r];
			if (w->y[r] > yhi)
				yhi = w->y[r];
		}
		nd->feature = LEAF;
		nd->left = 0;
		nd->value = ylo == yhi ? ylo : st / wt;   /* exact for a constant node */
		if (ylo == yhi || it.end - it.start < 2 * w->min_leaf ||
		    (w->max_depth > 0 && it.depth >= w->max_depth))
			continue;
		if (!best_split(w, it.start, it.end, wt, st / wt, rng, &s) || !(s.proxy > 0))
			continue;
		partition(w, it.start, it.end, &s);
		mid = it.start + s.nleft;
		nd->feature = (uint32_t)s.feature;
		nd->value = s.threshold;
		nd->left = (uint32_t)t->nnodes;
		t->nnodes += 2;
		/* Right pushed first so that the left subtree is grown first. */
		w->stack[sp++] = (struct item){ nd->left + 1, (uint32_t)mid, it.end, it.depth + 1 };
		w->stack[sp++] = (struct item){ nd->left, it.start, (uint32_t)mid, it.depth + 1 };
	}
	shrunk = realloc(nodes, t->nnodes * sizeof(*nodes));
	t->nodes = shrunk ? shrunk : nodes;
	return 0;
}

static double
tree_predict(const struct tree *t, const double *row)
{
	const struct node *nd = t->nodes;
	size_t k = 0;

	while (nd[k].feature != LEAF)
		k = nd[k].left + (row[nd[k].feature] > nd[k].value);
	return nd[k].value;
}

/*
 * Add the tree's predictions of n rows to acc: rows X + idx[j] * ncols (or
 * X + j * ncols when idx is NULL) into acc[idx[j]] (acc[j]).  Eight rows
 * descend together, so that their chains of dependent loads overlap.
 */
#define LANES 8
static void
tree_predict_rows(const struct tree *t, const double *X, size_t ncols, const uint32_t *idx,
                  size_t n, double *acc)
{
	const struct node *nd = t->nodes;

	for (size_t b = 0; b < n; b += LANES) {
		size_t lanes = n - b < LANES ? n - b : LANES, r[LANES];
		const double *row[LANES];
		uint32_t k[LANES];
		int active = 1;

		for (size_t j = 0; j < lanes; j++) {
			r[j] = idx ? idx[b + j] : b + j;
			row[j] = X + r[j] * ncols;
			k[j] = 0;
		}
		while (active) {
			active = 0;
			for (size_t j = 0; j < lanes; j++) {
				const struct node *p = &nd[k[j]];

				if (p->feature != LEAF) {
					k[j] = p->left + (row[j][p->feature] > p->value);
					active = 1;
				}
			}
		}
		for (size_t j = 0; j < lanes; j++)
			acc[r[j]] += nd[k[j]].value;
	}
}

/*
 * Which rows a tree sees, and how often: w->count.  Rows are drawn in blocks
 * of `block` consecutive rows (the last block may be shorter) until nsamples
 * rows are drawn, with or without replacement.
 */
static void
draw_rows(struct workspace *w, size_t nsamples, size_t block, int bootstrap, gsl_rng *rng)
{
	size_t nblocks = (w->nrows + block - 1) / block, drawn = 0;

	memset(w->count, 0, w->nrows * sizeof(*w->count));
	if (!bootstrap && nsamples >= w->nrows) {
		for (size_t i = 0; i < w->nrows; i++)
			w->count[i] = 1;
		return;
	}
	for (size_t i = 0; drawn < nsamples; i++) {
		size_t b, end;

		if (bootstrap) {
			b = (size_t)gsl_rng_uniform_int(rng, (unsigned long)nblocks);
		} else {
			/* A partial Fisher-Yates shuffle of perm: its first blocks. */
			size_t j = i + (size_t)gsl_rng_uniform_int(rng, (unsigned long)(nblocks - i));

			b = w->perm[j];
			w->perm[j] = w->perm[i];
			w->perm[i] = (uint32_t)b;
		}
		end = (b + 1) * block < w->nrows ? (b + 1) * block : w->nrows;
		for (size_t r = b * block; r < end; r++)
			w->count[r]++;
		drawn += end - b * block;
	}
}

static void
workspace_release(struct workspace *w)
{
	free((void *)(uintptr_t)w->Xc);
	free((void *)(uintptr_t)w->order);
	free(w->sorted);
	free(w->count);
	free(w->perm);
	free(w->tmp);
	free(w->left);
	free(w->feats);
	free(w->stack);
}

struct capplan_forest *
capplan_forest_fit(const double *X, size_t nrows, size_t ncols, const double *y,
                   const struct capplan_forest_options *o, gsl_rng *rng,
                   struct capplan_error *err)
{
	struct capplan_forest_options defaults;
	struct capplan_forest *f = NULL;
	struct workspace w;
	double *Xc = NULL;
	uint32_t *order = NULL, *noob = NULL;
	struct pair *pairs = NULL;
	size_t nsamples, block, nout;
	unsigned depth_limit = 2;

	memset(&w, 0, sizeof(w));
	if (!o) {
		capplan_forest_options_init(&defaults);
		o = &defaults;
	}
	if (o->ntrees == 0 || o->min_samples_leaf == 0 || !(o->max_features > 0) ||
	    o->max_features > 1 || o->ntrees > UINT32_MAX) {
		capplan_error_set(err, CAPPLAN_EX_USAGE,
		                  "forest options: need trees >= 1, min_samples_leaf >= 1, "
		                  "0 < max_features <= 1 (got %zu, %zu, %g)",
		                  o->ntrees, o->min_samples_leaf, o->max_features);
		return NULL;
	}
	if (nrows == 0 || ncols == 0) {
		capplan_error_set(err, CAPPLAN_EX_DATAERR, "forest: no data (%zu rows, %zu features)",
		                  nrows, ncols);
		return NULL;
	}
	if (nrows >= UINT32_MAX / 2 || ncols >= UINT32_MAX / 2 ||
	    nrows > SIZE_MAX / sizeof(double) / ncols) {
		capplan_error_set(err, CAPPLAN_EX_DATAERR, "forest: too many rows or features");
		return NULL;
	}
	for (size_t i = 0; i < nrows; i++) {
		if (!isfinite(y[i])) {
			capplan_error_set(err, CAPPLAN_EX_DATAERR, "forest: row %zu: target is not a finite number",
			                  i);
			return NULL;
		}
		for (size_t j = 0; j < ncols; j++) {
			if (!isfinite(X[i * ncols + j])) {
				capplan_error_set(err, CAPPLAN_EX_DATAERR,
				                  "forest: row %zu, feature %zu: not a finite number", i, j);
				return NULL;
			}
		}
	}
	nsamples = o->max_samples && o->max_samples < nrows ? o->max_samples : nrows;
	block = o->block > 1 ? (o->block < nrows ? o->block : nrows) : 1;

	f = calloc(1, sizeof(*f));
	Xc = malloc(nrows * ncols * sizeof(*Xc));
	order = malloc(nrows * ncols * sizeof(*order));
	pairs = malloc(nrows * sizeof(*pairs));
	noob = calloc(nrows, sizeof(*noob));
	w.Xc = Xc;
	w.order = order;
	w.sorted = malloc(nrows * ncols * sizeof(*w.sorted));
	w.count = malloc(nrows * sizeof(*w.count));
	w.perm = malloc(nrows * sizeof(*w.perm));
	w.tmp = malloc(nrows * sizeof(*w.tmp));
	w.left = malloc(nrows);
	w.feats = malloc(ncols * sizeof(*w.feats));
	w.stack = malloc((nrows + 1) * sizeof(*w.stack));
	if (!f || !Xc || !order || !pairs || !noob || !w.sorted || !w.count || !w.perm || !w.tmp ||
	    !w.left || !w.feats || !w.stack)
		goto oom;
	f->nrows = nrows;
	f->ncols = ncols;
	f->trees = calloc(o->ntrees, sizeof(*f->trees));
	f->oob = calloc(nrows, sizeof(*f->oob));
	if (!f->trees || !f->oob)
		goto oom;

	/* Each feature's rows in order, once for all trees. */
	for (size_t k = nrows; k > 1; k >>= 1)
		depth_limit += 2;
	for (size_t j = 0; j < ncols; j++) {
		for (size_t i = 0; i < nrows; i++) {
			Xc[j * nrows + i] = X[i * ncols + j];
			pairs[i].x = X[i * ncols + j];
			pairs[i].row = (uint32_t)i;
		}
		sort_pairs(pairs, nrows, depth_limit);
		for (size_t i = 0; i < nrows; i++)
			order[j * nrows + i] = pairs[i].row;
	}
	free(pairs);
	pairs = NULL;
	for (size_t i = 0; i < nrows; i++)
		w.perm[i] = (uint32_t)i;
	for (size_t j = 0; j < ncols; j++)
		w.feats[j] = j;
	w.y = y;
	w.nrows = nrows;
	w.ncols = ncols;
	w.mtry = (size_t)floor(o->max_features * (double)ncols + 1e-9);
	if (w.mtry < 1)
		w.mtry = 1;
	if (w.mtry > ncols)
		w.mtry = ncols;
	w.min_leaf = o->min_samples_leaf;
	w.max_depth = o->max_depth;

	for (size_t t = 0; t < o->ntrees; t++) {
		draw_rows(&w, nsamples, block, o->bootstrap, rng);
		if (grow_tree(&w, &f->trees[t], rng) < 0)
			goto oom;
		f->ntrees++;
		f->nodes_total += f->trees[t].nnodes;
		/* Its out-of-bag rows. */
		nout = 0;
		for (size_t i = 0; i < nrows; i++) {
			if (w.count[i])
				continue;
			w.tmp[nout++] = (uint32_t)i;
			noob[i]++;
		}
		tree_predict_rows(&f->trees[t], X, ncols, w.tmp, nout, f->oob);
	}
	for (size_t i = 0; i < nrows; i++)
		f->oob[i] = noob[i] ? f->oob[i] / noob[i] : NAN;
	free(noob);
	workspace_release(&w);
	return f;
oom:
	capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "forest: out of memory (%zu rows, %zu features)",
	                  nrows, ncols);
	free(pairs);
	free(noob);
	workspace_release(&w);
	capplan_forest_free(f);
	return NULL;
}

double
capplan_forest_predict(const struct capplan_forest *f, const double *row)
{
	double s = 0;

	for (size_t t = 0; t < f->ntrees; t++)
		s += tree_predict(&f->trees[t], row);
	return s / (double)f->ntrees;
}

void
capplan_forest_predict_rows(const struct capplan_forest *f, const double *X, size_t n,
                            double *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = 0;
	for (size_t t = 0; t < f->ntrees; t++)
		tree_predict_rows(&f->trees[t], X, f->ncols, NULL, n, out);
	for (size_t i = 0; i < n; i++)
		out[i] /= (double)f->ntrees;
}

const double *
capplan_forest_oob(const struct capplan_forest *f, size_t *n)
{
	*n = f->nrows;
	return f->oob;
}

size_t
capplan_forest_ntrees(const struct capplan_forest *f)
{
	return f->ntrees;
}

size_t
capplan_forest_nodes(const struct capplan_forest *f)
{
	return f->nodes_total;
}

void
capplan_forest_free(struct capplan_forest *f)
{
	if (!f)
		return;
	for (size_t t = 0; t < f->ntrees; t++)
		free(f->trees[t].nodes);
	free(f->trees);
	free(f->oob);
	free(f);
}

/* ---- the forecasting method ---- */

/* Day number (since 1970-01-01) of January 1 of the year holding day z (Howard Hinnant's civil_from_days). */
static int64_t
jan1_of(int64_t z)
{
	int64_t era, doe, yoe, y, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	if (mp >= 10)
		y++;   /* January and February: the years above start in March */
	return capplan_time_from_civil((int)y, 1, 1, 0, 0, 0, 0) / MS_PER_DAY;
}

/* Calendar features of time ms (UTC): hour of day with fraction, day of week (Monday 0), day of year. */
static void
calendar(int64_t ms, double *hour, double *dow, double *doy)
{
	int64_t day = ms / MS_PER_DAY, msday;

	if (ms % MS_PER_DAY < 0)
		day--;
	msday = ms - day * MS_PER_DAY;
	*hour = (double)msday / MS_PER_HOUR;
	*dow = (double)(((day % 7) + 7 + 3) % 7);   /* 1970-01-01 was a Thursday */
	*doy = (double)(day - jan1_of(day) + 1);
}

/* The OLS line a + b*i through the points of y that are not NaN. */
struct line {
	double a, b;
	double tbar, sxx;   /* mean and spread of the indices used */
	double s2;          /* residual variance, m - 2 degrees of freedom */
	size_t m;           /* points used */
};

static void
fit_line(const double *y, size_t n, struct line *l)
{
	double y0 = NAN, st = 0, sy = 0, sxy = 0, sse = 0;

	memset(l, 0, sizeof(*l));
	/* Shifted by the first value: a constant series gives a = y0, b = 0 exactly. */
	for (size_t i = 0; i < n; i++) {
		if (isnan(y[i]))
			continue;
		if (isnan(y0))
			y0 = y[i];
		l->m++;
		st += (double)i;
		sy += y[i] - y0;
	}
	if (l->m == 0)
		return;
	l->tbar = st / (double)l->m;
	sy /= (double)l->m;
	for (size_t i = 0; i < n; i++) {
		double d;

		if (isnan(y[i]))
			continue;
		d = (double)i - l->tbar;
		l->sxx += d * d;
		sxy += d * (y[i] - y0 - sy);
	}
	l->b = l->sxx > 0 ? sxy / l->sxx : 0;
	l->a = y0 + sy - l->b * l->tbar;
	for (size_t i = 0; i < n; i++) {
		double e;

		if (isnan(y[i]))
			continue;
		e = y[i] - (l->a + l->b * (double)i);
		sse += e * e;
	}
	l->s2 = l->m > 2 ? sse / (double)(l->m - 2) : 0;
}

int
capplan_forest_forecast(const struct capplan_fit_input *in, size_t h,
                        struct capplan_forecast *out, struct capplan_fit_info *info,
                        struct capplan_error *err)
{
	return capplan_forest_forecast_opts(in, h, NULL, out, info, err);
}

int
capplan_forest_forecast_opts(const struct capplan_fit_input *in, size_t h,
                             const struct capplan_forest_options *o,
                             struct capplan_forecast *out, struct capplan_fit_info *info,
                             struct capplan_error *err)
{
	struct capplan_forest_options opts;
	struct capplan_forest *f = NULL;
	struct line line;
	gsl_rng *rng = NULL;
	size_t n = in->n, total = in->n + h, lag = 0, nfeat, ncal = 4, ntrain = 0, ne = 0, noob;
	size_t chunk;
	double *feat = NULL, *L = NULL, *X = NULL, *r = NULL, *e = NULL;
	const double *oob;
	double q025, q10, q90, q975, var_oob = 0, sst = 0, rbar = 0;
	int rc = -1;

	capplan_fit_info_init(info);
	memset(out, 0, sizeof(*out));
	if ((!in->y && n > 0) || (in->ndrivers > 0 && !in->drivers) || in->step_ms <= 0)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE,
		                         "forest: bad input (no values, no drivers, or step <= 0)");
	if (o) {
		opts = *o;
	} else {
		capplan_forest_options_init(&opts);
		opts.max_samples = CAPPLAN_FOREST_MAX_SAMPLES;
	}
	fit_line(in->y, n, &line);
	if (line.m < CAPPLAN_FOREST_MIN_POINTS) {
		capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                  "forest: too few points: %zu with a value, at least %d needed",
		                  line.m, CAPPLAN_FOREST_MIN_POINTS);
		return -1;
	}
	if (in->period > 0 && n / 2 >= in->period)
		lag = in->period;
	nfeat = ncal + (lag > 0) + in->ndrivers;
	chunk = lag > 0 ? lag : h > 0 ? h : 1;

	feat = malloc(total * nfeat * sizeof(*feat));
	L = malloc(total * sizeof(*L));
	X = malloc(n * nfeat * sizeof(*X));
	r = malloc(n * sizeof(*r));
	e = malloc(n * sizeof(*e));
	if (!feat || !L || !X || !r || !e) {
		capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "forest: out of memory (%zu points)", total);
		goto done;
	}

	/* Residuals from the line; the lag's source with its holes filled. */
	for (size_t i = 0; i < n; i++) {
		double v = in->y[i] - (line.a + line.b * (double)i);

		L[i] = !isnan(v) ? v : lag > 0 && i >= lag ? L[i - lag] : 0;
	}
	for (size_t i = n; i < total; i++)
		L[i] = NAN;

	/* Features of every grid point, history and horizon. */
	for (size_t i = 0; i < total; i++) {
		double *row = feat + i * nfeat;
		int64_t t = capplan_grid_time(in->start_ms, in->step_ms, in->months, (int64_t)i);

		calendar(t, &row[0], &row[1], &row[2]);
		row[3] = (double)i;
		if (lag > 0)
			row[ncal] = i >= lag ? L[i - lag] : NAN;
		for (size_t k = 0; k < in->ndrivers; k++) {
			double v = in->drivers[k][i];

			/* A hole in a driver's future takes its last value. */
			if (isnan(v) && i > n)
				v = feat[(i - 1) * nfeat + ncal + (lag > 0) + k];
			else if (isnan(v) && i == n)
				for (size_t j = n; j-- > 0 && isnan(v);)
					v = in->drivers[k][j];
			row[ncal + (lag > 0) + k] = v;
		}
	}

	/* Training rows. */
	for (size_t i = lag; i < n; i++) {
		const double *row = feat + i * nfeat;
		int ok = !isnan(in->y[i]);

		for (size_t j = 0; ok && j < nfeat; j++)
			ok = isfinite(row[j]);
		if (!ok)
			continue;
		memcpy(X + ntrain * nfeat, row, nfeat * sizeof(*row));
		r[ntrain++] = L[i];
	}
	if (ntrain < CAPPLAN_FOREST_MIN_POINTS) {
		capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                  "forest: too few points: %zu usable (value%s%s), at least %d needed",
		                  ntrain, lag ? ", one period of history for the lag" : "",
		                  in->ndrivers ? ", drivers with a value" : "",
		                  CAPPLAN_FOREST_MIN_POINTS);
		goto done;
	}

	rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!rng) {
		capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "forest: out of memory");
		goto done;
	}
	gsl_rng_set(rng, (unsigned long)(in->seed ^ (in->seed >> 32)));
	f = capplan_forest_fit(X, ntrain, nfeat, r, &opts, rng, err);
	if (!f)
		goto done;

	/* Out-of-bag residuals: their quantiles make the intervals. */
	oob = capplan_forest_oob(f, &noob);
	for (size_t j = 0; j < ntrain; j++)
		rbar += r[j] / (double)ntrain;
	for (size_t j = 0; j < ntrain; j++) {
		if (isnan(oob[j]))
			continue;
		e[ne] = r[j] - oob[j];
		var_oob += e[ne] * e[ne];
		sst += (r[j] - rbar) * (r[j] - rbar);
		ne++;
	}
	if (ne < 2) {
		capplan_error_set(err, CAPPLAN_EX_USAGE,
		                  "forest: the options leave %zu out-of-bag rows, 2 or more needed", ne);
		capplan_error_hint(err, "draw with replacement, or fewer rows per tree");
		goto done;
	}
	info->sse = var_oob;
	var_oob /= (double)ne;
	gsl_sort(e, 1, ne);
	q025 = gsl_stats_quantile_from_sorted_data(e, 1, ne, 0.025);
	q10 = gsl_stats_quantile_from_sorted_data(e, 1, ne, 0.10);
	q90 = gsl_stats_quantile_from_sorted_data(e, 1, ne, 0.90);
	q975 = gsl_stats_quantile_from_sorted_data(e, 1, ne, 0.975);

	if (capplan_forecast_init(out, h, err) < 0)
		goto done;
	/*
	 * The horizon a period at a time: a point's lag lies at least a period
	 * back, so the points of one period depend only on earlier ones.
	 */
	for (size_t k0 = 0; k0 < h; k0 += chunk) {
		size_t len = h - k0 < chunk ? h - k0 : chunk;

		for (size_t k = k0; lag > 0 && k < k0 + len; k++)
			feat[(n + k) * nfeat + ncal] = L[n + k - lag];
		capplan_forest_predict_rows(f, feat + (n + k0) * nfeat, len, L + n + k0);
	}
	for (size_t k = 0; k < h; k++) {
		size_t i = n + k;
		double p = L[i], base, d, se2, wide;

		base = line.a + line.b * (double)i;
		d = (double)i - line.tbar;
		se2 = line.s2 * (1.0 / (double)line.m + d * d / line.sxx);
		wide = var_oob > 0 ? sqrt(1 + se2 / var_oob) : 1;
		out->yhat[k] = base + p;
		out->lo95[k] = out->yhat[k] + fmin(q025 * wide, 0);
		out->lo80[k] = out->yhat[k] + fmin(q10 * wide, 0);
		out->hi80[k] = out->yhat[k] + fmax(q90 * wide, 0);
		out->hi95[k] = out->yhat[k] + fmax(q975 * wide, 0);
	}

	capplan_fit_info_param(info, "intercept", line.a);
	capplan_fit_info_param(info, "slope", line.b);
	capplan_fit_info_param(info, "trees", (double)capplan_forest_ntrees(f));
	capplan_fit_info_param(info, "features", (double)nfeat);
	capplan_fit_info_param(info, "lag", (double)lag);
	capplan_fit_info_param(info, "oob_r2", sst > 0 ? 1 - info->sse / sst : NAN);
	info->sigma = sqrt(var_oob);
	info->nobs = ntrain;
	rc = 0;
done:
	if (rc < 0) {
		capplan_forecast_release(out);
		capplan_fit_info_init(info);
	}
	capplan_forest_free(f);
	gsl_rng_free(rng);
	free(feat);
	free(L);
	free(X);
	free(r);
	free(e);
	return rc;
}
