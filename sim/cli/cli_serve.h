/* `tagcascade serve`: the classroom page and its JSON API, on libmicrohttpd. */
#ifndef TC_CLI_SERVE_H
#define TC_CLI_SERVE_H

#include <signal.h>
#include <stddef.h>

/* A file of web/, embedded in the program at build time (web/embed.sh writes
 * the table, ended by a row whose path is NULL): the server serves these and
 * nothing else. */
typedef struct tc_web_asset {
    const char *path;   /* "/index.html" */
    const char *type;   /* its Content-Type */
    const unsigned char *data;
    size_t size;
} tc_web_asset;

extern const tc_web_asset tc_web_assets[];

/* tagcascade serve [SCENARIO] [--port P] [--bind ADDR] [--max-runs N]
 * [--timeout S] [--quiet]: serve until *stop becomes nonzero (SIGINT, SIGTERM),
 * then stop cleanly. Returns 0, 1 (cannot bind, runtime failure) or 2 (bad
 * options or scenario). */
int tc_cli_serve(int argc, char **argv, volatile sig_atomic_t *stop);

#endif
