/*
 * lib/render/xlsx_budget.h: capacity-budget.xlsx, the review for finance.
 *
 * One workbook (libxlsxwriter) per review, written from the in-memory review
 * (review_data.h) and never from the database.  Its sheets:
 *
 *   Budget              one row per resource series: resource, service, kind,
 *                       labels, level; nodes now and the nodes recommended
 *                       for the quarter under way and the next (the column
 *                       headers name them: "2026-Q4 nodes", "2027-Q1 nodes");
 *                       nodes to add in each of those quarters; the unit cost
 *                       per node per month; the cost per quarter now and in
 *                       each of the two quarters, and the change; a note; a
 *                       totals row.  The unit costs (yellow, validated >= 0)
 *                       are the one input: everything right of them is an
 *                       Excel formula (=F2*K2*3, =MAX(0,G2-F2), =SUM(L2:L6)),
 *                       so finance can edit a unit cost, or a node count, and
 *                       see the costs, the totals and the cost chart move.
 *                       Each formula also carries the value computed here, so
 *                       a viewer that never recalculates shows the same
 *                       numbers.  A series not sized in nodes (no node
 *                       capacity in the plan: cost NaN, nodes_quarter -1)
 *                       has empty node and cost cells, not 0, so it stays
 *                       out of the sums.  Money is shown in the plan's
 *                       currency ('#,##0.00 "USD"').
 *   Forecast            per series and calendar month of the chosen daily
 *                       forecast: days of forecast in the month, the month's
 *                       peak (highest daily max), lowest lo95, highest hi95,
 *                       mean, the current capacity, peak / capacity.  Values
 *                       stay in the resource's unit (the unit column names
 *                       it); only the number format scales them: bytes show
 *                       as GB (10^9), bytes per second as MB/s.
 *   Forecast-vs-Actual  per earlier forecast scored against the actuals that
 *                       arrived since: when it was made, method, points,
 *                       MAE, MAPE, bias (forecast - actual), 80%/95% interval
 *                       coverage, and a verdict ("within its intervals", or
 *                       "off: ..." when fewer than 80% of the actuals fell
 *                       inside the 95% interval).
 *   Scenarios           per scenario and series: factor, demand, capacity
 *                       needed, nodes at full load, nodes needed with the
 *                       redundancy, nodes to add, and the date demand would
 *                       reach today's capacity (empty: not within the horizon).
 *   Assessments         per series, everything the review assessed: levels,
 *                       utilisation, headroom, days to warning/critical/full,
 *                       the dates (with the pessimistic and optimistic
 *                       ones), order-by dates, growth, sizing, right-sizing.
 *   Charts              a column chart of the cost per quarter (the Budget
 *                       totals, so it follows edits), and a line chart per
 *                       most urgent series (up to 6, in review order,
 *                       skipping unknown levels) of the monthly peak: history,
 *                       forecast, its 95% upper bound, and capacity.  The
 *                       charts' data sit to the right of the charts.
 *   About               the run, as-of, quarters, currency and version, and
 *                       what each sheet holds.
 *
 * Every header row is frozen (with the first column) and carries an
 * autofilter.  Dates are date cells (Excel serial days, UTC), never text.
 *
 * Every piece of data text (names, labels, notes) goes into a cell with
 * worksheet_write_string, never into a formula, a chart title or a number
 * format: a name like "=cmd|' /C calc'!A0" is a string cell, shown as is.
 * Chart titles that name a series refer to a string cell.  Text is made
 * valid UTF-8 (U+FFFD for bad bytes), "_xHHHH_" sequences are escaped so
 * Excel shows them literally, and text longer than a cell holds is cut
 * (ending in "...").  Numbers that are NaN or infinite are empty cells.
 */
#ifndef CAPPLAN_RENDER_XLSX_BUDGET_H
#define CAPPLAN_RENDER_XLSX_BUDGET_H

#include "render/review_data.h"
#include "util/error.h"

/* The file names written in the output folder: the workbook, and its forecast-vs-actual part alone. */
#define CAPPLAN_XLSX_BUDGET_NAME "capacity-budget.xlsx"
#define CAPPLAN_XLSX_ACCURACY_NAME "forecast-vs-actual.xlsx"

/*
 * Write dir/capacity-budget.xlsx from d (part CAPPLAN_PART_REVIEW), or
 * dir/forecast-vs-actual.xlsx with the Forecast-vs-Actual and About sheets
 * alone (CAPPLAN_PART_ACCURACY), atomically (a temporary file in dir,
 * renamed when complete; see atomic_file.h).  d is only read.  0, or -1 with
 * err set: CAPPLAN_EX_CANTCREAT when the file cannot be written,
 * CAPPLAN_EX_SOFTWARE for an internal failure (out of memory, a cell
 * libxlsxwriter refuses); nothing is left behind on failure.
 */
int capplan_xlsx_budget_write(const struct capplan_review_data *d, const char *dir,
                              enum capplan_render_part part, struct capplan_error *err);

#endif
