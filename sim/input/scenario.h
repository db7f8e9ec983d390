/* A scenario file parsed, validated and resolved: every key checked against the
 * schema (unknown keys, wrong types, ranges, missing files), every error naming
 * file:line:column and the key, every default filled in. */
#ifndef TC_SIM_SCENARIO_H
#define TC_SIM_SCENARIO_H

#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "base/limits.h"
#include "model.h"

typedef enum { TC_GEN_NONE, TC_GEN_BA, TC_GEN_ER, TC_GEN_SBM, TC_GEN_FF, TC_GEN_CHUNGLU } tc_generator;
typedef enum { TC_FMT_EDGELIST, TC_FMT_NCOL, TC_FMT_GRAPHML, TC_FMT_GML, TC_FMT_PAJEK,
               TC_FMT_STORE } tc_format;
typedef enum { TC_PLACE_RANDOM, TC_PLACE_FOLLOWERS, TC_PLACE_COMMUNITY } tc_placement;
typedef enum {
    TC_EV_POST,      /* a named account posts the hashtag */
    TC_EV_SILENCE,   /* matching accounts post nothing from `at` until `until` */
    TC_EV_DAMPING,   /* adoption probability of matching accounts times `factor` */
    TC_EV_TAKEDOWN,  /* the platform removes bots (recall) and humans (false positives) */
    TC_EV_DEBUNK,    /* matching accounts that have not adopted become immune (reach) */
    TC_EV_BOT_WAVE,  /* a bot group becomes active */
    TC_EV_PRESS      /* the tag is in the news: sessions of matching people show it */
} tc_event_kind;

/* engine.fast_path: auto = skip ahead over an audience wherever the result has
 * the same distribution as asking edge by edge; off = always edge by edge. */
typedef enum { TC_FAST_AUTO = 0, TC_FAST_OFF = 1 } tc_fast_mode;
/* engine.batch: true = a sweep batches a point's replicates on the lanes path
 * wherever it applies; auto and false = each replicate alone (a replicate
 * alone costs less than its share of a batch: sweep_run.c). */
typedef enum { TC_BATCH_AUTO = 0, TC_BATCH_ON = 1, TC_BATCH_OFF = 2 } tc_batch_mode;

/* Which accounts an intervention applies to. */
typedef enum { TC_WHO_ALL, TC_WHO_PEOPLE, TC_WHO_HUMANS, TC_WHO_BOTS, TC_WHO_HUBS } tc_who;

/* The names scenario files and outputs write, indexed by the enums above, each
 * list NULL-terminated (tc_generator_names[TC_GEN_NONE] is "": a graph file). */
extern const char *const tc_generator_names[];
extern const char *const tc_format_names[];
extern const char *const tc_placement_names[];
extern const char *const tc_event_kind_names[];
extern const char *const tc_fast_mode_names[];
extern const char *const tc_batch_mode_names[];
extern const char *const tc_who_names[];

/* How a reading session ranks its feed. */
enum { TC_RANK_CHRONOLOGICAL = 0, TC_RANK_ENGAGEMENT = 1 };
extern const char *const tc_ranking_names[];

/* The kernel of an item's appeal by age a: none, (1 + a/tau)^-exponent, or
 * exp(-(a/tau)^beta). */
enum { TC_APPEAL_NONE = 0, TC_APPEAL_POWER_LAW = 1, TC_APPEAL_STRETCHED_EXP = 2 };
extern const char *const tc_appeal_names[];

#define TC_MAX_GROUPS 16
#define TC_MAX_MENTIONS 8
#define TC_MAX_TARGETS 64

/* A community name with a value (time zone, susceptibility), resolved once the
 * graph's communities are known. */
typedef struct tc_named_value {
    char name[TC_NAME_MAX];
    double v;
    tc_where at;
} tc_named_value;

/* A group of bots sharing one behaviour. */
typedef struct tc_bot_group {
    char name[TC_NAME_MAX];
    double share;            /* of the bots; the groups' shares add up to 1 */
    int64_t repeat_count;    /* repeater: the same message this many more times */
    double repeat_interval_s;
    double posts_per_hour;   /* hyperactive: reposts at this Poisson rate, 0 = none */
    int64_t ring;            /* coordinated rings of this size, 0 = none */
    double active_from_s;    /* sleeper: inactive before (seconds since start); -1 = unset */
    int nmentions;
    char mentions[TC_MAX_MENTIONS][TC_NAME_MAX];
    tc_where mentions_at[TC_MAX_MENTIONS];
    double mention_p;        /* each post mentions each named account with this probability */
} tc_bot_group;

typedef struct tc_community_spec {
    char name[TC_NAME_MAX];
    double share; /* of generated accounts; shares sum to 1 */
} tc_community_spec;

typedef struct tc_hub_spec {
    char name[TC_NAME_MAX];
    int64_t id;          /* an account of the graph to name (-1: a new account) */
    tc_where id_at;
    char community[TC_NAME_MAX];
    tc_where community_at;
    int64_t followers;   /* audience size asked for */
    tc_where followers_at;
    int64_t following;   /* accounts of its own community it follows */
    double in_community; /* share of followers drawn from its own community */
} tc_hub_spec;

typedef struct tc_event_spec {
    tc_event_kind kind;
    double t;                    /* seconds since start */
    double until;                /* silence, damping, press: end (INFINITY = to the end) */
    char account[TC_NAME_MAX];   /* post: the named account; bot_wave: the group */
    tc_where account_at;
    char *label;                 /* owned; "" when absent */
    /* silence, damping, debunk, press: whom it applies to */
    tc_who who;
    char community[TC_NAME_MAX]; /* "" = every community */
    tc_where community_at;
    int naccounts;               /* silence: named accounts (then who/community unused) */
    char (*accounts)[TC_NAME_MAX];
    tc_where *accounts_at;
    double factor;               /* damping */
    double recall, fpr;          /* takedown */
    double reach;                /* debunk */
    double probability;          /* press: chance a session shows the tag */
} tc_event_spec;

typedef struct tc_scenario {
    char *path;   /* as given */
    char *text;   /* the file's text exactly as read */
    char name[TC_NAME_MAX];
    uint64_t seed;

    struct {
        int64_t start_epoch;   /* UTC seconds */
        int utc_offset_s;      /* offset written in `start`: the display zone */
        char start_iso[40];    /* normalised, with offset */
        int64_t dt_ms, interval_ms, duration_ms;
    } time;

    struct {
        tc_generator generator;   /* TC_GEN_NONE when read from a file */
        char *file;               /* resolved against the scenario's folder */
        tc_format format;
        tc_direction direction;
        char community_attribute[TC_NAME_MAX]; /* "" = none */
        int64_t n, m, edges, ambs;
        double power, p_in, p_out, fw_prob, bw_factor;
        double mean_degree, gamma_in, gamma_out; /* chung_lu */
        double mixing, reciprocity;
        int ncomm;                /* 0: those of the graph store (format store) */
        tc_community_spec *comm;
        tc_where at;              /* the graph mapping, for errors found later */
    } graph;

    struct {
        double delay_median_s, delay_sigma;   /* humans: log-normal response delay */
        int sessions;                         /* 1: humans read in sessions */
        double per_day;                       /* mean sessions per day */
        double rhythm[24];                    /* relative activity by local hour */
        int64_t attention;                    /* items read per session, 0 = all */
        int ntz, nsusc;
        tc_named_value *tz;                   /* community -> UTC offset (seconds) */
        tc_named_value *susc;                 /* community -> susceptibility */
        /* the feed competes (sessions only): background items per followee and
         * hour, how a session ranks its feed, how far back it looks, and the
         * mean engagement of a background item (engagement ranking) */
        double background;                    /* 0: the feed holds the hashtag only */
        int ranking;                          /* TC_RANK_* */
        double window_s, engagement;
    } humans;

    /* own posts: an adopter writes a post of its own with the hashtag (a new
     * root), instead of or besides resharing */
    struct {
        int on;                               /* some probability above 0 */
        double people;                        /* people of communities not listed */
        int ncomm;
        tc_named_value *comm;                 /* community -> people's probability */
        double bots;
        int besides;                          /* 1: besides resharing; 0: instead */
    } own_posts;

    /* appeal: the chance to reshare times a kernel of the item's age, and of
     * the hashtag items already read (fatigue) */
    struct {
        int kernel;                           /* TC_APPEAL_*; TC_APPEAL_NONE: off */
        double tau_s, exponent, beta, fatigue;
        int age_post;                         /* 1: the age of the item read; 0: of its
                                                 cascade's original post */
        int everyone;                         /* 1: bots too; 0: people only */
    } appeal;

    struct {
        double fraction;
        tc_where fraction_at;
        tc_placement placement;
        char community[TC_NAME_MAX];
        tc_where community_at;
        double delay_min_s, delay_max_s;      /* bots: uniform response delay */
        int64_t follows;                      /* infiltration: humans each bot follows */
        double follow_back;                   /* ... and the chance each follows back */
        int ngroups;
        tc_bot_group group[TC_MAX_GROUPS];
        tc_where groups_at;
    } bots;

    struct {
        int on;
        double window_s, every_s;
        double threshold;                     /* posts + reshares in the window */
        double probability;                   /* a reading person sees the trend */
    } trending;

    int nhubs;           /* named accounts, in list order */
    int nnew;            /* of which new accounts (id -1), appended to the graph */
    tc_hub_spec *hubs;

    const tc_model_type *model;
    double mpar[TC_MODEL_MAXPARAMS];

    int nevents;
    tc_event_spec *events; /* sorted by time (stable) */

    struct {
        char *path;
        int cascade;
        int exposures_off; /* output.exposures: false (the default, 0, counts them) */
    } output;

    struct {
        tc_fast_mode fast_path;  /* skip ahead over audiences where exact (engine.c) */
        tc_batch_mode batch;     /* engine.batch: when sweeps batch replicates */
    } engine;

    tc_where sweep_at;   /* the file's sweep section (drive/sweep.h); file NULL: none */
    tc_where fit_at;     /* its fit section (drive/fit.h); file NULL: none */
    tc_where classroom_at; /* its classroom section (`serve`); file NULL: none */
} tc_scenario;

/* Load, override and validate the scenario at `path`. `sets[nsets]` are
 * "key=value" overrides applied before validation. On success *sc is filled and
 * must be released with tc_scenario_destroy. Errors: TC_EINPUT with a message
 * "file:line:col: key: expected ..., got ...". */
int tc_scenario_load(tc_scenario *sc, const char *path, const char *const *sets,
                     int nsets, tc_err *err);

/* The same from the text of a scenario; `path` names it in messages and anchors
 * relative graph files. */
int tc_scenario_parse(tc_scenario *sc, const char *path, const char *text,
                      const char *const *sets, int nsets, tc_err *err);

/* The same from a tree already parsed and overridden (input/ytree.h), which stays
 * the caller's; its nodes' file names must outlive *sc. `text`, the file's text
 * kept for the output's provenance, may be NULL. */
struct tc_ynode;
int tc_scenario_from_tree(tc_scenario *sc, const char *path, const char *text,
                          const struct tc_ynode *root, tc_err *err);

void tc_scenario_destroy(tc_scenario *sc);

/* A hash of everything that shapes the graph (seed, graph.*, accounts.*):
 * scenarios with equal signatures build the same graph. */
uint64_t tc_scenario_graph_signature(const tc_scenario *sc);

/* Write every resolved parameter as YAML (what /meta/resolved holds). */
void tc_scenario_dump(const tc_scenario *sc, FILE *f);

#endif
