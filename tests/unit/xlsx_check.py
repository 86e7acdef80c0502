#!/usr/bin/python3
"""tests/unit/xlsx_check.py: an independent reader (openpyxl) of capacity-budget.xlsx.

Called by tests/unit/test_render_xlsx.c; Debian's /usr/bin/python3 has python3-openpyxl.

  xlsx_check.py check FILE [--string TEXT]... [--stored TEXT]... [--header TEXT]...
                          [--totals NOW,Q1,Q2]
      The sheets, in order; every formula made of cell references, numbers, SUM and MAX only
      (never data); each TEXT a string cell of Budget (data_type 's'), each --stored TEXT in
      the shared strings as stored (Excel's "_x005F_" escape, which openpyxl and LibreOffice
      read back the same with or without it), each header a Budget
      header; Budget: costs are formulas, unit costs and node counts plain numbers, empty
      cells for series not sized in nodes, SUM totals, frozen panes at B2, an autofilter over
      the header and the data rows, the currency in the cost formats; cached values of the
      formulas consistent with their inputs and equal to the totals given; dates as date
      cells; percentages with a percent format; the charts; no cell holds NaN or infinity.
  xlsx_check.py sheets FILE
      Only that it loads, with the sheets in order.
  xlsx_check.py part FILE RESOURCE...
      forecast-vs-actual.xlsx: the Forecast-vs-Actual and About sheets alone; one row per
      RESOURCE, in order, each a string cell, with its MAE a number.
  xlsx_check.py edit IN OUT ROW VALUE
      Set Budget's unit cost in sheet row ROW (1-based) to VALUE and save as OUT (openpyxl
      keeps the formulas and drops their cached values: a recalculation must redo them).

Prints what it checked; exit status 0 when all held, 1 with the first failure.
"""
import datetime
import math
import re
import sys
import zipfile

import openpyxl

SHEETS = ["Budget", "Forecast", "Forecast-vs-Actual", "Scenarios", "Assessments", "Charts", "About"]
FORMULA = re.compile(r"^=(?:SUM|MAX|\$?[A-Z]{1,3}\$?[0-9]+|[0-9]+(?:\.[0-9]+)?|[-+*/(),:])+$")


class Failure(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise Failure(what)


def columns(ws):
    """Header text -> 1-based column of the first row."""
    return {c.value: c.column for c in ws[1] if c.value is not None}


def column_like(ws, prefix):
    """The column whose header is prefix, or else the one header starting with it."""
    if prefix in columns(ws):
        return columns(ws)[prefix]
    found = [col for name, col in columns(ws).items() if str(name).startswith(prefix)]
    expect(len(found) == 1, f"{ws.title}: one header starting {prefix!r}, found {len(found)}")
    return found[0]


def total_row(ws):
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, 1).value == "total":
            return row
    raise Failure("Budget: no totals row")


def check(path, strings, stored, headers, totals):
    with zipfile.ZipFile(path) as z:
        shared = z.read("xl/sharedStrings.xml").decode("utf-8")
    for text in stored:
        expect(text in shared, f"sharedStrings.xml: no {text!r}")
        print(f"ok: stored as {text!r}")
    wb = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)
    expect(wb.sheetnames == SHEETS, f"sheets {wb.sheetnames}, want {SHEETS}")
    print(f"ok: sheets {', '.join(wb.sheetnames)}")

    nformulas = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    nformulas += 1
                    expect(FORMULA.match(c.value), f"{ws.title}!{c.coordinate}: formula {c.value!r}"
                           " holds more than cell references, numbers, SUM and MAX")
                elif c.data_type == "n" and c.value is not None:
                    expect(math.isfinite(c.value), f"{ws.title}!{c.coordinate}: {c.value}")
                elif c.data_type == "s":
                    expect(len(c.value) <= 32767, f"{ws.title}!{c.coordinate}: text too long")
    print(f"ok: {nformulas} formulas, all of cell references, numbers, SUM and MAX")

    bud = wb["Budget"]
    found = {}
    for row in bud.iter_rows():
        for c in row:
            if isinstance(c.value, str):
                found.setdefault(c.value, c)
    for text in strings:
        expect(text in found, f"Budget: no cell holds {text!r}")
        c = found[text]
        expect(c.data_type == "s", f"Budget!{c.coordinate}: {text!r} is {c.data_type!r}, not a string")
        print(f"ok: Budget!{c.coordinate} string {text!r}")
    names = columns(bud)
    for h in headers:
        expect(h in names, f"Budget: no header {h!r} in {list(names)}")
    print(f"ok: Budget headers {list(names)}")

    expect(bud.freeze_panes == "B2", f"Budget: frozen panes {bud.freeze_panes}, want B2")
    tot = total_row(bud)
    last = openpyxl.utils.get_column_letter(len(names))
    want = f"A1:{last}{tot - 1}"
    expect(bud.auto_filter.ref == want, f"Budget: autofilter {bud.auto_filter.ref}, want {want}")
    print(f"ok: Budget frozen at B2, autofilter {want}, totals in row {tot}")

    nodes = column_like(bud, "nodes now")
    unit = column_like(bud, "unit cost")
    cost_cols = [column_like(bud, "cost / quarter now")] + [
        col for name, col in names.items() if re.match(r"^\d{4}-Q\d cost", str(name))]
    node_cols = [nodes] + [col for name, col in names.items() if re.match(r"^\d{4}-Q\d nodes", str(name))]
    expect(len(cost_cols) == 3 and len(node_cols) == 3, "Budget: three cost and node columns")
    cb = cached["Budget"]
    sums = [0.0, 0.0, 0.0]
    sized = 0
    for row in range(2, tot):
        u = bud.cell(row, unit)
        if u.value is None:
            for col in node_cols + cost_cols:
                expect(bud.cell(row, col).value is None,
                       f"Budget!{bud.cell(row, col).coordinate}: not sized in nodes, yet not empty")
            continue
        sized += 1
        expect(u.data_type == "n", f"Budget!{u.coordinate}: unit cost is {u.data_type!r}")
        expect(u.number_format == cost_format(bud, row, cost_cols[0]),
               f"Budget!{u.coordinate}: unit cost format {u.number_format!r}")
        for k, (ncol, ccol) in enumerate(zip(node_cols, cost_cols)):
            n, c = bud.cell(row, ncol), bud.cell(row, ccol)
            if n.value is None:
                expect(c.value is None, f"Budget!{c.coordinate}: a cost without nodes")
                continue
            expect(n.data_type == "n", f"Budget!{n.coordinate}: node count is {n.data_type!r}")
            expect(c.data_type == "f", f"Budget!{c.coordinate}: cost is {c.data_type!r}, not a formula")
            value = cb.cell(row, ccol).value
            want_value = n.value * u.value * 3
            expect(value is not None and abs(value - want_value) <= 1e-9 * max(1, abs(want_value)),
                   f"Budget!{c.coordinate}: cached {value}, want {want_value}")
            sums[k] += value
    expect(sized > 0, "Budget: no row sized in nodes")
    for k, col in enumerate(cost_cols):
        c = bud.cell(tot, col)
        expect(c.data_type == "f" and c.value.startswith("=SUM("),
               f"Budget!{c.coordinate}: total {c.value!r} is not a SUM")
        value = cb.cell(tot, col).value
        expect(abs(value - sums[k]) <= 1e-9 * max(1, abs(sums[k])),
               f"Budget!{c.coordinate}: cached total {value}, rows sum to {sums[k]}")
        if totals:
            expect(abs(value - totals[k]) <= 1e-9 * max(1, abs(totals[k])),
                   f"Budget!{c.coordinate}: cached total {value}, want {totals[k]}")
        expect("USD" in c.number_format, f"Budget!{c.coordinate}: format {c.number_format!r}")
    print(f"ok: {sized} rows sized in nodes; costs are formulas; cached totals "
          f"{[cb.cell(tot, col).value for col in cost_cols]}")

    for sheet, prefix in [("Forecast", "month"), ("Forecast-vs-Actual", "forecast made"),
                          ("Scenarios", "exhausts"), ("Assessments", "full on")]:
        ws = wb[sheet]
        col = column_like(ws, prefix)
        dates = [ws.cell(r, col) for r in range(2, ws.max_row + 1) if ws.cell(r, col).value is not None]
        expect(dates, f"{sheet}: no dates in {prefix!r}")
        for c in dates:
            expect(c.is_date and isinstance(c.value, datetime.datetime),
                   f"{sheet}!{c.coordinate}: {c.value!r} is not a date cell")
        print(f"ok: {sheet} {prefix!r}: {len(dates)} date cells, first {dates[0].value.date()}")
    for sheet, prefix in [("Forecast-vs-Actual", "MAPE"), ("Forecast-vs-Actual", "inside 95%"),
                          ("Assessments", "utilisation")]:
        ws = wb[sheet]
        col = column_like(ws, prefix)
        for r in range(2, ws.max_row + 1):
            c = ws.cell(r, col)
            if c.value is not None:
                expect("%" in c.number_format, f"{sheet}!{c.coordinate}: format {c.number_format!r}")
    verdicts = [c.value for c in wb["Forecast-vs-Actual"][openpyxl.utils.get_column_letter(
        column_like(wb["Forecast-vs-Actual"], "verdict"))][1:]]
    print(f"ok: percent formats; verdicts {verdicts}")
    ws = wb["Forecast"]
    for row in ws.iter_rows(min_row=2):
        for c in row:
            expect(c.data_type != "f", f"Forecast!{c.coordinate}: a formula")
    charts = wb["Charts"]._charts
    expect(len(charts) >= 2, f"Charts: {len(charts)} charts")
    print(f"ok: {len(charts)} charts")
    for ws in wb.worksheets:
        if ws.title not in ("Charts", "About"):
            expect(ws.freeze_panes == "B2", f"{ws.title}: frozen panes {ws.freeze_panes}")
            expect(ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"),
                   f"{ws.title}: autofilter {ws.auto_filter.ref}")
    print("ok: every table sheet frozen at B2 with an autofilter")


def cost_format(ws, row, col):
    return ws.cell(row, col).number_format


def edit(src, dst, row, value):
    wb = openpyxl.load_workbook(src)
    ws = wb["Budget"]
    col = column_like(ws, "unit cost")
    c = ws.cell(row, col)
    expect(c.data_type == "n", f"Budget!{c.coordinate}: {c.value!r} is not a unit cost")
    print(f"ok: Budget!{c.coordinate} {c.value} -> {value}")
    c.value = value
    wb.save(dst)


def check_part(path, resources):
    wb = openpyxl.load_workbook(path)
    want = ["Forecast-vs-Actual", "About"]
    expect(wb.sheetnames == want, f"sheets {wb.sheetnames}, want {want}")
    ws = wb["Forecast-vs-Actual"]
    cols = columns(ws)
    rows = list(ws.iter_rows(min_row=2, values_only=False))
    expect(len(rows) == len(resources), f"{len(rows)} rows, want {len(resources)}")
    for row, name in zip(rows, resources):
        cell = row[cols["resource"] - 1]
        expect(cell.data_type == "s" and cell.value == name, f"resource {cell.value!r}, want {name!r}")
        mae = row[cols["MAE"] - 1].value
        expect(isinstance(mae, (int, float)), f"MAE {mae!r} of {name!r} is not a number")
    print(f"ok: {len(rows)} forecasts scored, sheets {', '.join(wb.sheetnames)}")


def main(argv):
    try:
        if len(argv) >= 3 and argv[1] == "check":
            strings, stored, headers, totals = [], [], [], None
            rest = argv[3:]
            while rest:
                opt, val, rest = rest[0], rest[1], rest[2:]
                if opt == "--string":
                    strings.append(val)
                elif opt == "--stored":
                    stored.append(val)
                elif opt == "--header":
                    headers.append(val)
                elif opt == "--totals":
                    totals = [float(x) for x in val.split(",")]
                else:
                    raise Failure(f"unknown option {opt}")
            check(argv[2], strings, stored, headers, totals)
        elif len(argv) == 3 and argv[1] == "sheets":
            wb = openpyxl.load_workbook(argv[2])
            expect(wb.sheetnames == SHEETS, f"sheets {wb.sheetnames}, want {SHEETS}")
            print(f"ok: sheets {', '.join(wb.sheetnames)}")
        elif len(argv) >= 3 and argv[1] == "part":
            check_part(argv[2], argv[3:])
        elif len(argv) == 6 and argv[1] == "edit":
            edit(argv[2], argv[3], int(argv[4]), float(argv[5]))
        else:
            print(__doc__, file=sys.stderr)
            return 64
    except (Failure, IndexError, KeyError, ValueError) as e:
        print(f"xlsx_check: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
