/*
 * tests/unit/scratch.h: scratch folders for the tests that write files.
 */
#ifndef CAPPLAN_TESTS_UNIT_SCRATCH_H
#define CAPPLAN_TESTS_UNIT_SCRATCH_H

/* "a/b", malloc'd; aborts when memory runs out (tests only). */
char *scratch_join(const char *a, const char *b);

/* A fresh folder $TMPDIR/PREFIX-XXXXXX (or under /tmp), malloc'd; NULL when it cannot be made. */
char *scratch_dir(const char *prefix);

/*
 * Remove the folder and everything in it; with CAPPLAN_TEST_KEEP set, keep it
 * and say where it is.  NULL-safe; dir stays the caller's to free.
 */
void scratch_remove(const char *dir);

#endif
