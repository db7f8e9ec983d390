/* `tagcascade summary|export|merge|import`: the commands that read files the
 * program wrote (or observed cascades) and write tables or files, kept beside
 * cli.c, in the program only. */
#ifndef TC_SIM_CLI_FILES_H
#define TC_SIM_CLI_FILES_H

#include "base/err.h"

/* argv[0] is the command's name; each returns the exit code (0, 1 runtime
 * failure, 2 bad input); `command` is the whole command line, for provenance. */
int tc_cli_summary(int argc, char **argv);
int tc_cli_export(int argc, char **argv);
int tc_cli_merge(int argc, char **argv, const char *command);
int tc_cli_import(int argc, char **argv, const char *command);

/* rc, after printing "tagcascade: MESSAGE" on stderr when it is an error. */
int tc_cli_report(int rc, const tc_err *err);

#endif
