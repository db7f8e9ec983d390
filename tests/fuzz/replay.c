/* Replays inputs through a fuzz target's LLVMFuzzerTestOneInput without
 * libFuzzer: build it with one tests/fuzz/fuzz_<target>.c and the library
 * (e.g. gcc -fsanitize=address,undefined), then
 *     replay FILE...
 * runs every file once, in order, and prints how many it ran. A crash or a
 * sanitizer report ends the program with a non-zero status. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    int ran = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 2;
        }
        size_t len = 0, cap = 4096;
        uint8_t *buf = malloc(cap);
        if (!buf) abort();
        for (;;) {
            if (len == cap) {
                cap *= 2;
                uint8_t *nb = realloc(buf, cap);
                if (!nb) abort();
                buf = nb;
            }
            size_t got = fread(buf + len, 1, cap - len, f);
            if (!got) break;
            len += got;
        }
        if (ferror(f)) {
            perror(argv[i]);
            return 2;
        }
        fclose(f);
        /* libFuzzer passes exactly `len` bytes: copy so that reading past them is caught */
        uint8_t *exact = malloc(len ? len : 1);
        if (!exact) abort();
        for (size_t k = 0; k < len; k++) exact[k] = buf[k];
        free(buf);
        fprintf(stderr, "replay %s (%zu bytes)\n", argv[i], len);
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
        ran++;
    }
    printf("replayed %d input(s)\n", ran);
    return 0;
}
