/*
 * tests/unit/suites.h: one CUnit suite per lib/ module; test_main.c runs them all.
 */
#ifndef CAPPLAN_TESTS_UNIT_SUITES_H
#define CAPPLAN_TESTS_UNIT_SUITES_H

/* Each adds its suite to the registry; returns 0 or -1. */
int register_strbuf_suite(void);
int register_timeutil_suite(void);
int register_labels_suite(void);
int register_csv_in_suite(void);
int register_prom_json_suite(void);
int register_prom_http_suite(void);
int register_series_suite(void);
int register_baselines_suite(void);
int register_select_suite(void);
int register_seasonal_suite(void);
int register_linear_suite(void);
int register_exponential_suite(void);
int register_holt_winters_suite(void);
int register_forest_suite(void);
int register_run_suite(void);
int register_drivers_suite(void);
int register_plan_config_suite(void);
int register_plan_assess_suite(void);
int register_plan_sizing_suite(void);
int register_plan_review_suite(void);
int register_render_xlsx_suite(void);
int register_render_textfile_suite(void);
int register_render_pdf_suite(void);
int register_render_polyline_suite(void);
int register_render_reprice_suite(void);

/* The folder of the test fixtures (tests/fixtures), set by test_main. */
extern const char *capplan_test_fixtures;

#endif
