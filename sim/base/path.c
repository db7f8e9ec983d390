/* Checked paths: regular-file inputs, outputs that are not inputs, private
 * files opened without following links. */
#include "base/path.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m)) return "a folder";
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    if (S_ISSOCK(m)) return "a socket";
    return "not a regular file";
}

static int check(const char *path, const char *what, int dir_ok, tc_err *err)
{
    struct stat st;
    const char *w = what ? what : "input";
    if (stat(path, &st) != 0) {
        tc_err_set(err, TC_EINPUT, "%s: cannot open: %s", path, strerror(errno));
        return TC_EINPUT;
    }
    if (S_ISREG(st.st_mode) || (dir_ok && S_ISDIR(st.st_mode))) return TC_OK;
    tc_err_set(err, TC_EINPUT, "%s: the %s is %s; expected a regular file%s", path, w,
               kind_of(st.st_mode), dir_ok ? " or a folder" : "");
    return TC_EINPUT;
}

int tc_path_check_input(const char *path, const char *what, tc_err *err)
{
    return check(path, what, 0, err);
}

int tc_path_check_input_or_dir(const char *path, const char *what, tc_err *err)
{
    return check(path, what, 1, err);
}

FILE *tc_path_open_input(const char *path, const char *what, tc_err *err)
{
    if (check(path, what, 0, err) != TC_OK) return NULL;
    /* O_NONBLOCK: should a FIFO be swapped in after the check, open does not wait
     * for a writer; the fstat below then refuses it */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        tc_err_set(err, TC_EINPUT, "%s: cannot open the %s%s%s", path, what ? what : "input",
                   fd < 0 ? ": " : " as a regular file", fd < 0 ? strerror(errno) : "");
        if (fd >= 0) close(fd);
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        tc_err_set(err, TC_ERUNTIME, "%s: cannot open: %s", path, strerror(errno));
    }
    return f;
}

int tc_path_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (!a || !b || stat(a, &sa) != 0 || stat(b, &sb) != 0) return 0;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int tc_path_check_output(const char *out, const char *const *in, int n, tc_err *err)
{
    for (int i = 0; i < n; i++)
        if (tc_path_same_file(out, in[i])) {
            tc_err_set(err, TC_EINPUT, "%s: the output is the input %s; refusing to overwrite it "
                       "(choose another output)", out, in[i]);
            return TC_EINPUT;
        }
    return TC_OK;
}

int tc_path_open_private(const char *path, int flags, mode_t mode, tc_err *err)
{
    int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, mode);
    if (fd < 0) {
        if (errno == ELOOP)
            tc_err_set(err, TC_EINPUT, "%s: is a symbolic link; refusing to follow it", path);
        else
            tc_err_set(err, TC_EINPUT, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    const char *why = NULL;
    if (fstat(fd, &st) != 0) why = "cannot be examined";
    else if (!S_ISREG(st.st_mode)) why = "is not a regular file";
    else if (st.st_uid != geteuid()) why = "is owned by another user";
    if (why) {
        close(fd);
        tc_err_set(err, TC_EINPUT, "%s: %s; refusing to use it", path, why);
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}
