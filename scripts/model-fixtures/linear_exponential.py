#!/usr/bin/python3
"""Reference numbers for tests/unit/test_linear.c and tests/unit/test_exponential.c.

Writes tests/fixtures/model/linear/*.txt and tests/fixtures/model/exponential/*.txt
in the format of tests/unit/fixture.h: one array per line, a name then values
written with repr (%.17g), '#' lines saying what was computed and with which
library versions.  The C tests read only these files; Python is not needed to
run them.

Every series is a grid y[0..n) with NaN for missing points, x = the index i;
NaN points are left out of every fit.  Forecasts are at i = n .. n+h-1.

linear (lib/model/linear.c)
  intercept, slope  scikit-learn LinearRegression().fit(i[:, None], y) on the
                    points that are not NaN (coef_[0], intercept_)
  sse, sigma        numpy: sum of squared residuals, sqrt(sse / (m - 2)),
                    m = nobs the points used
  yhat              intercept + slope * i
  lo80 .. hi95      yhat -/+ scipy.stats.t.ppf(0.90 | 0.975, m - 2) * sigma
                    * sqrt(1 + 1/m + (i - xbar)^2 / Sxx) (the textbook OLS
                    prediction interval); cross-checked against statsmodels
                    OLS(...).get_prediction(...).summary_frame() obs_ci_* (the
                    agreement is written in each file's header)
  For the two series of shared/data/reference the JSON's own sklearn numbers
  are copied too (json_intercept, json_slope, json_sigma, json_yhat).

exponential (lib/model/exponential.c)
  y = a * exp(b * i).  Solved with t = (i - i0) / (i1 - i0) in [0, 1] (i0, i1
  the first and last point used; for series without NaN this is the
  reference JSON's x = i / (n_train - 1)) and b converted back to per step.
  a, b, sse, sigma  the exact least-squares optimum: variable projection,
                    a(b) = S1 / S2 with S1 = sum y e^{bt}, S2 = sum e^{2bt},
                    and b the root of dSSE/db = 0, i.e. of
                    sum(y t e^{bt}) * S2 - S1 * sum(t e^{2bt}), found with
                    mpmath (50 digits) from curve_fit's answer; then checked
                    to be a minimum of the SSE.  sigma = sqrt(sse / (m - 2)).
  cf_a, cf_b        scipy.optimize.curve_fit from the log-linear start (OLS of
                    log y on t) with ftol = xtol = gtol = 1e-15, maxfev 100000
  yhat              a * exp(b * i)
  lo80 .. hi95      the delta method: var = s^2 + g^T C g, g = (e^{bt},
                    a t e^{bt}) the gradient of a e^{bt} at the forecast's t,
                    C = s^2 (J^T J)^-1 with J the Jacobian at the optimum
                    (numpy), bounds yhat -/+ t.ppf(0.90 | 0.975, m - 2) * sqrt(var);
                    cross-checked against curve_fit's pcov (header)
  For the two series of shared/data/reference the JSON's exp_exact_optimum
  (a, b at x = i / (n_train - 1), sse, sigma, forecast) is copied as exact_a,
  exact_b (converted to per step: b / (n_train - 1)), exact_sse, exact_sigma,
  exact_yhat.

Synthetic series use numpy's default_rng with fixed seeds.  The two long
series (10^5 points) are not written out: their values come from a 64-bit
LCG that the C test repeats bit for bit (see lcg_series below; the fixture
holds its parameters and check values).

Usage: scripts/model-fixtures/linear_exponential.py [--shared DIR]
  DIR holds data/reference (default: ../shared next to the repository).
Real series are read from tests/fixtures/series (copies of shared/data/series).
"""
import argparse
import csv
import datetime
import json
import math
import os
import platform
import sys

import mpmath
import numpy as np
import pandas
import scipy
import scipy.optimize
import scipy.stats
import sklearn
import statsmodels
import statsmodels.api as sm
from sklearn.linear_model import LinearRegression

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_LIN = os.path.join(ROOT, "tests", "fixtures", "model", "linear")
OUT_EXP = os.path.join(ROOT, "tests", "fixtures", "model", "exponential")
SERIES = os.path.join(ROOT, "tests", "fixtures", "series")

VERSIONS = "python %s, numpy %s, scipy %s, scikit-learn %s, statsmodels %s, mpmath %s" % (
    platform.python_version(), np.__version__, scipy.__version__, sklearn.__version__,
    statsmodels.__version__, mpmath.__version__)

MASK64 = (1 << 64) - 1


def fmt(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    r = repr(v)
    return r[:-2] if r.endswith(".0") and "e" not in r else r


def write(folder, name, comments, arrays):
    os.makedirs(folder, exist_ok=True)
    rel = os.path.relpath(os.path.join(folder, name + ".txt"), ROOT)
    with open(os.path.join(folder, name + ".txt"), "w") as fp:
        fp.write("# %s: written by scripts/model-fixtures/linear_exponential.py\n" % rel)
        for c in comments:
            fp.write("# %s\n" % c)
        fp.write("# %s\n" % VERSIONS)
        for key, values in arrays:
            fp.write(key + " " + " ".join(fmt(v) for v in np.atleast_1d(values)) + "\n")


def max_rel(a, b, scale=None):
    """Largest |a - b| / max(|a|, |b|) (or / scale when given)."""
    a, b = np.atleast_1d(np.asarray(a, float)), np.atleast_1d(np.asarray(b, float))
    d = np.abs(a - b)
    s = np.maximum(np.abs(a), np.abs(b)) if scale is None else np.full(d.shape, scale)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(d == 0, 0.0, d / s)
    return float(np.max(r)) if r.size else 0.0


def read_series(name):
    """Timestamps (unix seconds) and values of tests/fixtures/series/NAME.csv."""
    ts, vs = [], []
    with open(os.path.join(SERIES, name + ".csv"), newline="") as fp:
        for r in csv.DictReader(fp):
            t = datetime.datetime.strptime(r["timestamp"], "%Y-%m-%dT%H:%M:%SZ")
            ts.append(t.replace(tzinfo=datetime.timezone.utc).timestamp())
            vs.append(float(r["value"]))
    return np.array(ts), np.array(vs)


def on_grid(ts, vs, step):
    """Values on the grid t0 + k*step (k = round((t - t0) / step)), NaN where none."""
    k = np.rint((ts - ts[0]) / step).astype(np.int64)
    assert np.all(np.diff(k) > 0), "two samples on one grid point"
    y = np.full(k[-1] + 1, np.nan)
    y[k] = vs
    return y


def lcg_series(seed, n, c0, c1, amp, hole_mod, hole_rem):
    """y[i] = c0 + c1*i + amp*(u_i - 0.5), u_i the top 53 bits of a 64-bit LCG
    (Knuth's MMIX constants) as a double in [0, 1); NaN where i % hole_mod == hole_rem.
    Every operation is exact or one IEEE rounding in the same order as in C."""
    y = np.empty(n)
    s = seed
    for i in range(n):
        s = (s * 6364136223846793005 + 1442695040888963407) & MASK64
        u = float(s >> 11) * 2.0 ** -53
        y[i] = c0 + c1 * float(i) + amp * (u - 0.5)
        if hole_mod and i % hole_mod == hole_rem:
            y[i] = math.nan
    return y


# ---------------------------------------------------------------- linear

def linear_reference(y, h):
    n = len(y)
    idx = np.arange(n, dtype=float)
    ok = ~np.isnan(y)
    x, v = idx[ok], y[ok]
    m = len(v)
    lr = LinearRegression().fit(x[:, None], v)
    slope, intercept = float(lr.coef_[0]), float(lr.intercept_)
    resid = v - lr.predict(x[:, None])
    sse = float(np.sum(resid * resid))
    sigma = math.sqrt(sse / (m - 2))
    xbar = float(np.mean(x))
    sxx = float(np.sum((x - xbar) ** 2))
    x0 = np.arange(n, n + h, dtype=float)
    yhat = intercept + slope * x0
    se = sigma * np.sqrt(1.0 + 1.0 / m + (x0 - xbar) ** 2 / sxx)
    t80 = scipy.stats.t.ppf(0.90, m - 2)
    t95 = scipy.stats.t.ppf(0.975, m - 2)
    out = dict(intercept=intercept, slope=slope, sse=sse, sigma=sigma, nobs=m, yhat=yhat,
               lo80=yhat - t80 * se, hi80=yhat + t80 * se,
               lo95=yhat - t95 * se, hi95=yhat + t95 * se)
    # independent cross-check of the intervals: statsmodels' OLS prediction
    res = sm.OLS(v, sm.add_constant(x)).fit()
    ex = sm.add_constant(x0, has_constant="add")
    f80 = res.get_prediction(ex).summary_frame(alpha=0.20)
    f95 = res.get_prediction(ex).summary_frame(alpha=0.05)
    scale = float(np.nanmax(np.abs(y)))
    out["check_statsmodels"] = max(
        max_rel(res.params[1], slope), max_rel(res.params[0], intercept),
        max_rel(f80["obs_ci_lower"], out["lo80"], scale), max_rel(f80["obs_ci_upper"], out["hi80"], scale),
        max_rel(f95["obs_ci_lower"], out["lo95"], scale), max_rel(f95["obs_ci_upper"], out["hi95"], scale))
    return out


LIN_DOC = ("intercept slope: sklearn LinearRegression on (i, y[i]) for y[i] not NaN; sse sigma nobs: numpy; "
           "yhat lo80 hi80 lo95 hi95 at i = n..n+h-1: yhat -/+ scipy.stats.t.ppf(0.90|0.975, nobs-2) "
           "* sigma * sqrt(1 + 1/nobs + (i - xbar)^2 / Sxx)")


def linear_arrays(r):
    return [(k, r[k]) for k in ("intercept", "slope", "sigma", "sse", "nobs",
                                "yhat", "lo80", "hi80", "lo95", "hi95")]


def write_linear(name, y, h, notes, extra=(), with_y=True):
    r = linear_reference(y, h)
    comments = list(notes) + [LIN_DOC,
                              "statsmodels OLS get_prediction agrees with these intervals and "
                              "coefficients to %.2g (relative, bounds relative to max|y|)" % r["check_statsmodels"]]
    arrays = [("n", len(y)), ("h", h)]
    if with_y:
        arrays.append(("y", y))
    write(OUT_LIN, name, comments, arrays + list(extra) + linear_arrays(r))
    return r


# ---------------------------------------------------------------- exponential

def exp_scaled(y):
    """t in [0, 1] and the values used, as the C code scales them."""
    idx = np.flatnonzero(~np.isnan(y))
    i0, i1 = int(idx[0]), int(idx[-1])
    span = i1 - i0
    t = np.array([(i - i0) / span for i in idx])   # one correctly rounded division each
    return t, y[idx], i0, span


def exp_exact(t, v, b_start):
    """The least-squares optimum of v = a e^{b t} to ~30 digits (variable projection)."""
    mpmath.mp.dps = 50
    T = [mpmath.mpf(float(x)) for x in t]
    V = [mpmath.mpf(float(x)) for x in v]

    def sums(b):
        e = [mpmath.exp(b * x) for x in T]
        s1 = mpmath.fsum(vi * ei for vi, ei in zip(V, e))
        s2 = mpmath.fsum(ei * ei for ei in e)
        s1p = mpmath.fsum(vi * x * ei for vi, x, ei in zip(V, T, e))
        s2p = mpmath.fsum(x * ei * ei for x, ei in zip(T, e))
        return s1, s2, s1p, s2p

    def dsse(b):
        s1, s2, s1p, s2p = sums(b)
        return s1p * s2 - s1 * s2p

    def sse(b):
        s1, s2, _, _ = sums(b)
        return mpmath.fsum(vi * vi for vi in V) - s1 * s1 / s2

    b0 = mpmath.mpf(b_start)
    b = mpmath.findroot(dsse, (b0, b0 + max(abs(b0), 1) * mpmath.mpf("1e-7")),
                        solver="secant", tol=mpmath.mpf(10) ** -80, maxsteps=200)
    s1, s2, _, _ = sums(b)
    a = s1 / s2
    q = sse(b)
    db = max(abs(b), 1) * mpmath.mpf("1e-6")
    assert sse(b - db) > q and sse(b + db) > q, "the root of dSSE/db is not a minimum"
    return float(a), float(b), float(q)


def exp_reference(y, h):
    n = len(y)
    t, v, i0, span = exp_scaled(y)
    m = len(v)
    assert np.all(v > 0)
    # curve_fit, tight, from the log-linear start
    lb, la = np.polyfit(t, np.log(v), 1)
    p0 = [math.exp(la), lb]
    f = lambda x, a, b: a * np.exp(b * x)
    popt, pcov, info, mesg, ier = scipy.optimize.curve_fit(
        f, t, v, p0=p0, ftol=1e-15, xtol=1e-15, gtol=1e-15, maxfev=100000, full_output=True)
    a, b, sse = exp_exact(t, v, popt[1])
    sigma = math.sqrt(sse / (m - 2))
    # delta-method intervals at the optimum
    e = np.exp(b * t)
    J = np.column_stack([e, a * t * e])
    cov = sigma ** 2 * np.linalg.inv(J.T @ J)
    tk = (np.arange(n, n + h, dtype=float) - i0) / span
    ek = np.exp(b * tk)
    yhat = a * ek
    g = np.column_stack([ek, a * tk * ek])
    var = sigma ** 2 + np.einsum("ij,jk,ik->i", g, cov, g)
    t80 = scipy.stats.t.ppf(0.90, m - 2)
    t95 = scipy.stats.t.ppf(0.975, m - 2)
    sd = np.sqrt(var)
    var_cf = sigma ** 2 + np.einsum("ij,jk,ik->i", g, pcov, g)
    scale = float(np.nanmax(np.abs(y)))
    a_step = a * math.exp(-b * i0 / span)
    out = dict(a=a_step, b=b / span, sse=sse, sigma=sigma, nobs=m, yhat=yhat,
               lo80=yhat - t80 * sd, hi80=yhat + t80 * sd,
               lo95=yhat - t95 * sd, hi95=yhat + t95 * sd,
               cf_a=popt[0] * math.exp(-popt[1] * i0 / span), cf_b=popt[1] / span,
               a_t=a, b_t=b, span=span, i0=i0, nfev=info["nfev"], ier=ier,
               cf_rel=(max_rel(popt[0], a), max_rel(popt[1], b)),
               check_pcov=max_rel(np.sqrt(var_cf), sd), scale=scale)
    return out


EXP_DOC = ("a b (per step) sse sigma nobs: exact least-squares optimum (mpmath variable projection); "
           "cf_a cf_b: scipy curve_fit ftol=xtol=gtol=1e-15 from the log-linear start; "
           "yhat lo80 hi80 lo95 hi95 at i = n..n+h-1: delta method, yhat -/+ t.ppf(0.90|0.975, nobs-2) "
           "* sqrt(s^2 + g^T s^2 (J^T J)^-1 g)")


def write_exponential(name, y, h, notes, extra=()):
    r = exp_reference(y, h)
    comments = list(notes) + [
        EXP_DOC,
        "solved at t = (i - %d) / %d; at that scale a = %r, b = %r" % (r["i0"], r["span"], r["a_t"], r["b_t"]),
        "curve_fit (tight, nfev %d, ier %d) differs from the optimum by %.2g in a, %.2g in b (relative)"
        % (r["nfev"], r["ier"], r["cf_rel"][0], r["cf_rel"][1]),
        "interval sd from curve_fit's pcov instead of s^2 (J^T J)^-1 differs by %.2g (relative)" % r["check_pcov"],
    ]
    arrays = [("n", len(y)), ("h", h), ("y", y)] + list(extra)
    arrays += [(k, r[k]) for k in ("a", "b", "sigma", "sse", "nobs", "cf_a", "cf_b",
                                   "yhat", "lo80", "hi80", "lo95", "hi95")]
    write(OUT_EXP, name, comments, arrays)
    return r


# ---------------------------------------------------------------- cases

def reference_cases(shared):
    for series, fixture in (("prophet_retail_sales", "retail_sales"),
                            ("prophet_pedestrians_covid", "pedestrians_covid")):
        path = os.path.join(shared, "data", "reference", series + ".json")
        with open(path) as fp:
            ref = json.load(fp)
        y = np.array(ref["train_values"], dtype=float)
        h = int(ref["horizon"])
        n = len(y)
        assert n == ref["n_train"]
        src = ("%s: the first %d points (train_values) of shared/data/reference/%s.json, h = %d (its horizon)"
               % (series, n, series, h))
        lin = ref["linear"]
        r = write_linear(fixture, y, h, [
            src,
            "json_*: the JSON's 'linear' (sklearn %s there): coef, intercept, sigma, forecast" % ref["versions"]["sklearn"],
        ], extra=[("json_intercept", lin["intercept"]), ("json_slope", lin["coef"]),
                  ("json_sigma", lin["sigma"]), ("json_yhat", lin["forecast"])])
        print("linear %-20s this sklearn vs JSON: slope %.2g intercept %.2g" % (
            fixture, max_rel(r["slope"], lin["coef"]), max_rel(r["intercept"], lin["intercept"])))
        ex = ref["exp_exact_optimum"]
        r = write_exponential(fixture, y, h, [
            src,
            "exact_*: the JSON's 'exp_exact_optimum' (%s), a and b at x = i/(n-1) with b "
            "converted to per step (b / %d): exact_b_x is the JSON's b as it stands" % (ex["method"], n - 1),
        ], extra=[("exact_a", ex["a"]), ("exact_b", ex["b"] / (n - 1)), ("exact_b_x", ex["b"]),
                  ("exact_sse", ex["sse"]), ("exact_sigma", ex["sigma"]), ("exact_yhat", ex["forecast"])])
        print("exp    %-20s this optimum vs JSON's: a %.2g b %.2g sse %.2g" % (
            fixture, max_rel(r["a_t"], ex["a"]), max_rel(r["b_t"], ex["b"]), max_rel(r["sse"], ex["sse"])))


def real_cases():
    # NYC taxi passengers per 30 minutes: a daily and weekly cycle, no trend to speak of
    _, taxi = read_series("nab_nyc_taxi")
    src = "nab_nyc_taxi (tests/fixtures/series, all %d points, regular 30-minute grid)" % len(taxi)
    write_linear("nyc_taxi", taxi, 336, [src])
    write_exponential("nyc_taxi", taxi, 336, [src])

    # disk write bytes per 5 minutes, put on the 300 s grid: one 3660 s gap becomes 11 NaN
    ts, vs = read_series("nab_aws_ec2_disk_write_bytes_1ef3de")
    y = on_grid(ts, vs, 300.0)
    write_linear("disk_write_1ef3de", y, 288, [
        "nab_aws_ec2_disk_write_bytes_1ef3de (tests/fixtures/series): %d samples put on the 300 s grid "
        "(index round((t - t0) / 300)): %d points, %d NaN; %d values are 0 (so the exponential fails)"
        % (len(vs), len(y), int(np.isnan(y).sum()), int((vs == 0).sum()))])

    # disk used: 1.5e12 bytes plus the running total of disk_write_bytes_c0d644, 10^12-sized values
    _, w = read_series("nab_aws_ec2_disk_write_bytes_c0d644")
    used = 1.5e12 + np.cumsum(w)
    src = ("disk used = 1.5e12 + the running sum (numpy cumsum) of nab_aws_ec2_disk_write_bytes_c0d644 "
           "(tests/fixtures/series), %d points up to %.4g" % (len(used), used.max()))
    write_linear("disk_used_c0d644", used, 288, [src])
    write_exponential("disk_used_c0d644", used, 288, [src])

    # ELB request count per 5 minutes: small positive integers
    _, elb = read_series("nab_aws_elb_request_count_8c0756")
    src = "nab_aws_elb_request_count_8c0756 (tests/fixtures/series), all %d points" % len(elb)
    write_linear("elb_requests_8c0756", elb, 288, [src])
    write_exponential("elb_requests_8c0756", elb, 288, [src])


def synthetic_cases():
    rng = np.random.default_rng(20240611)
    i = np.arange(500, dtype=float)
    y = 42.0 + 0.37 * i + rng.normal(0.0, 15.0, i.size)
    write_linear("synth_noise", y, 50, ["synthetic: 42 + 0.37 i + N(0, 15), n 500, default_rng(20240611)"])

    rng = np.random.default_rng(7)
    i = np.arange(600, dtype=float)
    y = -3.0e4 - 12.5 * i + rng.normal(0.0, 800.0, i.size)
    holes = rng.random(i.size) < 0.1
    holes[:7] = True
    holes[-5:] = True
    y[holes] = np.nan
    write_linear("synth_holes", y, 24, [
        "synthetic: -3e4 - 12.5 i + N(0, 800), n 600, default_rng(7); %d NaN (random 10%%, the first 7, "
        "the last 5)" % int(np.isnan(y).sum())])

    long_cases = (
        ("lcg_long", (20240611, 100000, 1234.5, 0.0125, 400.0, 0, 0),
         "100000 points, 1234.5 + 0.0125 i + uniform noise of width 400, no NaN"),
        ("lcg_1e12", (99, 100000, 1.5e12, 3.7e6, 2.0e9, 997, 13),
         "100000 points, 1.5e12 + 3.7e6 i + uniform noise of width 2e9, NaN where i % 997 == 13"),
        ("lcg_flat_1e12", (4242, 100000, 2.5e12, 20.0, 1.0e6, 0, 0),
         "100000 points, 2.5e12 + 20 i + uniform noise of width 1e6, no NaN: a slow trend on a "
         "huge level, where the uncentred normal equations lose most digits of the slope"),
    )
    for name, p, what in long_cases:
        y = lcg_series(*p)
        ok = y[~np.isnan(y)]
        write_linear(name, y, 100, [
            "synthetic, generated in C too: " + what,
            "lcg: seed n c0 c1 amp hole_mod hole_rem of lcg_series() in this script (and in test_linear.c); "
            "check_* are the count of non-NaN values, the first and last value and math.fsum of the values",
        ], extra=[("lcg", p), ("check_count", len(ok)), ("check_first", ok[0]), ("check_last", ok[-1]),
                  ("check_fsum", math.fsum(ok))], with_y=False)

    rng = np.random.default_rng(365)
    i = np.arange(365, dtype=float)
    y = 1200.0 * np.exp(0.0035 * i) * np.exp(rng.normal(0.0, 0.04, i.size))
    write_exponential("synth_growth", y, 90, [
        "synthetic: 1200 e^{0.0035 i} e^{N(0, 0.04)}, n 365, default_rng(365)"])

    rng = np.random.default_rng(240)
    i = np.arange(240, dtype=float)
    y = 8.0e4 * np.exp(-0.012 * i) + rng.normal(0.0, 400.0, i.size)
    assert np.all(y > 0)
    write_exponential("synth_decay", y, 48, [
        "synthetic: 8e4 e^{-0.012 i} + N(0, 400), n 240, default_rng(240)"])

    rng = np.random.default_rng(400)
    i = np.arange(400, dtype=float)
    y = 35.0 * np.exp(0.006 * i) * (1.0 + rng.normal(0.0, 0.05, i.size))
    holes = rng.random(i.size) < 0.08
    holes[:5] = True
    holes[-3:] = True
    y[holes] = np.nan
    write_exponential("synth_holes", y, 60, [
        "synthetic: 35 e^{0.006 i} (1 + N(0, 0.05)), n 400, default_rng(400); %d NaN (random 8%%, the "
        "first 5, the last 3)" % int(np.isnan(y).sum())])

    y = np.where(np.arange(10) % 2 == 1, 1.0e6, 1.0e-6)
    write_exponential("synth_alternating", y, 3, [
        "synthetic: 1e-6 and 1e6 alternating, n 10: far from any exponential; from the log-linear start "
        "a full Gauss-Newton step overflows exp (a regression case: the solver must reject it)"])

    rng = np.random.default_rng(2016)
    i = np.arange(2016, dtype=float)
    y = 1.2e12 * np.exp(2.0e-4 * i) * (1.0 + rng.normal(0.0, 0.01, i.size))
    write_exponential("synth_1e12", y, 288, [
        "synthetic: 1.2e12 e^{2e-4 i} (1 + N(0, 0.01)), n 2016, default_rng(2016)"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"),
                    help="the shared folder holding data/reference (default: %(default)s)")
    args = ap.parse_args()
    reference_cases(args.shared)
    real_cases()
    synthetic_cases()
    return 0


if __name__ == "__main__":
    sys.exit(main())
