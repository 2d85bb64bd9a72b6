/* A small WASI program for examples/c/wasi.c: it prints its arguments and two environment
 * variables, keeps a note in the preopened directory /data, reads it back, and shows that a path
 * leaving /data is refused. Built into notes.wasm by build.sh (next to this file). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    const char *greeting = getenv("GREETING");
    const char *user = getenv("USER");
    char line[256];
    FILE *f;

    printf("notes: %d argument(s)\n", argc);
    for (int i = 0; i < argc; i++)
        printf("  argv[%d] = %s\n", i, argv[i]);
    printf("GREETING=%s\n", greeting ? greeting : "(unset)");
    printf("USER=%s\n", user ? user : "(unset)");

    f = fopen("/data/notes.txt", "a");
    if (f == NULL) {
        fprintf(stderr, "notes: cannot open /data/notes.txt: %s\n", strerror(errno));
        return 1;
    }
    fprintf(f, "%s\n", argc > 1 ? argv[1] : "(no note)");
    fclose(f);

    f = fopen("/data/notes.txt", "r");
    if (f == NULL) {
        fprintf(stderr, "notes: cannot read /data/notes.txt: %s\n", strerror(errno));
        return 1;
    }
    printf("/data/notes.txt:\n");
    while (fgets(line, sizeof line, f) != NULL)
        printf("  %s", line);
    fclose(f);

    /* Outside the preopened directory nothing exists for this program. */
    f = fopen("/data/../escaped.txt", "w");
    if (f != NULL) {
        fclose(f);
        printf("ESCAPED: wrote /data/../escaped.txt\n");
        return 2;
    }
    printf("writing /data/../escaped.txt: refused (%s)\n", strerror(errno));

    /* The exit code reaches the host through proc_exit. */
    return argc > 2 ? atoi(argv[2]) : 0;
}
