/* Progress of long work on standard error: a bar redrawn in place on a
 * terminal, or, for batch logs (Slurm, mpirun, a file), one plain line at each
 * new tenth of the work and at least every minute, with the rate and the time
 * left. `--progress auto|bar|lines|none`; auto is the bar on a terminal. */
#ifndef TC_SIM_METER_H
#define TC_SIM_METER_H

typedef enum { TC_METER_AUTO, TC_METER_BAR, TC_METER_LINES, TC_METER_NONE } tc_meter_mode;
extern const char *const tc_meter_mode_names[]; /* "auto", "bar", "lines", "none", NULL */

typedef struct tc_meter {
    tc_meter_mode mode; /* resolved: bar, lines or none */
    double t0, last;    /* when it started, when it last printed */
    int tenth;          /* lines: the last tenth printed (-1: none) */
    int drawn;          /* bar: a bar is on the line */
} tc_meter;

/* Start at the time now; auto becomes bar when standard error is a terminal,
 * lines otherwise. */
void tc_meter_start(tc_meter *m, tc_meter_mode mode);

/* The work is `frac` (0 to 1) done; `what` says what is counted, e.g. "120/200
 * runs". Prints when due (bar: at most 5 times a second), else nothing. */
void tc_meter_show(tc_meter *m, double frac, const char *what);

/* Whether tc_meter_show would print at `frac` now: lets a caller skip making
 * `what` when nothing would be printed. */
int tc_meter_due(const tc_meter *m, double frac);

/* The last word: the bar drawn at `frac` and its line ended; a line when the
 * last one printed was not at this point. */
void tc_meter_end(tc_meter *m, double frac, const char *what);

#endif
