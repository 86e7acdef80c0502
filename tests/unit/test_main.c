/*
 * tests/unit/test_main.c: runs every unit suite and prints CUnit's summary.
 *
 * Usage: unit-tests [SUITE...]   (run from tests/, or set CAPPLAN_FIXTURES)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "suites.h"

const char *capplan_test_fixtures = "fixtures";

static const struct {
	const char *name;
	int (*add)(void);
} suites[] = {
	{ "strbuf", register_strbuf_suite },
	{ "timeutil", register_timeutil_suite },
	{ "labels", register_labels_suite },
	{ "csv_in", register_csv_in_suite },
	{ "prom_json", register_prom_json_suite },
	{ "prom_http", register_prom_http_suite },
	{ "series", register_series_suite },
	{ "baselines", register_baselines_suite },
	{ "select", register_select_suite },
	{ "seasonal", register_seasonal_suite },
	{ "linear", register_linear_suite },
	{ "exponential", register_exponential_suite },
	{ "forest", register_forest_suite },
	{ "holt_winters", register_holt_winters_suite },
	{ "run", register_run_suite },
	{ "drivers", register_drivers_suite },
	{ "plan_config", register_plan_config_suite },
	{ "plan_assess", register_plan_assess_suite },
	{ "plan_sizing", register_plan_sizing_suite },
	{ "plan_review", register_plan_review_suite },
	{ "render_xlsx", register_render_xlsx_suite },
	{ "render_textfile", register_render_textfile_suite },
	{ "render_pdf", register_render_pdf_suite },
	{ "render_polyline", register_render_polyline_suite },
	{ "render_reprice", register_render_reprice_suite },
};

static int
wanted(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned failures;
	const char *fixtures = getenv("CAPPLAN_FIXTURES");

	if (fixtures)
		capplan_test_fixtures = fixtures;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 70;
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (!wanted(suites[i].name, argc, argv))
			continue;
		if (suites[i].add() != 0) {
			fprintf(stderr, "unit-tests: cannot register suite %s: %s\n", suites[i].name,
			        CU_get_error_msg());
			CU_cleanup_registry();
			return 70;
		}
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	if (CU_get_number_of_tests_run() == 0)
		failures = 1;
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
