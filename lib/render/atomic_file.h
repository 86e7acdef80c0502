/*
 * lib/render/atomic_file.h: outputs that appear whole or not at all.
 *
 * Every file capplan-render writes goes to a temporary name in the same
 * folder ("DIR/.NAME.XXXXXX"), is flushed to disk, and is renamed over NAME
 * only when complete: a crash or a full disk never leaves half a packet for
 * someone to open.  Writers that need a file name (libxlsxwriter, cairo's PDF
 * surface) write to capplan_atomic_file.tmp_path; the others to .fp.
 */
#ifndef CAPPLAN_RENDER_ATOMIC_FILE_H
#define CAPPLAN_RENDER_ATOMIC_FILE_H

#include <stdio.h>

#include "util/error.h"

struct capplan_atomic_file {
	char *path;                /* the final name */
	char *tmp_path;            /* where it is written */
	FILE *fp;                  /* open on tmp_path for writing */
};

/*
 * Create a temporary file beside dir/name.  0, or -1 with err set
 * (CAPPLAN_EX_CANTCREAT naming the folder and the reason).
 */
int capplan_atomic_open(struct capplan_atomic_file *f, const char *dir, const char *name,
                        struct capplan_error *err);

/*
 * Close the stream (if still open), fsync, and rename over the final name.
 * 0, or -1 with err set (CAPPLAN_EX_CANTCREAT); the temporary file is
 * removed either way.  Frees f's strings.
 */
int capplan_atomic_commit(struct capplan_atomic_file *f, struct capplan_error *err);

/* Give up: close and remove the temporary file; frees f's strings.  NULL-safe fields. */
void capplan_atomic_abandon(struct capplan_atomic_file *f);

#endif
