#!/usr/bin/python3
"""bench-model.py: the Python side of scripts/bench-model.

  bench-model.py generate SERIES POINTS OUT.json
      Write a Prometheus query_range answer of SERIES hourly series of POINTS
      samples each (metric bench_load, label series="0001"...), deterministic:
      a level, a linear or exponential trend, a daily and a weekly cycle and
      noise, different for every series, all values positive.

  bench-model.py time FILE.json HORIZON_POINTS ORIGINS
      Fit the three seed methods to every series of FILE.json the way a
      Python user would, with scikit-learn, scipy and statsmodels, doing the
      work capplan-model does for them: for each method ORIGINS backtest fits
      (each forecasting the backtest horizon and scored by MASE) and one fit
      on the whole history forecasting HORIZON_POINTS with 80% and 95%
      intervals.  Prints "series seconds" on stdout.

The methods:
  linear       sklearn.linear_model.LinearRegression on the index; the textbook
               OLS prediction interval (Student t) from numpy
  exponential  scipy.optimize.curve_fit of a*exp(b*x), started from the
               log-linear fit (numpy.polyfit); normal interval from the
               residual standard deviation
  seasonal     statsmodels.tsa.seasonal.seasonal_decompose(period=24,
               model='additive'); the trend extrapolated by a straight line
               through its last cycle, plus the seasonal figure; normal
               interval from the residuals
"""
import json
import sys
import time

import numpy as np


def generate(nseries, points, out):
    rng = np.random.default_rng(20261129)
    t = np.arange(points, dtype=float)
    start = 1735689600  # 2025-01-01T00:00:00Z
    ts = [start + 3600 * i for i in range(points)]
    with open(out, "w") as f:
        f.write('{"status":"success","data":{"resultType":"matrix","result":[')
        for s in range(nseries):
            level = rng.uniform(100, 1000)
            if s % 3 == 0:
                trend = level * rng.uniform(0.2, 1.0) * t / points
            elif s % 3 == 1:
                trend = level * (np.exp(rng.uniform(0.1, 0.7) * t / points) - 1)
            else:
                trend = level * rng.uniform(-0.1, 0.1) * t / points
            daily = level * rng.uniform(0.02, 0.2) * np.sin(2 * np.pi * (t + rng.uniform(0, 24)) / 24)
            weekly = level * rng.uniform(0, 0.1) * np.sin(2 * np.pi * t / 168)
            noise = rng.normal(0, level * rng.uniform(0.005, 0.03), points)
            y = np.maximum(level + trend + daily + weekly + noise, 1.0)
            if s:
                f.write(",")
            f.write('{"metric":{"__name__":"bench_load","series":"%04d"},"values":[' % s)
            f.write(",".join('[%d,"%.6g"]' % (a, b) for a, b in zip(ts, y)))
            f.write("]}")
        f.write("]}}")


def t_quantiles(df):
    from scipy.stats import t as student
    return student.ppf(0.90, df), student.ppf(0.975, df)


def linear(y, h):
    from sklearn.linear_model import LinearRegression
    n = len(y)
    x = np.arange(n, dtype=float).reshape(-1, 1)
    model = LinearRegression().fit(x, y)
    xf = np.arange(n, n + h, dtype=float)
    yhat = model.predict(xf.reshape(-1, 1))
    resid = y - model.predict(x)
    s = np.sqrt(resid @ resid / (n - 2))
    xm = x.mean()
    sxx = ((x[:, 0] - xm) ** 2).sum()
    se = s * np.sqrt(1 + 1 / n + (xf - xm) ** 2 / sxx)
    q80, q95 = t_quantiles(n - 2)
    return yhat, (yhat - q80 * se, yhat + q80 * se), (yhat - q95 * se, yhat + q95 * se)


def exponential(y, h):
    from scipy.optimize import curve_fit
    n = len(y)
    x = np.arange(n, dtype=float) / n
    b0, a0 = np.polyfit(x, np.log(y), 1)

    def f(x, a, b):
        return a * np.exp(b * x)
    (a, b), _ = curve_fit(f, x, y, p0=(np.exp(a0), b0))
    yhat = f(np.arange(n, n + h, dtype=float) / n, a, b)
    s = np.std(y - f(x, a, b), ddof=2)
    return yhat, (yhat - 1.2816 * s, yhat + 1.2816 * s), (yhat - 1.96 * s, yhat + 1.96 * s)


def seasonal(y, h, period=24):
    from statsmodels.tsa.seasonal import seasonal_decompose
    n = len(y)
    d = seasonal_decompose(y, model="additive", period=period)
    trend = d.trend
    ok = np.flatnonzero(~np.isnan(trend))
    last = ok[-period:]
    slope, icept = np.polyfit(last.astype(float), trend[last], 1)
    k = np.arange(n, n + h)
    yhat = icept + slope * k + d.seasonal[k % period]   # the figure is tiled from index 0
    s = np.nanstd(d.resid)
    return yhat, (yhat - 1.2816 * s, yhat + 1.2816 * s), (yhat - 1.96 * s, yhat + 1.96 * s)


def mase(actual, forecast, train, m=24):
    scale = np.mean(np.abs(train[m:] - train[:-m]))
    return np.mean(np.abs(actual - forecast)) / scale


def time_methods(path, h, origins):
    with open(path) as f:
        series = [np.array([float(v) for _, v in r["values"]])
                  for r in json.load(f)["data"]["result"]]
    t0 = time.perf_counter()
    for y in series:
        n = len(y)
        hb = min(h, n // (origins + 3))
        for method in (linear, exponential, seasonal):
            for k in range(origins):
                origin = n - hb * (origins - k)
                f, _, _ = method(y[:origin], hb)
                mase(y[origin:origin + hb], f, y[:origin])
            method(y, h)
    print(len(series), time.perf_counter() - t0)


def main(argv):
    if len(argv) == 5 and argv[1] == "generate":
        generate(int(argv[2]), int(argv[3]), argv[4])
    elif len(argv) == 5 and argv[1] == "time":
        time_methods(argv[2], int(argv[3]), int(argv[4]))
    else:
        sys.stderr.write(__doc__)
        return 64
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
