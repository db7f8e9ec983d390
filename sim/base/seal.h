/* The seal of a file the program writes: its first 512 bytes (an HDF5 user
 * block, which HDF5 leaves to the application) hold the file's size and the
 * CRC-32 of everything after them, checked before HDF5 parses a byte. HDF5
 * reads damaged metadata without checksums and can crash or loop on it; a cut
 * short, appended to or damaged file is then a message instead. */
#ifndef TC_SIM_SEAL_H
#define TC_SIM_SEAL_H

#include "base/err.h"

/* Bytes the seal takes at the start of the file: the user block to reserve
 * (H5Pset_userblock) when the file is created. */
#define TC_SEAL_BYTES 512

/* Write the seal of the closed file `path` (`shown` names it in messages),
 * whose first TC_SEAL_BYTES bytes were reserved. `what` is the first line of
 * the seal ("graph store", "run", ...). O(file size). */
int tc_seal_write(const char *path, const char *shown, const char *what, tc_err *err);

/* Check the seal of `path` before HDF5 opens it. A file that begins with
 * HDF5's own signature has no seal (made by another program, or by an earlier
 * version) and passes: its reader then relies on the checked reads alone.
 * TC_EINPUT naming the file when the seal does not match ("damaged NOUN: …",
 * size or checksum), or when it is neither sealed nor HDF5 ("not a tagcascade
 * NOUN", *sealed = -1). *sealed (may be NULL) is 1 for a sealed file, 0 for an
 * unsealed HDF5 file. `noun`: "store", "file". O(file size). */
int tc_seal_check(const char *path, const char *noun, int *sealed, tc_err *err);

#endif
