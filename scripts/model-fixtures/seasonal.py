#!/usr/bin/python3
"""Reference numbers for tests/unit/test_seasonal.c (lib/model/seasonal.c).

Writes tests/fixtures/model/seasonal/*.txt in the format of tests/unit/fixture.h:
one array per line, a name then values written with repr (%.17g), '#' lines
saying what was computed and with which library versions.

  decomposition  statsmodels seasonal_decompose(y, model='additive', period=p)
                 (two_sided=True, extrapolate_trend=0): trend, seasonal, resid
                 and the seasonal figure (seasonal[:p]).  For the two series
                 of ../shared/data/reference the arrays are copied from the
                 reference JSON (computed there with statsmodels), after
                 checking that this machine's statsmodels gives the same.
  NaN holes      statsmodels refuses missing values, so series with NaN are
                 decomposed by an independent numpy transcription of the same
                 algorithm (np.convolve with statsmodels' filter, which leaves
                 NaN in every window that holds one; np.nanmean per phase),
                 checked first against statsmodels on the series without holes.
  forecast       the trend line by scipy.stats.linregress of the defined trend
                 values on their index; yhat = line(n + k) + figure[(n+k) % p];
                 sd^2 = nanstd(resid, ddof=1)^2 + s_t^2 (1 + 1/m + (x - xbar)^2 / Sxx),
                 s_t^2 the trend's residual variance about the line (m - 2 dof);
                 bounds yhat -/+ t(0.90 | 0.975, m - 2) * sd, t from scipy.stats.t.ppf
                 refined by Newton steps on scipy.special.stdtr (t.ppf alone is off by
                 up to 4e-9 relative for some degrees of freedom in scipy 1.10, e.g. 3
                 and 25..50; polished, it agrees with GSL's quantile to 3e-15).
                 For the reference series, yhat is also checked against the
                 reference JSON's forecast (same trend-line convention).

Usage: scripts/model-fixtures/seasonal.py [--shared DIR]
  DIR holds data/reference (default: ../shared next to the repository).
Real series are read from tests/fixtures/series (copies of shared/data/series).
"""
import argparse
import csv
import json
import math
import os
import platform
import sys

import numpy as np
import pandas
import scipy
import scipy.special
import scipy.stats
import statsmodels
from statsmodels.tsa.seasonal import seasonal_decompose

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fixtures", "model", "seasonal")
SERIES = os.path.join(ROOT, "tests", "fixtures", "series")

VERSIONS = "python %s, numpy %s, scipy %s, statsmodels %s, pandas %s" % (
    platform.python_version(), np.__version__, scipy.__version__,
    statsmodels.__version__, pandas.__version__)


def read_series(name):
    with open(os.path.join(SERIES, name + ".csv"), newline="") as fp:
        return np.array([float(r["value"]) for r in csv.DictReader(fp)])


def sm_decompose(y, p):
    r = seasonal_decompose(y, model="additive", period=p)
    seasonal = np.asarray(r.seasonal, dtype=float)
    return (np.asarray(r.trend, dtype=float), seasonal,
            np.asarray(r.resid, dtype=float), seasonal[:p].copy())


def np_decompose(y, p):
    """The same algorithm, written out with numpy; NaN stays in its windows."""
    n = len(y)
    half = p // 2
    if p % 2 == 0:
        filt = np.array([0.5] + [1.0] * (p - 1) + [0.5]) / p
    else:
        filt = np.repeat(1.0 / p, p)
    trend = np.full(n, np.nan)
    trend[half:n - half] = np.convolve(y, filt, mode="valid")
    detrended = y - trend
    figure = np.array([np.nanmean(detrended[k::p]) for k in range(p)])
    figure -= figure.mean()
    seasonal = np.tile(figure, n // p + 1)[:n]
    return trend, seasonal, detrended - seasonal, figure


def t_quantile(p, nu):
    x = scipy.stats.t.ppf(p, nu)
    for _ in range(3):
        x -= (scipy.special.stdtr(nu, x) - p) / scipy.stats.t.pdf(x, nu)
    return x


def forecast(y, p, h, trend, resid, figure):
    n = len(y)
    idx = np.flatnonzero(~np.isnan(trend))
    x = idx.astype(float)
    t = trend[idx]
    m = len(idx)
    fit = scipy.stats.linregress(x, t)
    line = fit.intercept + fit.slope * x
    s2 = float(np.sum((t - line) ** 2) / (m - 2))
    xbar = x.mean()
    sxx = float(np.sum((x - xbar) ** 2))
    sigma = float(np.nanstd(resid, ddof=1))
    xf = np.arange(n, n + h, dtype=float)
    yhat = fit.intercept + fit.slope * xf + figure[np.arange(n, n + h) % p]
    sd = np.sqrt(sigma ** 2 + s2 * (1 + 1 / m + (xf - xbar) ** 2 / sxx))
    t80 = t_quantile(0.90, m - 2)
    t95 = t_quantile(0.975, m - 2)
    return {
        "h": [h],
        "yhat": yhat, "lo80": yhat - t80 * sd, "hi80": yhat + t80 * sd,
        "lo95": yhat - t95 * sd, "hi95": yhat + t95 * sd,
        "trend_slope": [fit.slope],
        "trend_intercept": [fit.intercept + fit.slope * (n - 1)],
        "trend_sigma": [math.sqrt(s2)],
        "sigma": [sigma],
        "sse": [float(np.nansum(resid ** 2))],
        "nobs": [int(np.count_nonzero(~np.isnan(y)))],
    }


def scale(y):
    return float(np.nanmax(np.abs(y)))


def max_diff(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape or not np.array_equal(np.isnan(a), np.isnan(b)):
        return math.inf
    ok = ~np.isnan(a)
    return float(np.max(np.abs(a[ok] - b[ok]), initial=0.0))


def fmt(v):
    v = float(v)
    return repr(v) if not v.is_integer() or abs(v) >= 1e16 else repr(int(v))


def write(name, comments, arrays):
    path = os.path.join(OUT, name + ".txt")
    with open(path + ".tmp", "w") as fp:
        fp.write("# tests/fixtures/model/seasonal/%s.txt: written by scripts/model-fixtures/seasonal.py\n"
                 % name)
        for c in comments:
            fp.write("# %s\n" % c)
        fp.write("# %s\n" % VERSIONS)
        for key, values in arrays.items():
            fp.write(key + " " + " ".join(fmt(v) for v in np.atleast_1d(values)) + "\n")
    os.replace(path + ".tmp", path)
    print("wrote", os.path.relpath(path, ROOT))


def decomposition_arrays(y, p, parts, with_seasonal=True, with_y=True):
    trend, seasonal, resid, figure = parts
    arrays = {}
    if with_y:
        arrays["y"] = y
    arrays["n"] = [len(y)]
    arrays["period"] = [p]
    arrays["trend"] = trend
    if with_seasonal:
        arrays["seasonal"] = seasonal
    arrays["resid"] = resid
    arrays["figure"] = figure
    return arrays


def from_reference(shared, series, fixture):
    with open(os.path.join(shared, "data", "reference", series + ".json")) as fp:
        ref = json.load(fp)
    d = ref["decomp"]
    p = d["period"]
    y = np.array(ref["train_values"], dtype=float)
    h = ref["horizon"]
    nan = lambda a: np.array([math.nan if v is None else v for v in a], dtype=float)
    parts = (nan(d["trend"]), nan(d["seasonal"]), nan(d["resid"]), nan(d["seasonal_figure"]))
    mine = sm_decompose(y, p)
    for label, a, b in zip(("trend", "seasonal", "resid", "figure"), parts, mine):
        diff = max_diff(a, b)
        if diff > 1e-12 * scale(y):
            sys.exit("%s: %s differs from the reference JSON by %g" % (series, label, diff))
    fc = forecast(y, p, h, parts[0], parts[2], parts[3])
    fdiff = max_diff(fc["yhat"], d["forecast"])
    if fdiff > 1e-12 * scale(y):
        sys.exit("%s: forecast differs from the reference JSON by %g" % (series, fdiff))
    arrays = decomposition_arrays(y, p, parts)
    arrays.update(fc)
    arrays["yhat"] = np.array(d["forecast"], dtype=float)
    arrays["trend_line_intercept"] = [d["trend_line_intercept"]]
    arrays["trend_line_slope"] = [d["trend_line_slope"]]
    write(fixture, [
        "%s: the first %d points (train_values) of shared/data/reference/%s.json, period %d"
        % (series, len(y), series, p),
        "trend, seasonal, resid, figure (seasonal_figure), yhat (forecast), trend_line_intercept"
        " (at index 0) and trend_line_slope copied from the JSON's 'decomp' (statsmodels %s)"
        % ref["versions"]["statsmodels"],
        "this machine's statsmodels agrees with the JSON's arrays to %.3g (max abs)"
        % max(max_diff(a, b) for a, b in zip(parts, mine)),
        "lo80 hi80 lo95 hi95 trend_intercept (at index n-1) trend_sigma sigma sse nobs: "
        "numpy/scipy as in the generator's docstring; its yhat agrees with the JSON's to %.3g"
        % fdiff,
    ], arrays)


def from_series(series, p, h, fixture, note):
    y = read_series(series)
    parts = sm_decompose(y, p)
    arrays = decomposition_arrays(y, p, parts, with_seasonal=False, with_y=False)
    arrays.update(forecast(y, p, h, parts[0], parts[2], parts[3]))
    write(fixture, [
        "%s (tests/fixtures/series/%s.csv, all %d points), period %d: %s"
        % (series, series, len(y), p, note),
        "trend resid figure: statsmodels seasonal_decompose(model='additive', period=%d);"
        " seasonal is figure tiled from phase 0 (not repeated here)" % p,
        "yhat lo80 hi80 lo95 hi95 and fit numbers: numpy/scipy as in the generator's docstring",
    ], arrays)


def synthetic(fixture, y, p, h, note):
    parts = sm_decompose(y, p)
    arrays = decomposition_arrays(y, p, parts)
    arrays.update(forecast(y, p, h, parts[0], parts[2], parts[3]))
    write(fixture, [
        "synthetic, period %d, %d points: %s" % (p, len(y), note),
        "trend seasonal resid figure: statsmodels seasonal_decompose(model='additive', period=%d)" % p,
        "yhat lo80 hi80 lo95 hi95 and fit numbers: numpy/scipy as in the generator's docstring",
    ], arrays)


def with_holes(fixture, y, p, h, holes, note, series=None):
    """NaN at holes; the numpy transcription, checked against statsmodels without the holes."""
    sm = sm_decompose(y, p)
    mine = np_decompose(y, p)
    check = max(max_diff(a, b) for a, b in zip(sm, mine))
    if check > 1e-12 * scale(y):
        sys.exit("%s: the numpy transcription differs from statsmodels by %g" % (fixture, check))
    yh = y.copy()
    yh[holes] = math.nan
    parts = np_decompose(yh, p)
    arrays = {}
    if series is None:
        arrays["y"] = yh
    arrays["nan_at"] = holes
    arrays.update(decomposition_arrays(yh, p, parts, with_y=False, with_seasonal=series is None))
    arrays.update(forecast(yh, p, h, parts[0], parts[2], parts[3]))
    write(fixture, [
        "%s, period %d, %d points, NaN at the nan_at indices: %s" % (
            "synthetic" if series is None else
            "%s (tests/fixtures/series/%s.csv, first %d points)" % (series, series, len(y)),
            p, len(y), note),
        "trend seasonal resid figure: the numpy transcription of seasonal_decompose (NaN stays in"
        " its moving-average windows, np.nanmean per phase), which agrees with statsmodels to"
        " %.3g on the same series without holes" % check,
        "yhat lo80 hi80 lo95 hi95 and fit numbers: numpy/scipy as in the generator's docstring",
    ], arrays)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"))
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)

    from_reference(args.shared, "prophet_retail_sales", "retail_sales_p12")
    from_reference(args.shared, "prophet_pedestrians_covid", "pedestrians_covid_p7")

    from_series("nab_nyc_taxi", 48, 96, "nyc_taxi_p48", "half-hourly, one day")
    from_series("nab_nyc_taxi", 336, 336, "nyc_taxi_p336", "half-hourly, one week")
    from_series("nab_aws_ec2_cpu_utilization_24ae8d", 288, 288, "ec2_cpu_24ae8d_p288",
                "5-minute, one day")
    from_series("nab_aws_ec2_cpu_utilization_24ae8d", 2016, 288, "ec2_cpu_24ae8d_p2016",
                "5-minute, one week: exactly two cycles")

    rng = np.random.default_rng(20240611)
    i = np.arange(23, dtype=float)
    synthetic("synth_p5_n23", 10 + 0.3 * i + np.tile([2.0, -1.0, 0.5, -3.0, 1.5], 5)[:23]
              + rng.normal(0, 0.4, 23), 5, 7,
              "odd period, n not a multiple of it: line + cycle + normal noise")
    i = np.arange(8, dtype=float)
    synthetic("synth_p4_n8", 100 - 2 * i + np.tile([5.0, -5.0, 1.0, -1.0], 2)
              + rng.normal(0, 1.0, 8), 4, 4, "even period, exactly two cycles")
    i = np.arange(5, dtype=float)
    synthetic("synth_p2_n5", np.array([3.0, 7.0, 4.0, 9.0, 5.5]), 2, 3,
              "the shortest period, an odd number of points")
    synthetic("synth_p2_n7", np.array([2.0, 6.5, 3.0, 8.0, 5.0, 9.5, 6.0]), 2, 4,
              "the trend line has 3 degrees of freedom, where scipy's t.ppf alone is off by 2e-9")
    i = np.arange(1000, dtype=float)
    synthetic("synth_p13_n1000", np.cumsum(rng.normal(0.05, 1.0, 1000))
              + 8 * np.sin(2 * np.pi * i / 13) + rng.normal(0, 0.5, 1000), 13, 26,
              "odd period, a random walk with drift + sine + noise")
    i = np.arange(24 * 40, dtype=float)
    synthetic("synth_offset_p24", 1e9 + 1e3 * i + 50 * np.sin(2 * np.pi * i / 24)
              + rng.normal(0, 5, len(i)), 24, 48,
              "hourly-like, a large offset (1e9) with small cycles: rounding of the moving average")

    i = np.arange(70, dtype=float)
    y = 20 + 0.1 * i + np.tile([4.0, 1.0, -2.0, -3.0, 0.0, 5.0, -5.0], 10) + rng.normal(0, 0.3, 70)
    with_holes("holes_p7", y, 7, 14, [0, 9, 30, 31, 32, 66, 69],
               "odd period; holes at both edges, a run of three inside, the last point missing")
    i = np.arange(48, dtype=float)
    y = 5 + 0.02 * i + np.tile([1.0, 3.0, -1.0, -2.0, 0.5, -1.5], 8) + rng.normal(0, 0.2, 48)
    with_holes("holes_p6", y, 6, 12, [3, 20, 21, 40],
               "even period; a hole on a window's half-weighted end and inner holes")
    taxi = read_series("nab_nyc_taxi")[:2000]
    with_holes("nyc_taxi_holes_p48", taxi, 48, 96,
               [5, 100, 101, 102, 103, 500, 777, 1200, 1201, 1500, 1990], "gaps punched in real data",
               series="nab_nyc_taxi")


if __name__ == "__main__":
    main()
