/*
 * lib/util/hashmap.h: byte-string keys to size_t values (open addressing).
 *
 * Used for the series and entries of one input: they grow with the number of
 * series, never with the number of samples.
 */
#ifndef CAPPLAN_UTIL_HASHMAP_H
#define CAPPLAN_UTIL_HASHMAP_H

#include <stddef.h>
#include <stdint.h>

struct capplan_hashmap_slot;

struct capplan_hashmap {
	struct capplan_hashmap_slot *slots;
	size_t cap;     /* a power of two, or 0 */
	size_t count;
};

#define CAPPLAN_HASHMAP_INIT { NULL, 0, 0 }

void capplan_hashmap_init(struct capplan_hashmap *map);
/* Free the slots and the copies of the keys. */
void capplan_hashmap_release(struct capplan_hashmap *map);
/* 1 and *value when key is present, else 0. */
int capplan_hashmap_get(const struct capplan_hashmap *map, const void *key, size_t len, size_t *value);
/* Insert or replace (the key is copied).  0, or -1 when memory runs out. */
int capplan_hashmap_put(struct capplan_hashmap *map, const void *key, size_t len, size_t value);

#endif
