/*
 * lib/render/pdf_packet.h: the quarterly review packet, capacity-review.pdf.
 *
 * One PDF drawn with cairo, its text laid out by pango in DejaVu Sans (the
 * fonts embedded, so the packet looks the same everywhere).  The pages, in
 * order:
 *
 *   1. cover: the quarter, as-of date, run, capplan version, counts by level
 *      and the contents;
 *   2. executive summary: every series by urgency (d->items' order) with its
 *      level, utilisation, days to full and first order-by date, coloured as
 *      the dashboard; then the order-by dates that fall in the next quarter;
 *   3. utilisation gauges, CAPPLAN_PDF_GAUGES_PER_PAGE a page;
 *   4. one page per series: history, forecast with its 80% and 95% bands,
 *      capacity, threshold zones, crossing dates, 30-day / 90-day / 12-month
 *      trend lines, and its facts;
 *   5. time to exhaustion, CAPPLAN_PDF_BARS_PER_PAGE bars a page;
 *   6. headroom by service, CAPPLAN_PDF_BARS_PER_PAGE rows a page (a service's
 *      heading is a row, repeated on the next page when it is split);
 *   7. forecast vs actual, CAPPLAN_PDF_ACCURACY_PER_PAGE panels a page;
 *   8. scenarios and N+2 node counts (tables);
 *   9. right-sizing and cost per quarter (tables).
 * Sections 3, 5, 6, 7 have one page even when they have nothing to show.
 *
 * The tables (2, 8, 9) flow over pages of CAPPLAN_PDF_ROWS_PER_PAGE row
 * slots, so that the page count follows from the data alone, the same on A4
 * and Letter: a page's title takes 2 slots; a heading 1, plus 1 blank before
 * it unless it starts the page, and it is kept with a table header and one
 * row; a line of text, a table header and a table row 1 each; a table split
 * over pages repeats its header under the next page's title.
 */
#ifndef CAPPLAN_RENDER_PDF_PACKET_H
#define CAPPLAN_RENDER_PDF_PACKET_H

#include "render/review_data.h"
#include "util/error.h"

enum capplan_paper { CAPPLAN_PAPER_A4, CAPPLAN_PAPER_LETTER };

#define CAPPLAN_PDF_ROWS_PER_PAGE 34
#define CAPPLAN_PDF_GAUGES_PER_PAGE 12
#define CAPPLAN_PDF_BARS_PER_PAGE 26
#define CAPPLAN_PDF_ACCURACY_PER_PAGE 6

/* The file names written in the output folder: the packet, and its forecast-vs-actual part alone. */
#define CAPPLAN_PDF_PACKET_NAME "capacity-review.pdf"
#define CAPPLAN_PDF_ACCURACY_NAME "forecast-vs-actual.pdf"

/* "a4" or "letter" (any case) to *paper.  0, or -1 for anything else. */
int capplan_paper_parse(const char *name, enum capplan_paper *paper);

/*
 * Write DIR/capacity-review.pdf from d (part CAPPLAN_PART_REVIEW), or
 * DIR/forecast-vs-actual.pdf, a cover and the forecast-vs-actual section
 * alone (CAPPLAN_PART_ACCURACY), atomically (a temporary file renamed over
 * the name when complete).  0, or -1 with err set: CAPPLAN_EX_CANTCREAT
 * when the folder or file cannot be written, CAPPLAN_EX_SOFTWARE when cairo
 * or pango fail.  d is only read.
 */
int capplan_pdf_packet_write(const struct capplan_review_data *d, const char *dir,
                             enum capplan_paper paper, enum capplan_render_part part,
                             struct capplan_error *err);

#endif
