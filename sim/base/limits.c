/* The names of the enums of base/limits.h, as files and options write them. */
#include "base/limits.h"

#include <stddef.h>

const char *const tc_direction_names[] = {"follows", "flows", NULL};
