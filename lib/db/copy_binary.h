/*
 * lib/db/copy_binary.h: PostgreSQL's binary COPY format, written by hand.
 *
 * A stream is the header, tuples, and the trailer.  A tuple is its field
 * count (int16) and then each field as its length (int32) and its bytes, all
 * in network byte order.  Binary rows spare the server parsing the text of
 * every number and timestamp, which is most of what text COPY costs.
 */
#ifndef CAPPLAN_DB_COPY_BINARY_H
#define CAPPLAN_DB_COPY_BINARY_H

#include <stdint.h>
#include <string.h>

/* PostgreSQL's timestamp epoch (2000-01-01T00:00:00Z) in Unix milliseconds. */
#define CAPPLAN_PG_EPOCH_MS INT64_C(946684800000)

static const unsigned char capplan_copy_header[19] = {
	'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0,   /* signature */
	0, 0, 0, 0,                                               /* flags */
	0, 0, 0, 0                                                /* header extension */
};
static const unsigned char capplan_copy_trailer[2] = { 0xff, 0xff };

/* Each writes at p and returns the byte after what it wrote. */
static inline unsigned char *
capplan_copy_put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
	return p + 2;
}

static inline unsigned char *
capplan_copy_put32(unsigned char *p, uint32_t v)
{
	for (int i = 3; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
	return p + 4;
}

static inline unsigned char *
capplan_copy_put64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
	return p + 8;
}

/* A whole field of 4 or 8 bytes: its length, then its value. */
static inline unsigned char *
capplan_copy_field32(unsigned char *p, uint32_t v)
{
	return capplan_copy_put32(capplan_copy_put32(p, 4), v);
}

static inline unsigned char *
capplan_copy_field64(unsigned char *p, uint64_t v)
{
	return capplan_copy_put64(capplan_copy_put32(p, 8), v);
}

/* A timestamptz: microseconds since 2000-01-01, from Unix milliseconds. */
static inline uint64_t
capplan_copy_timestamp(int64_t ms)
{
	return (uint64_t)((ms - CAPPLAN_PG_EPOCH_MS) * 1000);
}

/* A float8: the IEEE 754 bits (NaN and the infinities included). */
static inline uint64_t
capplan_copy_double(double v)
{
	uint64_t bits;

	memcpy(&bits, &v, sizeof(bits));
	return bits;
}

#endif
