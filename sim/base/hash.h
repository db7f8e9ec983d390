/* FNV-1a, 64 bits: the hash of a sweep's definition and the checksum of a
 * journal record (not for security: for telling one sweep or a torn record from
 * another). */
#ifndef TC_SIM_HASH_H
#define TC_SIM_HASH_H

#include <stddef.h>
#include <stdint.h>

#define TC_FNV_OFFSET 0xcbf29ce484222325ULL

static inline uint64_t tc_fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * 0x100000001b3ULL;
    return h;
}

#endif
