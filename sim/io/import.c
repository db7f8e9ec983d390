/* Parsers for observed cascades, a string-keyed account table, and the keep-the-
 * first-parent tree building shared by both formats. */
#include "io/import.h"

#include <errno.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/path.h"

/* ------------------------------------------------------------------ string map */

typedef struct {
    char **key;
    int32_t *val;
    size_t cap, n;
} strmap;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

static void map_clear(strmap *m)
{
    for (size_t i = 0; i < m->cap; i++) free(m->key[i]);
    free(m->key);
    free(m->val);
    memset(m, 0, sizeof *m);
}

static int32_t *map_slot(strmap *m, const char *k, int *found);

static void map_grow(strmap *m)
{
    strmap old = *m;
    m->cap = old.cap ? 2 * old.cap : 64;
    m->n = 0;
    m->key = tc_xcalloc(m->cap, sizeof *m->key);
    m->val = tc_xcalloc(m->cap, sizeof *m->val);
    for (size_t i = 0; i < old.cap; i++)
        if (old.key[i]) {
            size_t j = hash_str(old.key[i]) & (m->cap - 1);
            while (m->key[j]) j = (j + 1) & (m->cap - 1);
            m->key[j] = old.key[i];
            m->val[j] = old.val[i];
            m->n++;
        }
    free(old.key);
    free(old.val);
}

/* The value slot for key k, inserted (value -1) when absent. */
static int32_t *map_slot(strmap *m, const char *k, int *found)
{
    if (2 * (m->n + 1) > m->cap) map_grow(m);
    size_t j = hash_str(k) & (m->cap - 1);
    while (m->key[j]) {
        if (!strcmp(m->key[j], k)) {
            *found = 1;
            return &m->val[j];
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->key[j] = tc_xstrdup(k);
    m->val[j] = -1;
    m->n++;
    *found = 0;
    return &m->val[j];
}

/* ------------------------------------------------------------------ observed */

static int32_t account_id(tc_observed *o, strmap *accounts, const char *name)
{
    int found;
    int32_t *v = map_slot(accounts, name, &found);
    if (!found) {
        TC_GROW(o->names, o->cap_acc, o->naccounts + 1, 1024);
        o->names[o->naccounts] = tc_xstrdup(name);
        *v = o->naccounts++;
    }
    return *v;
}

/* One file's nodes: a node is an account; parent = the first parent met. */
typedef struct {
    int64_t n, cap;
    int32_t *acct;   /* global account id */
    int64_t *parent; /* local index, -1 unknown */
    double *t;
    uint8_t *placed; /* has a parent (or is the root) */
    strmap local;    /* name -> local index */
    int64_t root;    /* local index of the root, -1 if none */
} nodeset;

static int64_t node_get(nodeset *s, tc_observed *o, strmap *accounts, const char *name)
{
    int found;
    int32_t *v = map_slot(&s->local, name, &found);
    if (found) return *v;
    if (s->n == s->cap) {
        s->cap = tc_grow_cap(s->cap, s->n + 1, 256);
        s->acct = tc_xrealloc(s->acct, (size_t)s->cap * sizeof *s->acct);
        s->parent = tc_xrealloc(s->parent, (size_t)s->cap * sizeof *s->parent);
        s->t = tc_xrealloc(s->t, (size_t)s->cap * sizeof *s->t);
        s->placed = tc_xrealloc(s->placed, (size_t)s->cap);
    }
    s->acct[s->n] = account_id(o, accounts, name);
    s->parent[s->n] = -1;
    s->t[s->n] = 0;
    s->placed[s->n] = 0;
    *v = (int32_t)s->n;
    return s->n++;
}

static void nodeset_reset(nodeset *s)
{
    map_clear(&s->local);
    s->n = 0;
    s->root = -1;
}

static void nodeset_free(nodeset *s)
{
    map_clear(&s->local);
    free(s->acct);
    free(s->parent);
    free(s->t);
    free(s->placed);
}

/* Add the cascade of the n local nodes inv[0 .. n) of s, inv[0] its root and
 * the others in local order: statistics over the nodes reachable from the root,
 * events for its reshares. map[] is scratch of s->n entries, -1 outside this
 * call. O(n log n): a file of many cascades is imported in time linear in its
 * size (up to the logarithm of the sort by time). */
static void add_cascade(tc_observed *o, const nodeset *s, const int64_t *inv, int64_t n,
                        int64_t *map, const char *label, const char *veracity)
{
    int64_t root = inv[0];
    int64_t *par = tc_xmalloc((size_t)n * sizeof *par);
    double *t = tc_xmalloc((size_t)n * sizeof *t);
    int32_t *depth = tc_xmalloc((size_t)n * sizeof *depth);
    for (int64_t k = 0; k < n; k++) map[inv[k]] = k;
    for (int64_t k = 0; k < n; k++) {
        int64_t i = inv[k], p = s->parent[i];
        par[k] = k == 0 || p < 0 || map[p] < 0 ? -1 : map[p];
        t[k] = s->t[i] - s->t[root];
        if (t[k] < 0) t[k] = 0; /* a reshare before its root: at the root's time */
    }
    if (o->ncasc == o->cap_casc) {
        o->cap_casc = tc_grow_cap(o->cap_casc, o->ncasc + 1, 256);
        size_t c = (size_t)o->cap_casc;
        o->author = tc_xrealloc(o->author, c * sizeof *o->author);
        o->label = tc_xrealloc(o->label, c * sizeof *o->label);
        o->veracity = tc_xrealloc(o->veracity, c * sizeof *o->veracity);
        o->stats = tc_xrealloc(o->stats, c * sizeof *o->stats);
    }
    int32_t c = o->ncasc++;
    o->author[c] = s->acct[root];
    o->label[c] = tc_xstrdup(label);
    o->veracity[c] = tc_xstrdup(veracity);
    tc_cascade_tree_stats(n, par, t, NULL, &o->stats[c], depth);
    for (int64_t k = 1; k < n; k++) {
        if (depth[k] < 1) continue;
        if (s->t[inv[k]] < s->t[root]) o->negative_delays++;
        if (o->nev == o->cap_ev) {
            o->cap_ev = tc_grow_cap(o->cap_ev, o->nev + 1, 4096);
            size_t e = (size_t)o->cap_ev;
            o->t = tc_xrealloc(o->t, e * sizeof *o->t);
            o->account = tc_xrealloc(o->account, e * sizeof *o->account);
            o->parent = tc_xrealloc(o->parent, e * sizeof *o->parent);
            o->root = tc_xrealloc(o->root, e * sizeof *o->root);
            o->depth = tc_xrealloc(o->depth, e * sizeof *o->depth);
        }
        o->t[o->nev] = t[k];
        o->account[o->nev] = s->acct[inv[k]];
        o->parent[o->nev] = s->acct[inv[par[k]]];
        o->root[o->nev] = c;
        o->depth[o->nev] = depth[k];
        o->nev++;
    }
    for (int64_t k = 0; k < n; k++) map[inv[k]] = -1;
    free(par);
    free(t);
    free(depth);
}

/* Scratch of n entries set to -1 (add_cascade's map). */
static int64_t *unmapped(int64_t n)
{
    int64_t *m = tc_xmalloc((size_t)(n ? n : 1) * sizeof *m);
    for (int64_t i = 0; i < n; i++) m[i] = -1;
    return m;
}

void tc_observed_destroy(tc_observed *o)
{
    if (!o) return;
    for (int32_t i = 0; i < o->naccounts; i++) free(o->names[i]);
    for (int32_t i = 0; i < o->ncasc; i++) free(o->label[i]), free(o->veracity[i]);
    free(o->names);
    free(o->author);
    free(o->label);
    free(o->veracity);
    free(o->stats);
    free(o->t);
    free(o->account);
    free(o->parent);
    free(o->root);
    free(o->depth);
    memset(o, 0, sizeof *o);
}

/* ------------------------------------------------------------------ Twitter15/16 */

/* Parse "['a', 'b', '1.5']" at *p into three fields; advances *p. */
static int parse_triple(const char **p, char f[3][64])
{
    const char *s = *p;
    while (*s == ' ') s++;
    if (*s++ != '[') return -1;
    for (int i = 0; i < 3; i++) {
        while (*s == ' ') s++;
        if (*s != '\'' && *s != '"') return -1;
        char q = *s++;
        const char *e = strchr(s, q);
        if (!e || e - s >= 64) return -1;
        memcpy(f[i], s, (size_t)(e - s));
        f[i][e - s] = '\0';
        s = e + 1;
        while (*s == ' ') s++;
        if (i < 2 && *s++ != ',') return -1;
    }
    if (*s++ != ']') return -1;
    *p = s;
    return 0;
}

static int parse_tree_line(const char *line, char a[3][64], char b[3][64], double *delay)
{
    const char *p = line;
    if (parse_triple(&p, a)) return -1;
    if (strncmp(p, "->", 2)) return -1;
    p += 2;
    if (parse_triple(&p, b)) return -1;
    while (*p == ' ' || *p == '\r' || *p == '\n') p++;
    if (*p) return -1;
    char *end;
    errno = 0;
    *delay = strtod(b[2], &end);
    if (*end || errno || !isfinite(*delay)) return -1;
    return 0;
}

typedef struct {
    char **v;
    int64_t n, cap;
} pathlist;

static void pathlist_add(pathlist *l, const char *path)
{
    TC_GROW(l->v, l->cap, l->n + 1, 1024);
    l->v[l->n++] = tc_xstrdup(path);
}

/* Files named <something>.txt inside a folder called tree, below `dir`. */
static int walk(pathlist *l, const char *dir, int in_tree, int depth, tc_err *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        tc_err_set(err, TC_EINPUT, "%s: cannot list: %s", dir, strerror(errno));
        return TC_EINPUT;
    }
    int rc = TC_OK;
    struct dirent *e;
    while (rc == TC_OK && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0) continue;
        size_t len = strlen(e->d_name);
        if (S_ISDIR(st.st_mode) && depth < 32)
            rc = walk(l, path, !strcmp(e->d_name, "tree"), depth + 1, err);
        else if (S_ISREG(st.st_mode) && in_tree && len > 4 && !strcmp(e->d_name + len - 4, ".txt"))
            pathlist_add(l, path);
    }
    closedir(d);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect(pathlist *l, const char *path, tc_err *err)
{
    struct stat st;
    if (tc_path_check_input_or_dir(path, "cascade file", err) != TC_OK) return TC_EINPUT;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        const char *base = strrchr(path, '/');
        return walk(l, path, !strcmp(base ? base + 1 : path, "tree"), 0, err);
    }
    pathlist_add(l, path);
    return TC_OK;
}

/* label.txt beside the tree/ folder of `path`, read once per folder. */
static void load_labels(const char *path, char *loaded_dir, size_t dl, strmap *labels,
                        char ***values, int32_t *nvalues)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    else snprintf(dir, sizeof dir, ".");
    slash = strrchr(dir, '/');
    if (slash && !strcmp(slash, "/tree")) *slash = '\0';
    else if (!strcmp(dir, "tree")) snprintf(dir, sizeof dir, ".");
    if (!strcmp(dir, loaded_dir)) return;
    snprintf(loaded_dir, dl, "%s", dir);
    char lp[4200];
    snprintf(lp, sizeof lp, "%s/label.txt", dir);
    FILE *f = tc_path_open_input(lp, "label file", NULL); /* optional: absent, or not a file */
    if (!f) return;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *colon = strchr(line, ':');
        if (!colon) continue;
        *colon = '\0';
        int found;
        int32_t *v = map_slot(labels, colon + 1, &found);
        *values = tc_xrealloc(*values, (size_t)(*nvalues + 1) * sizeof **values);
        (*values)[*nvalues] = tc_xstrdup(line);
        *v = (*nvalues)++;
    }
    fclose(f);
}

static uint64_t pair_hash(const char *a, const char *b)
{
    return hash_str(a) * 0x9e3779b97f4a7c15ULL ^ hash_str(b);
}

int tc_import_twitter1516(tc_observed *o, const char *const *paths, int npaths, tc_err *err)
{
    int rc = TC_OK;
    pathlist files = {0};
    strmap accounts = {0}, labels = {0}, edges = {0};
    nodeset s = {.root = -1};
    char **labvals = NULL, loaded_dir[4096] = "\x01", *line = NULL;
    int32_t nlab = 0;
    size_t cap = 0;

    memset(o, 0, sizeof *o);
    o->source = TC_SRC_TWITTER1516;
    for (int i = 0; i < npaths; i++) TC_TRY(collect(&files, paths[i], err));
    if (!files.n) TC_FAIL(TC_EINPUT, "no tree/<id>.txt files under the given paths");
    qsort(files.v, files.n, sizeof *files.v, cmp_str);
    for (int64_t fi = 0; fi < files.n; fi++) {
        const char *path = files.v[fi];
        FILE *f = tc_path_open_input(path, "cascade file", err);
        if (!f) TC_TRY(TC_EINPUT); /* err says why */
        o->files++;
        load_labels(path, loaded_dir, sizeof loaded_dir, &labels, &labvals, &nlab);
        nodeset_reset(&s);
        map_clear(&edges);
        ssize_t got;
        while ((got = getline(&line, &cap, f)) > 0) {
            char a[3][64], b[3][64];
            double delay;
            if (strspn(line, " \t\r\n") == (size_t)got) continue;
            if (parse_tree_line(line, a, b, &delay)) {
                o->malformed_lines++;
                continue;
            }
            char hk[24];
            snprintf(hk, sizeof hk, "%016llx", (unsigned long long)pair_hash(a[0], b[0]));
            int dup;
            map_slot(&edges, hk, &dup);
            if (dup) {
                o->duplicate_edges++;
                continue;
            }
            if (!strcmp(a[0], "ROOT")) {
                if (s.root >= 0) {
                    o->multi_parent_children++;
                    continue;
                }
                if (delay < 0) {
                    o->negative_delays++;
                    delay = 0;
                }
                s.root = node_get(&s, o, &accounts, b[0]);
                s.placed[s.root] = 1;
                s.t[s.root] = delay * 60.0;
                continue;
            }
            int64_t c = node_get(&s, o, &accounts, b[0]);
            if (s.placed[c] || !strcmp(a[0], b[0])) {
                o->multi_parent_children++;
                continue;
            }
            if (delay < 0) { /* only for edges kept: the count says what was changed */
                o->negative_delays++;
                delay = 0;
            }
            int64_t p = node_get(&s, o, &accounts, a[0]);
            s.placed[c] = 1;
            s.parent[c] = p;
            s.t[c] = delay * 60.0;
        }
        fclose(f);
        if (s.root < 0) {
            o->empty_cascades++;
            continue;
        }
        const char *base = strrchr(path, '/');
        char id[256];
        snprintf(id, sizeof id, "%s", base ? base + 1 : path);
        size_t idlen = strlen(id);
        if (idlen > 4 && !strcmp(id + idlen - 4, ".txt")) id[idlen - 4] = '\0';
        int found;
        int32_t *lv = map_slot(&labels, id, &found);
        /* the root first, then every node in local order */
        int64_t *inv = tc_xmalloc((size_t)s.n * sizeof *inv), *map = unmapped(s.n);
        inv[0] = s.root;
        for (int64_t i = 0, k = 1; i < s.n; i++)
            if (i != s.root) inv[k++] = i;
        add_cascade(o, &s, inv, s.n, map, id, found && *lv >= 0 ? labvals[*lv] : "");
        free(inv);
        free(map);
        o->unreachable_nodes += o->stats[o->ncasc - 1].unreachable;
    }
cleanup:
    free(line);
    nodeset_free(&s);
    map_clear(&accounts);
    map_clear(&labels);
    map_clear(&edges);
    for (int32_t i = 0; i < nlab; i++) free(labvals[i]);
    free(labvals);
    for (int64_t i = 0; i < files.n; i++) free(files.v[i]);
    free(files.v);
    if (rc) tc_observed_destroy(o);
    return rc;
}

/* ------------------------------------------------------------------ CSV */

/* The cascades of one CSV file: every node goes to the root it descends from
 * (found once, following parents with the answers kept), then each root's
 * nodes make its cascade. Nodes that descend from no root (a parent never seen
 * as a node with a time, or a cycle) are counted as unreachable. O(nodes). */
static void add_csv_cascades(tc_observed *o, nodeset *s, const int64_t *roots, int64_t nroots,
                             const char *base)
{
    int64_t n = s->n;
    /* owner[i]: root index r of node i; -1 none; -2 not known yet; -3 on the path */
    int64_t *owner = tc_xmalloc((size_t)(n ? n : 1) * sizeof *owner);
    int64_t *path = tc_xmalloc((size_t)(n ? n : 1) * sizeof *path);
    for (int64_t i = 0; i < n; i++) owner[i] = -2;
    for (int64_t r = 0; r < nroots; r++) owner[roots[r]] = r;
    for (int64_t i = 0; i < n; i++) {
        int64_t len = 0, v = i, r;
        while (owner[v] == -2) {
            owner[v] = -3;
            path[len++] = v;
            int64_t p = s->parent[v];
            if (p < 0) break;
            v = p;
        }
        r = owner[v] >= 0 ? owner[v] : -1; /* -3: a cycle, or a node without a parent */
        while (len) owner[path[--len]] = r;
    }
    /* members of each root, by a counting sort: root first, then in local order */
    int64_t *first = tc_xcalloc((size_t)nroots + 1, sizeof *first);
    for (int64_t i = 0; i < n; i++)
        if (owner[i] >= 0) first[owner[i] + 1]++;
    for (int64_t r = 0; r < nroots; r++) first[r + 1] += first[r];
    int64_t *members = tc_xmalloc((size_t)(first[nroots] ? first[nroots] : 1) * sizeof *members);
    int64_t *fill = tc_xmalloc((size_t)(nroots ? nroots : 1) * sizeof *fill);
    for (int64_t r = 0; r < nroots; r++) {
        members[first[r]] = roots[r];
        fill[r] = first[r] + 1;
    }
    for (int64_t i = 0; i < n; i++)
        if (owner[i] >= 0 && i != roots[owner[i]]) members[fill[owner[i]]++] = i;
    int64_t *map = unmapped(n), reached = 0;
    for (int64_t r = 0; r < nroots; r++) {
        char label[300];
        if (nroots == 1) snprintf(label, sizeof label, "%s", base);
        else snprintf(label, sizeof label, "%s#%lld", base, (long long)r + 1);
        add_cascade(o, s, members + first[r], first[r + 1] - first[r], map, label, "");
        reached += 1 + o->stats[o->ncasc - 1].size;
    }
    o->unreachable_nodes += n - reached;
    free(map);
    free(fill);
    free(members);
    free(first);
    free(path);
    free(owner);
}

int tc_import_csv(tc_observed *o, const char *const *paths, int npaths, tc_err *err)
{
    int rc = TC_OK;
    strmap accounts = {0};
    nodeset s = {.root = -1};
    char *line = NULL;
    size_t cap = 0;
    int64_t *roots = NULL, nroots = 0, rcap = 0;
    FILE *f = NULL;

    memset(o, 0, sizeof *o);
    o->source = TC_SRC_CSV;
    for (int fi = 0; fi < npaths; fi++) {
        const char *path = paths[fi];
        f = tc_path_open_input(path, "CSV file", err);
        if (!f) TC_TRY(TC_EINPUT); /* err says why */
        o->files++;
        nodeset_reset(&s);
        nroots = 0;
        ssize_t got = getline(&line, &cap, f);
        if (got <= 0) TC_FAIL(TC_EINPUT, "%s:1:1: empty file: expected the header time,account,parent", path);
        line[strcspn(line, "\r\n")] = '\0';
        if (strcmp(line, "time,account,parent"))
            TC_FAIL(TC_EINPUT, "%s:1:1: expected the header time,account,parent, got \"%.60s\"",
                    path, line);
        int64_t lineno = 1;
        while ((got = getline(&line, &cap, f)) > 0) {
            lineno++;
            line[strcspn(line, "\r\n")] = '\0';
            if (!line[0]) continue;
            char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
            char *end;
            double t = c1 && c1 > line ? strtod(line, &end) : NAN; /* an empty time is malformed */
            if (!c2 || strchr(c2 + 1, ',') || !isfinite(t) || end != c1 || c2 == c1 + 1) {
                o->malformed_lines++;
                continue;
            }
            *c1 = *c2 = '\0';
            const char *acc = c1 + 1, *par = c2 + 1;
            int64_t c = node_get(&s, o, &accounts, acc);
            if (s.placed[c] || !strcmp(acc, par)) {
                o->multi_parent_children++;
                continue;
            }
            s.placed[c] = 1;
            s.t[c] = t;
            if (!*par) {
                TC_GROW(roots, rcap, nroots + 1, 16);
                roots[nroots++] = c;
            } else {
                s.parent[c] = node_get(&s, o, &accounts, par);
            }
        }
        fclose(f);
        f = NULL;
        if (!nroots) o->empty_cascades++;
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        add_csv_cascades(o, &s, roots, nroots, base);
    }
cleanup:
    if (f) fclose(f);
    free(line);
    free(roots);
    nodeset_free(&s);
    map_clear(&accounts);
    if (rc) tc_observed_destroy(o);
    return rc;
}
