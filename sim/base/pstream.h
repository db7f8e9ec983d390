/* A Philox4x32-10 counter stream for hot loops that skip ahead: no generator
 * object, no seek; each block gives two uniforms of 53 bits. The caller names
 * the whole counter; its last word counts the blocks drawn, so the low bits it
 * leaves free (16 here) bound a stream's length at 2^16 blocks. Used by the
 * lanes path (TC_P_LIVE) and the step engine's contacts (TC_P_CONTACT). */
#ifndef TC_BASE_PSTREAM_H
#define TC_BASE_PSTREAM_H

#include <Random123/philox.h>
#include <stdint.h>

typedef struct {
    philox4x32_key_t k;
    philox4x32_ctr_t c;
    philox4x32_ctr_t r;
    int left;
} tc_pstream;

/* The stream of counter {c0, c1, c2, c3} under key (k0, k1): c3's low 16 bits
 * must be 0; they number the blocks. */
static inline void tc_pstream_init(tc_pstream *s, uint32_t k0, uint32_t k1, uint32_t c0,
                                   uint32_t c1, uint32_t c2, uint32_t c3)
{
    s->k = (philox4x32_key_t){{k0, k1}};
    s->c = (philox4x32_ctr_t){{c0, c1, c2, c3}};
    s->left = 0;
}

/* The next uniform in (0, 1): never 0 or 1, so log() of it is finite. */
static inline double tc_pstream_u01(tc_pstream *s)
{
    if (!s->left) {
        s->r = philox4x32(s->c, s->k);
        s->c.v[3]++;
        s->left = 2;
    }
    int h = 2 - s->left--;
    uint64_t w = (uint64_t)s->r.v[2 * h] << 32 | s->r.v[2 * h + 1];
    return ((double)(w >> 11) + 0.5) * 0x1p-53;
}

#endif
