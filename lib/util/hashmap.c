/*
 * lib/util/hashmap.c: byte-string keys to size_t values (open addressing).
 */
#include "util/hashmap.h"

#include <stdlib.h>
#include <string.h>

struct capplan_hashmap_slot {
	uint64_t hash;
	char *key;       /* NULL: empty slot */
	size_t len;
	size_t value;
};

/* FNV-1a: short keys, no adversary that could pick them for collisions that matter. */
static uint64_t
hash_of(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = UINT64_C(14695981039346656037);

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

void
capplan_hashmap_init(struct capplan_hashmap *map)
{
	map->slots = NULL;
	map->cap = 0;
	map->count = 0;
}

void
capplan_hashmap_release(struct capplan_hashmap *map)
{
	for (size_t i = 0; i < map->cap; i++)
		free(map->slots[i].key);
	free(map->slots);
	capplan_hashmap_init(map);
}

static size_t
find(const struct capplan_hashmap *map, uint64_t h, const void *key, size_t len)
{
	size_t i = (size_t)h & (map->cap - 1);

	while (map->slots[i].key) {
		const struct capplan_hashmap_slot *s = &map->slots[i];

		if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
			break;
		i = (i + 1) & (map->cap - 1);
	}
	return i;
}

static int
grow(struct capplan_hashmap *map)
{
	size_t cap = map->cap ? map->cap * 2 : 64;
	struct capplan_hashmap_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < map->cap; i++) {
		struct capplan_hashmap_slot *s = &map->slots[i];
		size_t j;

		if (!s->key)
			continue;
		j = (size_t)s->hash & (cap - 1);
		while (slots[j].key)
			j = (j + 1) & (cap - 1);
		slots[j] = *s;
	}
	free(map->slots);
	map->slots = slots;
	map->cap = cap;
	return 0;
}

int
capplan_hashmap_get(const struct capplan_hashmap *map, const void *key, size_t len, size_t *value)
{
	size_t i;

	if (map->cap == 0)
		return 0;
	i = find(map, hash_of(key, len), key, len);
	if (!map->slots[i].key)
		return 0;
	*value = map->slots[i].value;
	return 1;
}

int
capplan_hashmap_put(struct capplan_hashmap *map, const void *key, size_t len, size_t value)
{
	uint64_t h = hash_of(key, len);
	size_t i;

	/* Keep the table at most half full, so probes stay short. */
	if ((map->count + 1) * 2 > map->cap && grow(map) < 0)
		return -1;
	i = find(map, h, key, len);
	if (!map->slots[i].key) {
		char *copy = malloc(len ? len : 1);

		if (!copy)
			return -1;
		if (len)
			memcpy(copy, key, len);
		map->slots[i].key = copy;
		map->slots[i].len = len;
		map->slots[i].hash = h;
		map->count++;
	}
	map->slots[i].value = value;
	return 0;
}
