/* Paths from the command line and from files: inputs must be regular files
 * (a FIFO, a device or a folder would block or spin), an output must not be
 * one of the inputs, and a journal is never reached through a symbolic link. */
#ifndef TC_SIM_PATH_H
#define TC_SIM_PATH_H

#include <stdio.h>
#include <sys/types.h>

#include "base/err.h"

/* TC_OK when `path` names a regular file (symbolic links followed); else
 * TC_EINPUT naming the path, what it is and that a regular file was expected.
 * `what` (may be NULL) says what the file is for ("graph file"). */
int tc_path_check_input(const char *path, const char *what, tc_err *err);

/* The same for a file or a folder (the importer walks folders). */
int tc_path_check_input_or_dir(const char *path, const char *what, tc_err *err);

/* Open `path` for reading after tc_path_check_input, then check that what was
 * opened is the regular file checked (not swapped in between). NULL with
 * `err` set on failure. */
FILE *tc_path_open_input(const char *path, const char *what, tc_err *err);

/* 1 when `a` and `b` name the same existing file (same device and inode, links
 * followed), else 0. */
int tc_path_same_file(const char *a, const char *b);

/* TC_EINPUT when the output `out` is the same file as any of the n inputs
 * `in` (the command would overwrite its own input), naming both. */
int tc_path_check_output(const char *out, const char *const *in, int n, tc_err *err);

/* Open (flags as open(2), O_NOFOLLOW added; mode for O_CREAT) a file that the
 * program keeps between runs, such as a sweep journal: refused (TC_EINPUT) when
 * it is a symbolic link, not a regular file, or owned by another user. Returns
 * the descriptor, or -1 with `err` set. */
int tc_path_open_private(const char *path, int flags, mode_t mode, tc_err *err);

#endif
