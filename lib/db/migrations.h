/*
 * lib/db/migrations.h: the schema migrations compiled into the library.
 *
 * The table is generated from sql/NNN_name.sql by scripts/embed-sql, in
 * ascending order of version.
 */
#ifndef CAPPLAN_DB_MIGRATIONS_H
#define CAPPLAN_DB_MIGRATIONS_H

#include <stddef.h>

struct capplan_migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct capplan_migration capplan_migrations[];
extern const size_t capplan_migration_count;

#endif
