/* The memory room of this process: MemAvailable, RLIMIT_AS, RLIMIT_DATA and the
 * cgroup (v2 memory.max, v1 memory.limit_in_bytes), whichever is smallest. */
#include "base/mem.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

/* A number from the first line of a file, or -1 ("max", missing, unreadable). */
static double read_number(const char *path)
{
    FILE *f = fopen(path, "r");
    double v = -1;
    if (!f) return -1;
    char line[64];
    if (fgets(line, sizeof line, f) && strncmp(line, "max", 3) != 0 &&
        sscanf(line, "%lf", &v) != 1)
        v = -1;
    fclose(f);
    return v;
}

/* The value of `key` (in kB) in a /proc file of "Key:   N kB" lines, in bytes;
 * -1 if absent. */
static double proc_kb(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    double v = -1, kb;
    if (!f) return -1;
    char line[256], fmt[64];
    snprintf(fmt, sizeof fmt, "%s: %%lf kB", key);
    while (fgets(line, sizeof line, f))
        if (sscanf(line, fmt, &kb) == 1) {
            v = kb * 1024.0;
            break;
        }
    fclose(f);
    return v;
}

/* The room under the cgroup's memory limit: limit - usage, or -1 if none. The
 * cgroup is found in /proc/self/cgroup; inside a container whose /sys/fs/cgroup
 * shows the process's own group at its root, the root's files are read. */
static double cgroup_room(void)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    char line[1024], v2[1024] = "", v1[1024] = "";
    if (!f) return -1;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!strncmp(line, "0::", 3)) snprintf(v2, sizeof v2, "%s", line + 3);
        char *m = strstr(line, ":memory:");
        if (m) snprintf(v1, sizeof v1, "%s", m + 8);
    }
    fclose(f);
    static const double unlimited = 4.0e18; /* v1 writes 2^63 rounded down to a page */
    char p[1200];
    double lim = -1, use = -1;
    if (v1[0]) {
        snprintf(p, sizeof p, "/sys/fs/cgroup/memory%s/memory.limit_in_bytes", v1);
        lim = read_number(p);
        snprintf(p, sizeof p, "/sys/fs/cgroup/memory%s/memory.usage_in_bytes", v1);
        use = read_number(p);
        if (lim < 0) {
            lim = read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes");
            use = read_number("/sys/fs/cgroup/memory/memory.usage_in_bytes");
        }
    } else if (v2[0]) {
        snprintf(p, sizeof p, "/sys/fs/cgroup%s/memory.max", v2);
        lim = read_number(p);
        snprintf(p, sizeof p, "/sys/fs/cgroup%s/memory.current", v2);
        use = read_number(p);
        if (lim < 0) {
            lim = read_number("/sys/fs/cgroup/memory.max");
            use = read_number("/sys/fs/cgroup/memory.current");
        }
    }
    if (lim < 0 || lim >= unlimited) return -1;
    double room = lim - (use > 0 ? use : 0);
    return room > 0 ? room : 0;
}

/* Room under an rlimit: its soft limit less what `key` of /proc/self/status says
 * is in use; -1 if unlimited. */
static double rlimit_room(int resource, const char *key)
{
    struct rlimit rl;
    if (getrlimit(resource, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return -1;
    double used = proc_kb("/proc/self/status", key);
    double room = (double)rl.rlim_cur - (used > 0 ? used : 0);
    return room > 0 ? room : 0;
}

tc_mem_room tc_mem_room_now(void)
{
    tc_mem_room r = {-1, "MemAvailable"};
    double avail = proc_kb("/proc/meminfo", "MemAvailable");
    if (avail >= 0) r.bytes = avail;
    struct {
        double room;
        const char *limit;
    } bound[3] = {
        {rlimit_room(RLIMIT_AS, "VmSize"), "ulimit -v"},
        {rlimit_room(RLIMIT_DATA, "VmData"), "ulimit -d"},
        {cgroup_room(), "the cgroup's memory limit"},
    };
    for (int i = 0; i < 3; i++)
        if (bound[i].room >= 0 && (r.bytes < 0 || bound[i].room < r.bytes)) {
            r.bytes = bound[i].room;
            r.limit = bound[i].limit;
        }
    return r;
}

int tc_mem_check(double need, const char *what, tc_err *err)
{
    tc_mem_room r = tc_mem_room_now();
    if (r.bytes >= 0 && need > 0.9 * r.bytes) {
        tc_err_set(err, TC_EINPUT, "%s: needs about %.2f GB of memory; %.2f GB are available (%s)",
                   what, need / 1e9, r.bytes / 1e9, r.limit);
        return TC_EINPUT;
    }
    return TC_OK;
}
