#!/usr/bin/python3
"""Reference numbers for tests/unit/test_holt_winters.c (lib/model/holt_winters.c).

Writes tests/fixtures/model/holt_winters/*.txt in the format of tests/unit/fixture.h:
one array per line, a name then values written with repr (%.17g), '#' lines
saying what was computed and with which library versions.

  *_fixed     the recursions for given parameters and initial states:
              statsmodels ExponentialSmoothing(y, trend='add', damped_trend=d,
              seasonal='add', seasonal_periods=m, initialization_method='known',
              initial_level, initial_trend, initial_seasonal).fit(smoothing_level,
              smoothing_trend, smoothing_seasonal, damping_trend, optimized=False):
              fitted (fittedvalues), sse, and the states after the last point
              (level[-1], trend[-1], season[-m:]); fc_es its forecast(h).
              The same model as statsmodels ETSModel(error='add', ...,
              initialization_method='known').smooth([alpha, alpha * beta, gamma
              (, phi)]) (its smoothing_trend is the state-space beta, alpha times
              Holt's): fitted_ets, and from get_prediction over the h steps after
              the last point: fc (predicted_mean), var (forecast_variance =
              mse * the closed-form factor of Hyndman et al., mse = sse / n), and
              the 80% and 95% bounds of summary_frame(alpha=0.2 | 0.05).
              statsmodels 0.13.5's ExponentialSmoothing forecast is wrong at the
              horizons that are multiples of m (it overwrites the last seasonal
              state with the one of the cycle before: statsmodels issue #9538,
              fixed by PR #10230); fc (ETSModel) is right everywhere, and fc_es is
              only compared at the other horizons.  The initial states are
              statsmodels' own heuristic ones (initialization_method='heuristic').
  *_holes     NaN in y, which statsmodels refuses: an independent numpy
              transcription of statsmodels' recursions (written as statsmodels
              writes them), where a NaN point skips the correction (the
              prediction stands in for the observation); checked first against
              statsmodels on the same series without holes.
  *_fit       statsmodels' fitted model: ExponentialSmoothing(...,
              initialization_method='estimated'), damped models with
              bounds={'damping_trend': (0.8, 0.98)} (capplan's range), fitted
              with each of method=None (SLSQP), 'L-BFGS-B' and 'least_squares';
              the lowest SSE is kept (sm_sse, its parameters and initial
              states), and its forecast (fc, by ETSModel from those states, see
              above).  capplan's fit must reach an SSE no higher.

Usage: scripts/model-fixtures/holt_winters.py
Real series are read from tests/fixtures/series (copies of shared/data/series).
"""
import csv
import math
import os
import platform
import sys
import warnings

import numpy as np
import pandas
import scipy
import statsmodels
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.holtwinters import ExponentialSmoothing

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fixtures", "model", "holt_winters")
SERIES = os.path.join(ROOT, "tests", "fixtures", "series")

VERSIONS = "python %s, numpy %s, scipy %s, statsmodels %s, pandas %s" % (
    platform.python_version(), np.__version__, scipy.__version__,
    statsmodels.__version__, pandas.__version__)

Z80 = 1.2815515655446004
Z95 = 1.959963984540054


def read_series(name):
    with open(os.path.join(SERIES, name + ".csv"), newline="") as fp:
        return np.array([float(r["value"]) for r in csv.DictReader(fp)])


def fmt(v):
    v = float(v)
    return repr(v) if not v.is_integer() or abs(v) >= 1e16 else repr(int(v))


def write(name, comments, arrays):
    path = os.path.join(OUT, name + ".txt")
    with open(path + ".tmp", "w") as fp:
        fp.write("# tests/fixtures/model/holt_winters/%s.txt: written by "
                 "scripts/model-fixtures/holt_winters.py\n" % name)
        for c in comments:
            fp.write("# %s\n" % c)
        fp.write("# %s\n" % VERSIONS)
        for key, values in arrays.items():
            fp.write(key + " " + " ".join(fmt(v) for v in np.atleast_1d(values)) + "\n")
    os.replace(path + ".tmp", path)
    print("wrote", os.path.relpath(path, ROOT))


def scale(y):
    return float(np.nanmax(np.abs(y)))


def check(label, a, b, tol):
    d = float(np.max(np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))))
    if not d <= tol:
        sys.exit("%s: differs by %g (tolerance %g)" % (label, d, tol))
    return d


def heuristic_states(y, m, damped):
    mod = ExponentialSmoothing(y, trend="add", damped_trend=damped, seasonal="add",
                               seasonal_periods=m, initialization_method="heuristic")
    l0, b0, s0 = mod.initial_values()
    return float(l0), float(b0), np.asarray(s0, dtype=float)


def es_known(y, m, damped, p, l0, b0, s0, h):
    mod = ExponentialSmoothing(y, trend="add", damped_trend=damped, seasonal="add",
                               seasonal_periods=m, initialization_method="known",
                               initial_level=l0, initial_trend=b0, initial_seasonal=s0)
    kw = dict(smoothing_level=p["alpha"], smoothing_trend=p["beta"],
              smoothing_seasonal=p["gamma"], optimized=False)
    if damped:
        kw["damping_trend"] = p["phi"]
    r = mod.fit(**kw)
    return r, np.asarray(r.forecast(h), dtype=float)


def ets_known(y, m, damped, p, l0, b0, s0, h):
    """ETSModel with the same states; beta passed in its state-space form."""
    mod = ETSModel(pandas.Series(y), error="add", trend="add", damped_trend=damped,
                   seasonal="add", seasonal_periods=m, initialization_method="known",
                   initial_level=l0, initial_trend=b0, initial_seasonal=np.asarray(s0))
    params = [p["alpha"], p["alpha"] * p["beta"], p["gamma"]] + ([p["phi"]] if damped else [])
    r = mod.smooth(params)
    n = len(y)
    pred = r.get_prediction(start=n, end=n + h - 1)
    f95 = pred.summary_frame(alpha=0.05)
    f80 = pred.summary_frame(alpha=0.2)
    return r, {
        "fc": np.asarray(pred.predicted_mean, dtype=float),
        "var": np.asarray(pred.forecast_variance, dtype=float),
        "mse": float(r.mse),
        "lo80": f80["pi_lower"].to_numpy(float), "hi80": f80["pi_upper"].to_numpy(float),
        "lo95": f95["pi_lower"].to_numpy(float), "hi95": f95["pi_upper"].to_numpy(float),
    }


def np_filter(y, m, p, l0, b0, s0, h):
    """statsmodels' additive recursions, transcribed; NaN skips the correction."""
    a, bs, g = p["alpha"], p["beta"], p["gamma"]
    phi = p.get("phi", 1.0)
    lvl, b, s = l0, b0, list(s0)
    fitted = np.empty(len(y))
    sse = 0.0
    for i, v in enumerate(y):
        fitted[i] = lvl + phi * b + s[i]
        if math.isnan(v):
            nl, nb, ns = lvl + phi * b, phi * b, s[i]
        else:
            nl = a * v - a * s[i] + (1 - a) * (lvl + phi * b)
            nb = bs * (nl - lvl) + (1 - bs) * phi * b
            ns = g * v - g * (lvl + phi * b) + (1 - g) * s[i]
            sse += (v - fitted[i]) ** 2
        lvl, b = nl, nb
        s.append(ns)
    n = len(y)
    season = np.array(s[n:n + m])
    fc = np.array([lvl + sum(phi ** j for j in range(1, k + 1)) * b + season[(k - 1) % m]
                   for k in range(1, h + 1)])
    return fitted, sse, lvl, b, season, fc


def fixed_case(name, comment, y, m, damped, p, h, csv_name=None, nan_at=()):
    sc = scale(y)
    l0, b0, s0 = heuristic_states(y, m, damped)
    es, fc_es = es_known(y, m, damped, p, l0, b0, s0, h)
    ets, pr = ets_known(y, m, damped, p, l0, b0, s0, h)
    fitted = np.asarray(es.fittedvalues, dtype=float)
    # the two statsmodels classes and the transcription agree on the recursions
    d_ets = check(name + ": ETSModel fitted vs ExponentialSmoothing", ets.fittedvalues, fitted,
                  1e-10 * sc)
    np_fit, np_sse, np_l, np_b, np_s, np_fc = np_filter(y, m, p, l0, b0, s0, h)
    check(name + ": numpy fitted", np_fit, fitted, 1e-10 * sc)
    check(name + ": numpy forecast vs ETSModel", np_fc, pr["fc"], 1e-10 * sc)
    k = np.arange(1, h + 1)
    ok = k % m != 0
    check(name + ": ES forecast off multiples of m", fc_es[ok], pr["fc"][ok], 1e-10 * sc)
    season = np.asarray(es.season, dtype=float)[-m:]
    arrays = {}
    if csv_name is None:
        arrays["y"] = y
    arrays["n"] = [len(y)]
    arrays["period"] = [m]
    arrays["damped"] = [int(damped)]
    arrays["alpha"] = [p["alpha"]]
    arrays["beta"] = [p["beta"]]
    arrays["gamma"] = [p["gamma"]]
    arrays["phi"] = [p["phi"] if damped else 1.0]
    arrays["l0"] = [l0]
    arrays["b0"] = [b0]
    arrays["s0"] = s0
    arrays["fitted"] = fitted
    arrays["fitted_ets"] = np.asarray(ets.fittedvalues, dtype=float)
    arrays["sse"] = [float(es.sse)]
    arrays["level_final"] = [float(np.asarray(es.level)[-1])]
    arrays["trend_final"] = [float(np.asarray(es.trend)[-1])]
    arrays["season_final"] = season
    arrays["h"] = [h]
    arrays["fc"] = pr["fc"]
    arrays["fc_es"] = fc_es
    arrays["mse"] = [pr["mse"]]
    arrays["var"] = pr["var"]
    for key in ("lo80", "hi80", "lo95", "hi95"):
        arrays[key] = pr[key]
    write(name, [
        comment,
        "params and initial states: as below; l0 b0 s0 from ExponentialSmoothing("
        "initialization_method='heuristic').initial_values()",
        "fitted sse level_final trend_final season_final fc_es: ExponentialSmoothing(known)"
        ".fit(optimized=False); fc_es wrong at horizons k*m (statsmodels #9538)",
        "fitted_ets fc var mse lo80 hi80 lo95 hi95: ETSModel(known).smooth(["
        "alpha, alpha*beta, gamma%s]).get_prediction; max |fitted_ets - fitted| = %.3g"
        % (", phi" if damped else "", d_ets),
    ] + (["y: tests/fixtures/series/%s.csv, all %d points" % (csv_name, len(y))]
         if csv_name else []), arrays)


def holes_case(name, comment, y, m, damped, p, h, nan_at, csv_name=None):
    """NaN holes: the numpy transcription, checked first without the holes."""
    sc = scale(y)
    l0, b0, s0 = heuristic_states(y, m, damped)
    es, _ = es_known(y, m, damped, p, l0, b0, s0, h)
    ets, pr = ets_known(y, m, damped, p, l0, b0, s0, h)
    fit0, sse0, _, _, _, fc0 = np_filter(y, m, p, l0, b0, s0, h)
    check(name + ": numpy fitted without holes", fit0, es.fittedvalues, 1e-10 * sc)
    check(name + ": numpy sse without holes", [sse0], [es.sse], 1e-10 * es.sse)
    check(name + ": numpy forecast without holes", fc0, pr["fc"], 1e-10 * sc)
    yh = y.copy()
    yh[list(nan_at)] = np.nan
    fitted, sse, lvl, b, season, fc = np_filter(yh, m, p, l0, b0, s0, h)
    arrays = {}
    if csv_name is None:
        arrays["y"] = y
    arrays["n"] = [len(y)]
    arrays["nan_at"] = list(nan_at)
    arrays["period"] = [m]
    arrays["damped"] = [int(damped)]
    arrays["alpha"] = [p["alpha"]]
    arrays["beta"] = [p["beta"]]
    arrays["gamma"] = [p["gamma"]]
    arrays["phi"] = [p["phi"] if damped else 1.0]
    arrays["l0"] = [l0]
    arrays["b0"] = [b0]
    arrays["s0"] = s0
    arrays["fitted"] = fitted
    arrays["sse"] = [sse]
    arrays["nobs"] = [int(np.count_nonzero(~np.isnan(yh)))]
    arrays["level_final"] = [lvl]
    arrays["trend_final"] = [b]
    arrays["season_final"] = season
    arrays["h"] = [h]
    arrays["fc"] = fc
    write(name, [
        comment,
        "y with NaN at the indices nan_at; everything by the numpy transcription of "
        "statsmodels' recursions (a NaN point: l' = l + phi b, b' = phi b, s kept, no error)",
        "checked first on y without holes against ExponentialSmoothing and ETSModel (1e-10 of max |y|)",
    ] + (["y: tests/fixtures/series/%s.csv, all %d points" % (csv_name, len(y))]
         if csv_name else []), arrays)


def sm_fit(y, m, damped):
    best = None
    for method in (None, "L-BFGS-B", "least_squares"):
        mod = ExponentialSmoothing(y, trend="add", damped_trend=damped, seasonal="add",
                                   seasonal_periods=m, initialization_method="estimated",
                                   bounds={"damping_trend": (0.8, 0.98)} if damped else None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = mod.fit(method=method)
        if best is None or r.sse < best[0].sse:
            best = (r, method or "SLSQP")
    return best


def fit_case(name, comment, y, m, damped, h, csv_name=None):
    r, method = sm_fit(y, m, damped)
    prm = r.params
    p = {"alpha": float(prm["smoothing_level"]), "beta": float(prm["smoothing_trend"]),
         "gamma": float(prm["smoothing_seasonal"]),
         "phi": float(prm["damping_trend"]) if damped else 1.0}
    l0 = float(prm["initial_level"])
    b0 = float(prm["initial_trend"])
    s0 = np.asarray(prm["initial_seasons"], dtype=float)
    ets, pr = ets_known(y, m, damped, p, l0, b0, s0, h)
    check(name + ": ETSModel fitted vs the fitted model", ets.fittedvalues, r.fittedvalues,
          1e-9 * scale(y))
    arrays = {}
    if csv_name is None:
        arrays["y"] = y
    arrays["n"] = [len(y)]
    arrays["period"] = [m]
    arrays["damped"] = [int(damped)]
    arrays["sm_sse"] = [float(r.sse)]
    arrays["alpha"] = [p["alpha"]]
    arrays["beta"] = [p["beta"]]
    arrays["gamma"] = [p["gamma"]]
    arrays["phi"] = [p["phi"]]
    arrays["l0"] = [l0]
    arrays["b0"] = [b0]
    arrays["s0"] = s0
    arrays["h"] = [h]
    arrays["fc"] = pr["fc"]
    write(name, [
        comment,
        "sm_sse and the parameters: ExponentialSmoothing(initialization_method='estimated'%s)"
        ".fit(method=%s), the lowest SSE of SLSQP, L-BFGS-B and least_squares"
        % (", bounds damping_trend (0.8, 0.98)" if damped else "", method),
        "fc: ETSModel(known, the fitted states and parameters) forecast",
    ] + (["y: tests/fixtures/series/%s.csv, all %d points" % (csv_name, len(y))]
         if csv_name else []), arrays)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261129)
    retail = read_series("prophet_retail_sales")
    taxi = read_series("nab_nyc_taxi")

    # recursions for given parameters
    fixed_case("retail_m12_fixed", "prophet_retail_sales, period 12, undamped",
               retail, 12, False, {"alpha": 0.45, "beta": 0.05, "gamma": 0.3}, 40,
               csv_name="prophet_retail_sales")
    fixed_case("retail_m12_damped_fixed", "prophet_retail_sales, period 12, damped",
               retail, 12, True, {"alpha": 0.45, "beta": 0.1, "gamma": 0.3, "phi": 0.92}, 40,
               csv_name="prophet_retail_sales")
    fixed_case("nyc_taxi_m48_fixed", "nab_nyc_taxi, period 48 (a day of half-hours), undamped",
               taxi, 48, False, {"alpha": 0.6, "beta": 0.02, "gamma": 0.25}, 100,
               csv_name="nab_nyc_taxi")
    fixed_case("nyc_taxi_m48_damped_fixed", "nab_nyc_taxi, period 48, damped",
               taxi, 48, True, {"alpha": 0.6, "beta": 0.05, "gamma": 0.25, "phi": 0.85}, 100,
               csv_name="nab_nyc_taxi")
    t = np.arange(30)
    y = 50 + 0.8 * t + np.tile([4.0, -3.0, 1.0, -2.0], 8)[:30] + rng.normal(0, 1, 30)
    fixed_case("synth_m4_damped_fixed", "synthetic, period 4, 30 points: line + cycle + noise, damped",
               y, 4, True, {"alpha": 0.3, "beta": 0.2, "gamma": 0.15, "phi": 0.9}, 13)
    t = np.arange(100)
    y = 20 - 0.1 * t + 5 * np.sin(2 * np.pi * t / 7) + np.cumsum(rng.normal(0, 0.5, 100))
    fixed_case("synth_m7_fixed", "synthetic, period 7, 100 points: random walk + weekly sine, undamped",
               y, 7, False, {"alpha": 0.7, "beta": 0.01, "gamma": 0.05}, 22)

    # missing points
    holes = [0, 1, 100, 101, 102, 500] + list(range(2000, 2048)) + [10319]
    holes_case("nyc_taxi_m48_holes", "nab_nyc_taxi, period 48, damped, with NaN holes "
               "(at the start, single, runs, a whole day, the last point)",
               taxi, 48, True, {"alpha": 0.6, "beta": 0.05, "gamma": 0.25, "phi": 0.85}, 60,
               holes, csv_name="nab_nyc_taxi")

    # fitted models
    for damped in (False, True):
        suffix = "_damped" if damped else ""
        fit_case("retail_m12%s_fit" % suffix, "prophet_retail_sales, period 12, %s"
                 % ("damped" if damped else "undamped"), retail, 12, damped, 24,
                 csv_name="prophet_retail_sales")
        fit_case("nyc_taxi_m48%s_fit" % suffix, "nab_nyc_taxi, period 48, %s"
                 % ("damped" if damped else "undamped"), taxi, 48, damped, 96,
                 csv_name="nab_nyc_taxi")
    peds = read_series("prophet_pedestrians_location_41")
    for damped in (False, True):
        fit_case("pedestrians_41_m24%s_fit" % ("_damped" if damped else ""),
                 "prophet_pedestrians_location_41, period 24, %s: alpha just below 1, where the "
                 "logistic transform is nearly flat" % ("damped" if damped else "undamped"),
                 peds, 24, damped, 48, csv_name="prophet_pedestrians_location_41")
    ec2 = read_series("nab_aws_ec2_cpu_utilization_24ae8d")
    fit_case("ec2_cpu_m288_fit", "nab_aws_ec2_cpu_utilization_24ae8d, period 288 (a day of "
             "5 minutes), undamped: the optimum is nearly deterministic (alpha, beta, gamma -> 0)",
             ec2, 288, False, 288, csv_name="nab_aws_ec2_cpu_utilization_24ae8d")
    t = np.arange(1500)
    y = (200 + 0.05 * t + np.cumsum(rng.normal(0, 0.3, 1500)) + 10 * np.sin(2 * np.pi * t / 24)
         + 4 * np.cos(4 * np.pi * t / 24) + rng.normal(0, 1.5, 1500))
    for damped in (False, True):
        fit_case("synth_m24%s_fit" % ("_damped" if damped else ""),
                 "synthetic, period 24, 1500 points: trend + random walk + daily cycle + noise, %s"
                 % ("damped" if damped else "undamped"), y, 24, damped, 48)
    t = np.arange(120)
    b = np.empty(120)
    lvl, tr = 100.0, 2.0
    for i in range(120):
        tr = 0.9 * tr + rng.normal(0, 0.3)
        lvl = lvl + tr + rng.normal(0, 1)
        b[i] = lvl
    y = b + np.tile([6.0, 3, 0, -2, -5, -7, -6, -3, 0, 2, 5, 7], 10)
    fit_case("synth_m12_damped_fit", "synthetic, period 12, 120 points: damped local trend + "
             "fixed cycle, damped", y, 12, True, 24)


if __name__ == "__main__":
    main()
