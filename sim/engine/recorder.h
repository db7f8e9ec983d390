/* Counters per output interval: per class (human, bot) and per community. Only
 * integer sums, so totals do not depend on the order threads add them in. */
#ifndef TC_SIM_RECORDER_H
#define TC_SIM_RECORDER_H

#include <stdint.h>

#include "world/population.h"
#include "world/timeline.h"

/* posts: the timeline's; own_posts: those adopters write of their own (own_posts) */
enum { TC_CNT_POSTS, TC_CNT_RESHARES, TC_CNT_ADOPTERS, TC_CNT_EXPOSED, TC_CNT_OWN, TC_NCOUNTERS };

/* Names used for the HDF5 datasets, indexed by counter. */
extern const char *const tc_counter_names[TC_NCOUNTERS];

typedef struct tc_recorder {
    int64_t T;          /* output intervals */
    int ncomm;
    double interval_s;
    int64_t *by_class;  /* [TC_NCOUNTERS][T][2]: human (hubs included), bot */
    int64_t *by_comm;   /* [TC_NCOUNTERS][T][ncomm] */
    uint8_t *trending;  /* [T] 1 if the tag trended during the interval; may be NULL */
    int64_t *active_bots; /* [T] bots active at the end of the interval; may be NULL */
    /* step rules only (NULL and 0 otherwise): accounts in each state at the end of
     * each interval, [T][nstates], and the states' names (borrowed from the rule) */
    int64_t *compartments;
    int nstates;
    const char *const *state_names;
} tc_recorder;

void tc_recorder_init(tc_recorder *rec, int64_t T, int ncomm, double interval_s);
void tc_recorder_destroy(tc_recorder *rec);

/* Give the recorder a compartment series of `nstates` states named `names`
 * (borrowed), all zero; freed by tc_recorder_destroy. */
void tc_recorder_compartments(tc_recorder *rec, int nstates, const char *const *names);

/* Fill the active-bot series (when the recorder has one): the bots of a group
 * count from its activation (tl->act) until removed, at the end of each
 * interval (the last one cut at `horizon`, seconds). removed[k][g]: bots of
 * group g removed by timeline event k; NULL when none ever are. O(T x groups x
 * events). */
void tc_recorder_active_bots(tc_recorder *rec, const tc_population *pop, const tc_timeline *tl,
                             double horizon, const int64_t (*removed)[TC_MAX_GROUPS]);

/* Add k to `counter` in interval iv for an account of class cls (TC_CLASS_*)
 * and community comm. */
static inline void tc_recorder_add(tc_recorder *rec, int counter, int64_t iv, int cls,
                                   int comm, int64_t k)
{
    rec->by_class[((int64_t)counter * rec->T + iv) * 2 + (cls == 1)] += k;
    rec->by_comm[((int64_t)counter * rec->T + iv) * rec->ncomm + comm] += k;
}

#endif
