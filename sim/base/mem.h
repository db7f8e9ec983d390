/* How much memory this process may still take: the smallest of what the
 * system has available, its own address-space and data limits (ulimit -v,
 * ulimit -d) and its cgroup's limit (containers, Slurm's --mem), so that a too
 * large input is refused with a message before it is allocated. */
#ifndef TC_SIM_MEM_H
#define TC_SIM_MEM_H

#include <stddef.h>

#include "base/err.h"

typedef struct tc_mem_room {
    double bytes;       /* what may still be allocated; negative when nothing is known */
    const char *limit;  /* which bound gave it: "MemAvailable", "ulimit -v", "ulimit -d",
                           "the cgroup's memory limit" */
} tc_mem_room;

/* The room left now (reads /proc and /sys: not for hot loops). */
tc_mem_room tc_mem_room_now(void);

/* Refuse (TC_EINPUT) `need` bytes for `what` when they exceed 90 % of the room
 * left, naming the estimate, the room and the limit that bounds it. */
int tc_mem_check(double need, const char *what, tc_err *err);

#endif
