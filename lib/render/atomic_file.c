/*
 * lib/render/atomic_file.c: outputs that appear whole or not at all.
 */
#include "render/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/strbuf.h"

static char *
join(const char *dir, const char *prefix, const char *name, const char *suffix)
{
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;

	if (capplan_strbuf_appendf(&sb, "%s/%s%s%s", dir, prefix, name, suffix) < 0) {
		capplan_strbuf_release(&sb);
		return NULL;
	}
	return sb.data;
}

int
capplan_atomic_open(struct capplan_atomic_file *f, const char *dir, const char *name,
                    struct capplan_error *err)
{
	int fd;

	memset(f, 0, sizeof(*f));
	f->path = join(dir, "", name, "");
	f->tmp_path = join(dir, ".", name, ".XXXXXX");
	if (!f->path || !f->tmp_path) {
		capplan_atomic_abandon(f);
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	}
	fd = mkstemp(f->tmp_path);
	if (fd < 0) {
		capplan_error_set(err, CAPPLAN_EX_CANTCREAT, "%s: cannot create a file there: %s", dir,
		                  strerror(errno));
		free(f->tmp_path);
		f->tmp_path = NULL;
		capplan_atomic_abandon(f);
		return -1;
	}
	/* mkstemp makes it 0600; a packet is for reading by others too */
	(void)fchmod(fd, 0644);
	f->fp = fdopen(fd, "wb");
	if (!f->fp) {
		close(fd);
		capplan_error_set(err, CAPPLAN_EX_CANTCREAT, "%s: %s", f->tmp_path, strerror(errno));
		capplan_atomic_abandon(f);
		return -1;
	}
	return 0;
}

static void
release(struct capplan_atomic_file *f)
{
	free(f->path);
	free(f->tmp_path);
	f->path = f->tmp_path = NULL;
	f->fp = NULL;
}

int
capplan_atomic_commit(struct capplan_atomic_file *f, struct capplan_error *err)
{
	int fd, rc = -1;

	if (f->fp) {
		if (fflush(f->fp) != 0 || ferror(f->fp)) {
			capplan_error_set(err, CAPPLAN_EX_CANTCREAT, "%s: write error: %s", f->path,
			                  strerror(errno));
			goto fail;
		}
		if (fsync(fileno(f->fp)) != 0) {
			capplan_error_set(err, CAPPLAN_EX_CANTCREAT, "%s: %s", f->path, strerror(errno));
			goto fail;
		}
		fclose(f->fp);
		f->fp = NULL;
	} else {
		/* written by name (a library that opens the file itself): sync it too */
		fd = open(f->tmp_path, O_RDONLY);
		if (fd < 0 || fsync(fd) != 0) {
			capplan_error_set(err, CAPPLAN_EX_CANTCREAT, "%s: %s", f->path, strerror(errno));
			if (fd >= 0)
				close(fd);
			goto fail;
		}
		close(fd);
	}
	if (rename(f->tmp_path, f->path) != 0) {
		capplan_error_set(err, CAPPLAN_EX_CANTCREAT, "%s: %s", f->path, strerror(errno));
		goto fail;
	}
	rc = 0;
	release(f);
	return rc;
fail:
	capplan_atomic_abandon(f);
	return rc;
}

void
capplan_atomic_abandon(struct capplan_atomic_file *f)
{
	if (f->fp)
		fclose(f->fp);
	if (f->tmp_path)
		unlink(f->tmp_path);
	release(f);
}
