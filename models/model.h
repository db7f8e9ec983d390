/* The interface every adoption rule implements, and the registry that finds a rule
 * by name. Rules decide; they never schedule, allocate per event or touch the queue.
 * This header is all a rule may see of the simulator. */
#ifndef TC_MODELS_MODEL_H
#define TC_MODELS_MODEL_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#define TC_MODEL_MAXPARAMS 16

/* Account classes, as the engine and the rules see them. */
enum { TC_CLASS_HUMAN = 0, TC_CLASS_BOT = 1, TC_CLASS_HUB = 2 };

typedef enum { TC_PARAM_REAL, TC_PARAM_INT } tc_param_kind;

/* One declared parameter. The scenario loader rejects unknown names and values
 * outside [min, max], naming the file, line, column and this range. */
typedef struct tc_param_spec {
    const char *name;
    tc_param_kind kind;
    double def, min, max;
    const char *unit; /* "" when dimensionless */
    const char *help;
} tc_param_spec;

/* What the engine tells an event rule about one exposure: `dst` sees a post by
 * `src`. The fields after the classes and communities are filled only for rules
 * that ask for them in `uses` (else 0). */
typedef struct tc_exposure {
    int32_t src, dst;
    uint8_t src_class, dst_class;
    uint16_t src_comm, dst_comm;
    int32_t nexp;      /* TC_USES_COUNT: distinct accounts whose posts dst has now seen,
                          this one included (>= 1), counted in time order */
    int32_t followees; /* TC_USES_DEGREE: accounts dst follows (its in-degree) */
    int64_t audience;  /* TC_USES_DEGREE: size of src's audience */
    double theta;      /* TC_USES_THETA: dst's own uniform in (0,1), one per account
                          and run, keyed by (run, account): a threshold's draw */
} tc_exposure;

/* What a rule asks the engine to track (bits of `uses`; a step rule may ask
 * for TC_USES_DEGREE only). */
enum {
    TC_USES_COUNT = 1,  /* distinct exposures per account, played in time order */
    TC_USES_DEGREE = 2, /* followee count of dst and audience size of src; for a
                           step rule, tc_step_view.followees */
    TC_USES_THETA = 4,  /* one uniform per account and run */
    TC_FIXED_BY_CLASS = 8 /* a promise, not a need: adopt_prob depends on par and
                             dst_class only, so the engine may skip ahead over an
                             audience instead of asking edge by edge */
};

/* Which engine runs a rule.
 *   TC_RULE_EVENT: the event engine (continuous time, delays, sessions, bots,
 *     timeline); the rule answers one exposure at a time (adopt_prob).
 *   TC_RULE_STEP: synchronous discrete steps of length time.dt, every account
 *     updated from the states at the start of the step (as graph-tool's
 *     iterate_sync); the rule answers one account at a time (transition). */
typedef enum { TC_RULE_EVENT = 0, TC_RULE_STEP = 1 } tc_rule_engine;

#define TC_STEP_MAXSTATES 8

/* What the step engine tells a step rule about one account at the start of a
 * step: its state, and how many of the accounts it follows (in[k]) and of its
 * followers (out[k]) are in each state k. in[] counts only accounts in states of
 * `push_mask`; out[] is filled only when `needs_out` is set (else zeros), and
 * `followees` only for a rule with TC_USES_DEGREE in `uses` (else 0). */
typedef struct tc_step_view {
    uint8_t state, cls;
    uint16_t comm;
    int32_t followees;
    int64_t audience;
    const int32_t *in;  /* [nstates] */
    const int32_t *out; /* [nstates] */
} tc_step_view;

/* An adoption rule.
 *   name, summary, reference: shown by `tagcascade models` and in the docs.
 *   params[nparams]: declared parameters; the engine hands the resolved values to
 *     the ops as `par`, in this order.
 *   check (optional, may be NULL): cross-parameter checks after range checks;
 *     returns NULL if fine, else a static message saying what is wrong.
 *   engine: which engine runs it (TC_RULE_EVENT or TC_RULE_STEP).
 * Event rules:
 *   uses: TC_USES_* bits, what the exposure must carry.
 *   adopt_prob: probability in [0,1] that this exposure makes dst adopt (and
 *     reshare). Called from many threads at once: must be pure. O(1).
 *   delay (optional, may be NULL): the rule's own reshare delay in seconds, drawn
 *     from `r` (a keyed stream); when set it replaces the population's delay.
 * Step rules:
 *   uses: TC_USES_DEGREE to read tc_step_view.followees (counting them costs a
 *     pass over the graph at the start of every run), else 0.
 *   nstates, state_names: the compartments; state 0 is where every account starts.
 *   seed_state: the state a timeline post puts its author in.
 *   push_mask: bit k set if accounts in state k reach their followers (in[k]).
 *   adopt_mask: bit k set if entering state k counts as using the hashtag
 *     (a reshare in the series, an adopter in the reach).
 *   live_mask: bit k set if an account in state k can change with no contact
 *     (recovery, incubation): the engine visits those every step.
 *   needs_out: fill tc_step_view.out.
 *   contact_mask: bit k set if the transition from state k reads in[] (0: every
 *     state's may). A contact with an account in another state that was
 *     already exposed changes nothing, and the engine passes over it.
 *   transition: the account's state after this step, drawing from `r` (a stream
 *     keyed by run, step and account). Pure apart from `r`. O(nstates).
 *   per_contact (optional promise, 0 when not made): the rule has one push state;
 *     contact_mask is the one state contact_from; an account there that n
 *     accounts reach moves to contact_to with probability
 *     1 - (1 - par[contact_param])^n, whatever its class and community, and
 *     stays otherwise; the states' other transitions read no contacts. Each
 *     contact is then a Bernoulli draw of its own, and the engine may skip ahead
 *     over an audience to the contacts that take (engine.fast_path).
 */
typedef struct tc_model_type {
    const char *name;
    const char *summary;
    const char *reference;
    const tc_param_spec *params;
    int nparams;
    const char *(*check)(const double *par);
    tc_rule_engine engine;
    /* event rules (and step rules, for TC_USES_DEGREE) */
    unsigned uses;
    double (*adopt_prob)(const double *par, const tc_exposure *x);
    double (*delay)(const double *par, gsl_rng *r);
    /* step rules */
    int nstates;
    const char *const *state_names;
    uint8_t seed_state;
    unsigned push_mask, adopt_mask, live_mask;
    int needs_out;
    unsigned contact_mask;
    uint8_t (*transition)(const double *par, const tc_step_view *v, gsl_rng *r);
    int per_contact;
    int contact_param;
    uint8_t contact_from, contact_to;
} tc_model_type;

/* The registry: a static table, NULL-terminated. */
extern const tc_model_type *const tc_model_table[];

/* The rule called `name`, or NULL. */
const tc_model_type *tc_model_find(const char *name);

/* Index of parameter `name` in `m`, or -1. */
int tc_model_param_index(const tc_model_type *m, const char *name);

#endif
