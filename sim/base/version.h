/* The program version, stored in every output file. */
#ifndef TC_SIM_VERSION_H
#define TC_SIM_VERSION_H
#define TC_VERSION "0.1.0"
#endif
