/*
 * tests/integration/main.c: runs every integration suite and prints CUnit's summary.
 *
 * Usage (through tests/run-integration, which provides the servers and the
 * CAPPLAN_TEST_* environment; make integration-check does it all):
 *   integration-tests [SUITE[/TEST]...]
 * With arguments, only the suites (or single tests, by their CUnit name) named.
 *
 * Exit status: 0 when every test passed; 1 on any failure, when no test ran,
 * or when the environment is incomplete (a missing variable is a failure,
 * never a skip); 70 when CUnit itself fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <curl/curl.h>

#include "helpers.h"

static const struct {
	const char *name;
	int (*add)(void);
} suites[] = {
	{ "010 migrations", it_register_migrations },
	{ "020 ingest files", it_register_ingest_files },
	{ "030 bad input", it_register_bad_input },
	{ "040 prometheus", it_register_prometheus },
	{ "050 http failures", it_register_http_failures },
	{ "060 model", it_register_model },
	{ "070 plan", it_register_plan },
	{ "080 render", it_register_render },
	{ "090 driver", it_register_driver },
};

/* Deactivate what the command line does not name ("SUITE" or "SUITE/TEST"). */
static int
select_tests(int argc, char **argv)
{
	CU_pTestRegistry reg = CU_get_registry();
	int matched = 0;

	for (CU_pSuite s = reg->pSuite; s; s = s->pNext) {
		int suite_wanted = 0;

		for (int i = 1; i < argc; i++)
			if (strcmp(argv[i], s->pName) == 0)
				suite_wanted = 1;
		for (CU_pTest t = s->pTest; t; t = t->pNext) {
			int wanted = suite_wanted;
			size_t sl = strlen(s->pName);

			for (int i = 1; i < argc; i++)
				if (strncmp(argv[i], s->pName, sl) == 0 && argv[i][sl] == '/' &&
				    strcmp(argv[i] + sl + 1, t->pName) == 0)
					wanted = 1;
			CU_set_test_active(t, wanted ? CU_TRUE : CU_FALSE);
			matched += wanted;
		}
	}
	return matched;
}

int
main(int argc, char **argv)
{
	unsigned run, failed_tests, failures, suites_failed;
	int status;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: tests/run-integration %s [SUITE[/TEST]...]\n", argv[0]);
		for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
			printf("  %s\n", suites[i].name);
		return 0;
	}
	if (it_env_load() < 0 || it_admin_open() < 0)
		return 1;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "integration-tests: cannot initialise libcurl\n");
		it_admin_close();
		return 70;
	}
	if (CU_initialize_registry() != CUE_SUCCESS) {
		it_admin_close();
		return 70;
	}
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (suites[i].add() != 0) {
			fprintf(stderr, "integration-tests: cannot register suite %s: %s\n", suites[i].name,
			        CU_get_error_msg());
			CU_cleanup_registry();
			it_admin_close();
			return 70;
		}
	}
	if (argc > 1 && select_tests(argc, argv) == 0) {
		fprintf(stderr, "integration-tests: no test matches the arguments (--help lists suites)\n");
		CU_cleanup_registry();
		it_admin_close();
		return 1;
	}
	/* Tests left out on purpose are not failures. */
	if (argc > 1)
		CU_set_fail_on_inactive(CU_FALSE);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	run = CU_get_number_of_tests_run();
	failed_tests = CU_get_number_of_tests_failed();
	failures = CU_get_number_of_failures();
	suites_failed = CU_get_number_of_suites_failed();
	status = 0;
	if (run == 0) {
		fprintf(stderr, "integration-tests: no test ran\n");
		status = 1;
	}
	if (failed_tests > 0 || failures > 0 || suites_failed > 0)
		status = 1;
	printf("\nintegration-tests: %u tests run, %u failed (%u failed assertions)%s\n", run,
	       failed_tests, failures, status ? ": FAILED" : ": OK");
	CU_cleanup_registry();
	curl_global_cleanup();
	it_admin_close();
	return status;
}
