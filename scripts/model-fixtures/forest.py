#!/usr/bin/python3
"""Reference numbers for tests/unit/test_forest.c.

Writes tests/fixtures/model/forest/*.txt in the format of tests/unit/fixture.h:
one array per line, a name then values written with repr (%.17g), '#' lines
saying what was computed and with which library versions.  The C tests read
only these files (and tests/fixtures/series); Python is not needed to run them.

A forest is random, and ours draws different random numbers from scikit-learn's,
so the references are not predictions to match but accuracies to match: the
holdout mean absolute error of scikit-learn's RandomForestRegressor with the
same options on the same data, averaged over SEEDS seeds (each seed's MAE is
written too, so a test can see the spread).  The C test fits our forest and
asserts its MAE is at most 1.10 times scikit-learn's mean.

friedman1.txt  the generic regressor.  sklearn.datasets.make_friedman1
               (10 features, 5 of them noise, y = 10 sin(pi x0 x1) +
               20 (x2 - 0.5)^2 + 10 x3 + 5 x4 + N(0, 1)), 600 training rows
               and 400 test rows.  Options: 100 trees, min_samples_leaf 5,
               max_features 1.0 (mae_all) and 1/3 (mae_third, 3 of 10
               features), bootstrap over all rows.  Also the out-of-bag R^2
               (oob_score_) of the max_features 1.0 forest.
synth_hourly.txt  the forecasting method on an hourly series: 8 weeks of
               history from 2024-01-01T00:00Z (a Monday), 2 weeks held out,
               y = 50 + 0.02 i + 10 sin(2 pi hour / 24) - 8 on Saturdays and
               Sundays + N(0, 2), period 24.
nyc_taxi.txt   the forecasting method on tests/fixtures/series/nab_nyc_taxi.csv
               (half-hourly passengers): the last 336 points (a week) held out,
               period 336; and with period 48 (a day), so that the lag
               feeds on the forecast for 6 of the 7 days.

The forecasting pipeline (forecast() below) is lib/model/forest.c's, step for
step, with scikit-learn's forest in place of ours:
  1. OLS line a + b i on the points that are not NaN; r = y - line.
  2. Features of point i, t = start + i step (UTC): hour of day with its
     fraction, day of week (Monday 0), day of year (1..366), i, then, when the
     period p > 0 and n >= 2 p, the lag L[i - p] with L = r, a NaN filled from
     one period before (0 in the first period).
  3. Training rows: i >= p (with the lag), y[i] not NaN.
  4. Forest options: 100 trees, min_samples_leaf 5, max_features 1.0,
     max_samples 4096 (each tree a bootstrap sample of 4096 rows; all rows
     when fewer), as capplan_forest_forecast's defaults.
  5. The horizon a period at a time, the lag of a future point taken from the
     forecast when it lies beyond the history (recursive).  yhat = line + forest.

Usage: scripts/model-fixtures/forest.py
"""
import os
import platform
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
OUT = os.path.join(ROOT, 'tests', 'fixtures', 'model', 'forest')
SERIES = os.path.join(ROOT, 'tests', 'fixtures', 'series')
SEEDS = 5
TREES = 100
LEAF = 5
MAX_SAMPLES = 4096
MS_HOUR = 3600000
MS_DAY = 86400000


def versions():
    return ('python %s, numpy %s, pandas %s, scikit-learn %s'
            % (platform.python_version(), np.__version__, pd.__version__, sklearn.__version__))


def fmt(values):
    return ' '.join(repr(float(v)) if not np.isnan(v) else 'nan' for v in np.ravel(values))


def write(name, header, arrays):
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        f.write('# tests/fixtures/model/forest/%s: written by scripts/model-fixtures/forest.py\n' % name)
        for line in header:
            f.write('# %s\n' % line)
        f.write('# %s\n' % versions())
        for key, values in arrays:
            f.write('%s %s\n' % (key, fmt(np.atleast_1d(np.asarray(values, dtype=float)))))
    print('wrote', os.path.relpath(path, ROOT))


def forest(seed, max_features, max_samples=None):
    return RandomForestRegressor(n_estimators=TREES, min_samples_leaf=LEAF,
                                 max_features=max_features, max_samples=max_samples,
                                 bootstrap=True, random_state=seed, n_jobs=1)


def friedman():
    X, y = make_friedman1(n_samples=1000, n_features=10, noise=1.0, random_state=7)
    Xtr, ytr, Xte, yte = X[:600], y[:600], X[600:], y[600:]
    mae_all, mae_third, oob_r2 = [], [], []
    for seed in range(SEEDS):
        rf = forest(seed, 1.0)
        rf.set_params(oob_score=True)
        rf.fit(Xtr, ytr)
        mae_all.append(np.mean(np.abs(rf.predict(Xte) - yte)))
        oob_r2.append(rf.oob_score_)
        rf = forest(seed, 1.0 / 3.0)
        rf.fit(Xtr, ytr)
        mae_third.append(np.mean(np.abs(rf.predict(Xte) - yte)))
    mae_mean = np.mean(np.abs(np.mean(ytr) - yte))
    write('friedman1.txt', [
        'sklearn.datasets.make_friedman1(n_samples=1000, n_features=10, noise=1.0, random_state=7): '
        'rows 0..599 train, 600..999 test; X row-major',
        'RandomForestRegressor(n_estimators=%d, min_samples_leaf=%d, max_features=1.0 | 1/3, '
        'bootstrap=True, random_state=0..%d): test MAE per seed and their mean; oob_r2: oob_score_ '
        'of the 1.0 forests' % (TREES, LEAF, SEEDS - 1),
        'mae_mean: predicting the training mean (for scale): %.4f; sklearn 1.0 %.4f, 1/3 %.4f'
        % (mae_mean, np.mean(mae_all), np.mean(mae_third)),
    ], [
        ('ncols', [10]), ('ntrain', [600]), ('ntest', [400]),
        ('X_train', Xtr), ('y_train', ytr), ('X_test', Xte), ('y_test', yte),
        ('mae_all', [np.mean(mae_all)]), ('mae_all_seeds', mae_all),
        ('mae_third', [np.mean(mae_third)]), ('mae_third_seeds', mae_third),
        ('oob_r2', [np.mean(oob_r2)]), ('oob_r2_seeds', oob_r2),
        ('mae_mean', [mae_mean]),
    ])


def calendar(ms):
    """Hour of day (with fraction), day of week (Monday 0), day of year, as lib/model/forest.c."""
    t = pd.to_datetime(ms, unit='ms', utc=True)
    hour = (ms % MS_DAY) / MS_HOUR
    return hour, np.asarray(t.dayofweek, dtype=float), np.asarray(t.dayofyear, dtype=float)


def forecast(y, start_ms, step_ms, period, h, seed):
    """capplan_forest_forecast with scikit-learn's forest; returns yhat[h]."""
    n = len(y)
    i = np.arange(n + h, dtype=float)
    ok = ~np.isnan(y)
    b, a = np.polyfit(i[:n][ok], y[ok], 1)
    lag = period if period > 0 and n // 2 >= period else 0
    L = np.full(n + h, np.nan)
    for k in range(n):
        v = y[k] - (a + b * k)
        L[k] = v if not np.isnan(v) else (L[k - lag] if lag and k >= lag else 0.0)
    hour, dow, doy = calendar(start_ms + np.arange(n + h, dtype=np.int64) * step_ms)
    cols = [hour, dow, doy, i]
    if lag:
        lagcol = np.full(n + h, np.nan)
        lagcol[lag:n] = L[:n - lag]
        cols.append(lagcol)
    F = np.column_stack(cols)
    rows = np.arange(lag, n)
    rows = rows[ok[lag:]]
    rf = forest(seed, 1.0, MAX_SAMPLES if len(rows) > MAX_SAMPLES else None)
    rf.fit(F[rows], L[rows])
    chunk = lag if lag else h
    for k0 in range(0, h, chunk):
        idx = np.arange(n + k0, min(n + k0 + chunk, n + h))
        if lag:
            F[idx, 4] = L[idx - lag]
        L[idx] = rf.predict(F[idx])
    return a + b * i[n:] + L[n:]


def method_case(name, header, y, start_ms, step_ms, period, h, extra=()):
    """Hold out the last h points of y; sklearn's MAE over SEEDS seeds."""
    n = len(y) - h
    hist, truth = y[:n], y[n:]
    maes = [np.mean(np.abs(forecast(hist, start_ms, step_ms, period, h, s) - truth))
            for s in range(SEEDS)]
    snaive = np.array([hist[n - period + (k % period)] for k in range(h)])
    mae_snaive = np.mean(np.abs(snaive - truth))
    arrays = [('n', [n]), ('h', [h]), ('period', [period]), ('start_ms', [start_ms]),
              ('step_ms', [step_ms]), ('mae', [np.mean(maes)]), ('mae_seeds', maes),
              ('mae_snaive', [mae_snaive])]
    return arrays + list(extra), header + [
        'period %d, history %d points, holdout %d: sklearn forest MAE %.6g (seeds %s), '
        'seasonal naive %.6g' % (period, n, h, np.mean(maes),
                                 ' '.join('%.4g' % m for m in maes), mae_snaive)]


def synth_hourly():
    rng = np.random.default_rng(20240101)
    n, h = 24 * 7 * 8, 24 * 14
    start = 1704067200000  # 2024-01-01T00:00:00Z, a Monday
    i = np.arange(n + h)
    hour = i % 24
    dow = (i // 24) % 7
    y = 50 + 0.02 * i + 10 * np.sin(2 * np.pi * hour / 24) - 8 * (dow >= 5) + rng.normal(0, 2, n + h)
    arrays, header = method_case('synth_hourly', [
        'y = 50 + 0.02 i + 10 sin(2 pi hour/24) - 8 (Saturday, Sunday) + N(0, 2) '
        '(numpy default_rng(20240101)), hourly from 2024-01-01T00:00Z; y holds history and holdout'],
        y, start, MS_HOUR, 24, h, extra=[('y', y)])
    write('synth_hourly.txt', header, arrays)


def nyc_taxi():
    df = pd.read_csv(os.path.join(SERIES, 'nab_nyc_taxi.csv'))
    t = pd.to_datetime(df['timestamp'], utc=True).astype('int64') // 10**6
    y = df['value'].to_numpy(dtype=float)
    step = int(t.iloc[1] - t.iloc[0])
    assert (np.diff(t.to_numpy()) == step).all()
    h = 336
    arrays, header = method_case('nyc_taxi', [
        'tests/fixtures/series/nab_nyc_taxi.csv (%d points, step %d s), last %d held out'
        % (len(y), step // 1000, h)], y, int(t.iloc[0]), step, 336, h)
    arrays48, header48 = method_case('nyc_taxi', [], y, int(t.iloc[0]), step, 48, h)
    arrays += [(k + '_p48', v) for k, v in arrays48 if k.startswith('mae')]
    write('nyc_taxi.txt', header + header48, arrays)


def main():
    os.makedirs(OUT, exist_ok=True)
    friedman()
    synth_hourly()
    nyc_taxi()
    return 0


if __name__ == '__main__':
    sys.exit(main())
