/* Philox4x32-10 as a gsl_rng_type with a keyed, repositionable counter. */
#include "base/rng.h"

#include "base/err.h"

#include <Random123/philox.h>
#include <string.h>

typedef struct {
    uint32_t ctr[4];
    uint32_t key[2];
    uint32_t buf[4];
    int idx; /* next unread word of buf; 4 = empty */
} philox_state;

void tc_rng_block(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    philox4x32_ctr_t c = {{ctr[0], ctr[1], ctr[2], ctr[3]}};
    philox4x32_key_t k = {{key[0], key[1]}};
    philox4x32_ctr_t r = philox4x32(c, k);
    memcpy(out, r.v, sizeof r.v);
}

static void philox_set(void *vs, unsigned long int s)
{
    philox_state *st = vs;
    uint64_t k = (uint64_t)s;
    memset(st, 0, sizeof *st);
    st->key[0] = (uint32_t)k;
    st->key[1] = (uint32_t)(k >> 32);
    st->idx = 4;
}

static inline uint32_t next_word(philox_state *st)
{
    if (st->idx == 4) {
        tc_rng_block(st->ctr, st->key, st->buf);
        st->ctr[3]++; /* block counter: the low 24 bits */
        st->idx = 0;
    }
    return st->buf[st->idx++];
}

static unsigned long int philox_get(void *vs) { return next_word(vs); }

/* 53 random bits k, returned as (k + 0.5) / 2^53: strictly inside (0,1). */
static inline double words_to_u01(uint32_t hi, uint32_t lo)
{
    uint64_t k = ((uint64_t)(hi >> 5) << 26) | (lo >> 6);
    return ((double)k + 0.5) * (1.0 / 9007199254740992.0);
}

static double philox_get_double(void *vs)
{
    philox_state *st = vs;
    uint32_t hi = next_word(st);
    uint32_t lo = next_word(st);
    return words_to_u01(hi, lo);
}

static const gsl_rng_type philox_type = {
    .name = "philox4x32-10",
    .max = 0xffffffffUL,
    .min = 0,
    .size = sizeof(philox_state),
    .set = philox_set,
    .get = philox_get,
    .get_double = philox_get_double,
};

const gsl_rng_type *const tc_rng_philox = &philox_type;

gsl_rng *tc_rng_alloc_own_line(void)
{
    gsl_rng *r = tc_xcalloc_lines(1, sizeof *r);
    r->type = tc_rng_philox;
    r->state = tc_xcalloc_lines(1, philox_type.size);
    gsl_rng_set(r, 0);
    return r;
}

static inline void stream_ctr(uint32_t ctr[4], uint32_t purpose, uint32_t a,
                              uint64_t b)
{
    ctr[0] = a;
    ctr[1] = (uint32_t)b;
    ctr[2] = (uint32_t)(b >> 32);
    ctr[3] = purpose << 24;
}

void tc_rng_seek(gsl_rng *r, uint64_t key, uint32_t purpose, uint32_t a,
                 uint64_t b)
{
    philox_state *st = r->state;
    st->key[0] = (uint32_t)key;
    st->key[1] = (uint32_t)(key >> 32);
    stream_ctr(st->ctr, purpose, a, b);
    st->idx = 4;
}

double tc_rng_u01(uint64_t key, uint32_t purpose, uint32_t a, uint64_t b)
{
    uint32_t ctr[4], k[2] = {(uint32_t)key, (uint32_t)(key >> 32)}, out[4];
    stream_ctr(ctr, purpose, a, b);
    tc_rng_block(ctr, k, out);
    return words_to_u01(out[0], out[1]);
}

uint64_t tc_rng_derive(uint64_t seed, uint32_t i, uint32_t j)
{
    /* A fixed key separates derivation from every run stream. */
    uint32_t ctr[4] = {(uint32_t)seed, (uint32_t)(seed >> 32), i, j};
    uint32_t key[2] = {0x7c3a9e15u, 0x243f6a88u}, out[4];
    tc_rng_block(ctr, key, out);
    return ((uint64_t)out[1] << 32) | out[0];
}
