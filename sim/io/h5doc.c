/* The units and description of every dataset the writer makes (docs/hdf5.md,
 * "Units and descriptions"). One table, looked up by path and file kind, so the
 * file says what docs/hdf5.md says. */
#include "io/h5doc.h"

#include <stdio.h>
#include <string.h>

#include "engine/recorder.h"

/* kinds: r run, s sweep, o observed cascades, v observed volume, f fit */
typedef struct {
    const char *kinds, *path, *units, *description;
} doc_row;

static const doc_row rows[] = {
    /* /meta */
    {"rsf", "/meta/scenario", "text", "the scenario file's text exactly as given"},
    {"rs", "/meta/resolved", "text",
     "every parameter after defaults and --set overrides, as YAML (a sweep: before any point's overrides)"},
    {"rs", "/meta/communities", "text", "community names; index = community id used everywhere"},
    {"r", "/meta/accounts/name", "text", "named accounts, in the scenario's order"},
    {"r", "/meta/accounts/id", "1", "account id of each named account"},
    {"r", "/meta/accounts/community", "1", "community id of each named account (index into /meta/communities)"},
    {"r", "/meta/accounts/followers", "accounts", "audience size of each named account in the frozen graph"},
    {"r", "/meta/events/t", "s", "time of each timeline event, seconds after /meta start"},
    {"r", "/meta/events/kind", "text", "the event's key: post, silence, damping, takedown, debunk, bot_wave or press"},
    {"r", "/meta/events/account", "text", "the named account of a post, the bot group of a bot_wave; empty for the others"},
    {"r", "/meta/events/label", "text", "free text from the scenario (may be empty)"},
    {"o", "/meta/account_names", "text", "the original account identifier of each account id of this file"},

    /* /series (and a sweep's /runs/P/R/series) */
    {"rs", "/series/community", "text", "community names: the coordinate of the second axis of the *_by_community datasets"},
    {"r", "/series/state", "text", "the step rule's states: the coordinate of the second axis of compartments"},
    {"r", "/series/trending", "1", "1 if the hashtag trended at any time during the interval, else 0"},
    {"r", "/series/active_bots", "accounts",
     "bots active at the end of the interval: of the groups activated by then, less those removed"},
    {"r", "/series/compartments", "accounts",
     "accounts in each of the step rule's states (columns: /series/state) at the end of the interval"},

    /* /summary */
    {"r", "/summary/reach", "accounts", "accounts that used the hashtag"},
    {"r", "/summary/reach_human", "accounts", "people (and named accounts) that used the hashtag"},
    {"r", "/summary/reach_bot", "accounts", "bots that used the hashtag"},
    {"r", "/summary/exposed", "accounts", "accounts that saw the hashtag"},
    {"r", "/summary/exposed_human", "accounts", "people (and named accounts) that saw the hashtag"},
    {"r", "/summary/exposed_bot", "accounts", "bots that saw the hashtag"},
    {"r", "/summary/posts", "posts", "original posts of the timeline"},
    {"r", "/summary/reshares", "reshares", "reshares, bots' repeats and hyperactive reposts included"},
    {"r", "/summary/reshares_human", "reshares", "reshares by people (and named accounts)"},
    {"r", "/summary/reshares_bot", "reshares", "reshares by bots, repeats and reposts included"},
    {"r", "/summary/own_posts", "posts", "original posts adopters wrote of their own"},
    {"r", "/summary/own_posts_human", "posts", "own posts of people (and named accounts)"},
    {"r", "/summary/own_posts_bot", "posts", "own posts of bots"},
    {"r", "/summary/volume", "posts", "hashtag volume: posts + own posts + reshares"},
    {"r", "/summary/peak_volume", "posts", "volume of the busiest output interval"},
    {"r", "/summary/peak_t", "s", "start of the busiest output interval, seconds after /meta start"},
    {"r", "/summary/bot_share_volume", "1", "bot volume / volume (0 when volume is 0)"},
    {"r", "/summary/bot_share_accounts", "1", "bots / accounts"},
    {"ro", "/summary/max_depth", "steps", "longest chain of reshares over all cascades"},
    {"ro", "/summary/max_breadth", "reshares", "most reshares at one depth of one cascade"},
    {"ro", "/summary/cascades", "cascades", "cascades with at least one reshare"},
    {"ro", "/summary/largest_size", "reshares", "reshares of the largest cascade"},
    {"ro", "/summary/largest_structural_virality", "steps", "structural virality of the largest cascade"},
    {"ro", "/summary/mean_structural_virality", "steps",
     "mean structural virality over the cascades with a reshare (NaN when none)"},
    {"r", "/summary/repeats", "reshares", "bots' repeats and hyperactive reposts (included in reshares)"},
    {"r", "/summary/removed_bots", "accounts", "bots removed by takedowns"},
    {"r", "/summary/removed_humans", "accounts", "people removed by takedowns"},
    {"r", "/summary/immunised", "accounts", "accounts made immune by debunks"},
    {"r", "/summary/trending_s", "s", "total time the hashtag trended, up to the end of the run"},
    {"r", "/summary/first_trending_t", "s",
     "time of the first check at which the hashtag trended, seconds after /meta start (NaN if never)"},

    /* /summary/roots: one row per original post (cascade) */
    {"ro", "/summary/roots/author", "1", "account id of the original post's author"},
    {"r", "/summary/roots/t", "s", "time of the original post, seconds after /meta start"},
    {"o", "/summary/roots/t", "s", "0: observed cascades have no common clock"},
    {"r", "/summary/roots/class", "1", "the class of the original post's author (enum: human 0, bot 1, named 2)"},
    {"r", "/summary/roots/community", "1", "the community id of the original post's author (index into /meta/communities)"},
    {"r", "/summary/roots/kind", "1", "what started the cascade: 0 a timeline post, 1 a person's own post, 2 a bot's own post"},
    {"ro", "/summary/roots/size", "reshares", "reshares descending from the post, one per adopting account"},
    {"ro", "/summary/roots/depth", "steps", "longest chain of reshares (0 when none)"},
    {"ro", "/summary/roots/max_breadth", "reshares", "most reshares at one depth"},
    {"ro", "/summary/roots/structural_virality", "steps",
     "mean distance between all pairs of nodes of the tree, root included (NaN when size is 0)"},
    {"ro", "/summary/roots/t_10", "s", "seconds after the original post when the cascade reached 10 reshares (NaN if never)"},
    {"ro", "/summary/roots/t_100", "s", "seconds after the original post when the cascade reached 100 reshares (NaN if never)"},
    {"ro", "/summary/roots/t_1000", "s", "seconds after the original post when the cascade reached 1000 reshares (NaN if never)"},
    {"ro", "/summary/roots/bot_reshares", "reshares", "reshares made by bots"},
    {"ro", "/summary/roots/via_bot", "reshares", "reshares whose parent is a bot"},
    {"o", "/summary/roots/label", "text", "the source post's id, or the CSV file's name"},
    {"o", "/summary/roots/veracity", "text", "true, false, unverified or non-rumor; empty when unknown"},

    /* /cascade/events: one row per adopting reshare */
    {"r", "/cascade/events/t", "s", "time of the reshare, seconds after /meta start"},
    {"o", "/cascade/events/t", "s", "time of the reshare, seconds after the cascade's root post"},
    {"ro", "/cascade/events/account", "1", "account id of the resharer"},
    {"ro", "/cascade/events/parent", "1", "account id the post was reshared from"},
    {"ro", "/cascade/events/root", "1", "row of /summary/roots: the cascade"},
    {"ro", "/cascade/events/depth", "steps", "reshare steps from the original post (1 = direct reshare)"},
    {"r", "/cascade/events/class", "1", "the resharer's class (enum: human 0, bot 1, named 2)"},
    {"r", "/cascade/events/community", "1", "the resharer's community id (index into /meta/communities)"},

    /* sweeps */
    {"s", "/sweep/point", "1", "the point index: the first axis of the per-point datasets"},
    {"s", "/sweep/replicate", "1", "the replicate index: the second axis of the per-run datasets"},
    {"s", "/sweep/keys", "text", "the swept scenario keys"},
    {"s", "/sweep/params_text", "text", "each point's overrides as key=value; key=value"},
    {"s", "/sweep/resolved", "text", "each point's scenario, resolved, as YAML"},
    {"s", "/sweep/metrics", "text", "names of the summary metrics, in the column order of /sweep/summary"},
    {"s", "/sweep/summary", "as /summary/<metric>",
     "each run's /summary scalars [point, replicate, metric]; NaN where a run is not done"},
    {"s", "/sweep/done", "1", "1 where the run finished [point, replicate]"},
    {"s", "/sweep/run_key", "1", "the key every random draw of the run was keyed under [point, replicate]"},

    /* fits */
    {"f", "/fit/generation", "1", "the generation index: the first axis of the per-generation datasets"},
    {"f", "/fit/particle", "1", "the particle index: the second axis of theta, weight and distance"},
    {"f", "/fit/predictive/draw", "1", "the predictive run index: the first axis of volume and theta"},
    {"f", "/fit/predictive/quantile", "1", "the quantiles of band: 0.05, 0.5, 0.95"},
    {"f", "/fit/parameters", "text", "the fitted scenario keys"},
    {"f", "/fit/priors", "text", "the priors as written back, e.g. log_uniform(0.01, 0.2)"},
    {"f", "/fit/prior_min", "as the parameter's key", "lower end of each prior's support (-inf for a normal prior)"},
    {"f", "/fit/prior_max", "as the parameter's key", "upper end of each prior's support (inf for a normal prior)"},
    {"f", "/fit/targets", "text", "the fit's targets"},
    {"f", "/fit/target_weights", "1", "the weight of each target in the distance"},
    {"f", "/fit/epsilon", "as the distance", "each generation's tolerance (inf for generation 0)"},
    {"f", "/fit/ess", "particles", "each generation's effective sample size"},
    {"f", "/fit/acceptance", "1", "each generation's acceptance rate"},
    {"f", "/fit/simulations", "runs", "runs made in each generation"},
    {"f", "/fit/theta", "as the parameter's key", "the particles [generation, particle, parameter]"},
    {"f", "/fit/weight", "1", "the particles' weights [generation, particle], summing to 1 in each generation"},
    {"f", "/fit/distance", "as the distance", "the particles' distances to the observed data [generation, particle]"},
    {"f", "/fit/predictive/observed", "posts per bin", "the observed volume"},
    {"f", "/fit/predictive/volume", "posts per bin", "each predictive run's volume in the observed bins [draw, bin]"},
    {"f", "/fit/predictive/theta", "as the parameter's key", "the particle each predictive run used [draw, parameter]"},
    {"f", "/fit/predictive/band", "posts per bin", "5 %, 50 % and 95 % of the predictive runs' volume per bin [quantile, bin]"},
};

static const char *const counter_units[TC_NCOUNTERS] = {
    "posts per interval", "reshares per interval", "accounts per interval",
    "accounts per interval", "posts per interval"};
static const char *const counter_text[TC_NCOUNTERS] = {
    "original posts of the timeline", "reshares (bots' repeats and reposts included)",
    "accounts using the hashtag for the first time", "accounts seeing the hashtag for the first time",
    "original posts adopters wrote of their own"};

static char kind_letter(const char *kind)
{
    return !strcmp(kind, "run")     ? 'r'
           : !strcmp(kind, "sweep") ? 's'
           : !strcmp(kind, "fit")   ? 'f'
           : !strcmp(kind, "volume") ? 'v'
                                     : 'o';
}

/* A counter of /series: <counter>_human, <counter>_bot, <counter>_by_community. */
static int series_counter(const char *name, const char **units, char *desc, size_t n)
{
    static const char *const suffix[] = {"_human", "_bot", "_by_community"};
    static const char *const whose[] = {
        ", by people (and named accounts), per output interval",
        ", by bots, per output interval",
        ", all classes, per output interval and community [interval, community]"};
    for (int k = 0; k < TC_NCOUNTERS; k++) {
        size_t len = strlen(tc_counter_names[k]);
        if (strncmp(name, tc_counter_names[k], len)) continue;
        for (int s = 0; s < 3; s++)
            if (!strcmp(name + len, suffix[s])) {
                *units = counter_units[k];
                snprintf(desc, n, "%s%s", counter_text[k], whose[s]);
                return 1;
            }
    }
    return 0;
}

int tc_h5doc_lookup(const char *kind, const char *path, const char **units, char *desc,
                    size_t n)
{
    char k = kind_letter(kind);
    /* a sweep's runs keep a run's /series: /runs/<p>/<r>/series/... */
    if (k == 's' && !strncmp(path, "/runs/", 6)) {
        const char *p = strchr(path + 6, '/');
        p = p ? strchr(p + 1, '/') : NULL;
        if (!p) return 0;
        path = p;
    }
    if ((k == 'r' || k == 's') && !strncmp(path, "/series/", 8) &&
        series_counter(path + 8, units, desc, n))
        return 1;
    if (k == 's' && !strncmp(path, "/sweep/params/", 14)) {
        *units = "as the key";
        snprintf(desc, n, "the value of %.200s at each point", path + 14);
        return 1;
    }
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (strchr(rows[i].kinds, k) && !strcmp(rows[i].path, path)) {
            *units = rows[i].units;
            snprintf(desc, n, "%s", rows[i].description);
            return 1;
        }
    return 0;
}
