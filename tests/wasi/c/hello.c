/* Arguments, environment, stdout/stderr, stdin and exit codes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

extern char **environ;

int main(int argc, char **argv) {
    printf("Hello from WASI!\n");
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("arg %d: %s\n", i, argv[i]);
    int n = 0;
    for (char **e = environ; *e; e++)
        n++;
    printf("environ count=%d\n", n);
    const char *names[] = {"HOME", "GREETING", "SECRET"};
    for (int i = 0; i < 3; i++) {
        const char *v = getenv(names[i]);
        printf("env %s=%s\n", names[i], v ? v : "(unset)");
    }
    fprintf(stderr, "this line goes to stderr\n");
    if (argc > 1 && strcmp(argv[1], "cat") == 0) {
        /* Copy stdin to stdout in upper case. */
        int c;
        while ((c = getchar()) != EOF)
            putchar(toupper(c));
        fflush(stdout);
    }
    if (argc > 2 && strcmp(argv[1], "exit") == 0) {
        fflush(stdout);
        exit(atoi(argv[2]));
    }
    return 0;
}
