/* `tagcascade graph convert|info|generate`: the graph store's subcommands,
 * kept beside cli.c, in the program only. */
#ifndef TC_SIM_CLI_GRAPH_H
#define TC_SIM_CLI_GRAPH_H

/* argv[0] is "graph"; returns the exit code (0, 1 runtime failure, 2 bad input). */
int tc_cli_graph(int argc, char **argv);

#endif
