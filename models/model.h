/* The interface every adoption rule implements, and the registry that finds a rule
 * by name. Rules decide; they never schedule, allocate per event or touch the queue.
 * This header is all a rule may see of the simulator. */
#ifndef TC_MODELS_MODEL_H
#define TC_MODELS_MODEL_H

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

/* What the engine tells a rule about one exposure: `dst` sees a post by `src`. */
typedef struct tc_exposure {
    int32_t src, dst;
    uint8_t src_class, dst_class;
    uint16_t src_comm, dst_comm;
} tc_exposure;

/* An adoption rule.
 *   name, summary, reference: shown by `tagcascade models` and in the docs.
 *   params[nparams]: declared parameters; the engine hands the resolved values to
 *     the ops as `par`, in this order.
 *   check (optional, may be NULL): cross-parameter checks after range checks;
 *     returns NULL if fine, else a static message saying what is wrong.
 *   adopt_prob: probability in [0,1] that this exposure makes dst adopt (and
 *     reshare). Called from many threads at once: must be pure. O(1).
 */
typedef struct tc_model_type {
    const char *name;
    const char *summary;
    const char *reference;
    const tc_param_spec *params;
    int nparams;
    const char *(*check)(const double *par);
    double (*adopt_prob)(const double *par, const tc_exposure *x);
} tc_model_type;

/* The registry: a static table, NULL-terminated. */
extern const tc_model_type *const tc_model_table[];

/* The rule called `name`, or NULL. */
const tc_model_type *tc_model_find(const char *name);

/* Index of parameter `name` in `m`, or -1. */
int tc_model_param_index(const tc_model_type *m, const char *name);

#endif
