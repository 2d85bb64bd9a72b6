/* Sandbox-escape battery. The host preopens DIR/sandbox as /sandbox (fd 3) and DIR/ro as /ro
 * (fd 4, read-only), and keeps DIR/outside/secret.txt ("TOPSECRET") next to them. Host-made
 * symlinks in the sandbox: link_out -> ../outside, abs_link -> DIR/outside (absolute), loop ->
 * loop, and swap, which a host thread keeps flipping between a directory inside and the outside
 * directory while this program runs. argv[1] is the absolute host path of DIR/outside.
 *
 * Every attempt to read, stat, create, change or delete something outside, and every attempt to
 * change something below the read-only preopen, must fail. The exit code is the number of
 * escapes plus read-only violations; "escapes: 0" is the expected last line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define SANDBOX 3
#define RO 4
#define READ_RIGHTS (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FILESTAT_GET)
#define WRITE_RIGHTS (READ_RIGHTS | __WASI_RIGHTS_FD_WRITE)

static int escapes = 0;
static int attempts = 0;

static void blocked(const char *what, const char *path, __wasi_errno_t e) {
    attempts++;
    printf("blocked %-28s %-40s errno %u\n", what, path, (unsigned)e);
}

static void escaped(const char *what, const char *path) {
    attempts++;
    escapes++;
    printf("ESCAPE  %-28s %s\n", what, path);
}

/* Opens for reading; an escape if it opens at all. */
static void try_read(const char *path, __wasi_lookupflags_t lookup) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(SANDBOX, lookup, path, 0, READ_RIGHTS, 0, 0, &fd);
    if (e != 0) {
        blocked(lookup ? "open (follow)" : "open (nofollow)", path, e);
        return;
    }
    char buf[64] = {0};
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
    __wasi_size_t n = 0;
    __wasi_fd_read(fd, &iov, 1, &n);
    __wasi_fd_close(fd);
    printf("        (read %u bytes: %.20s)\n", (unsigned)n, buf);
    escaped("open", path);
}

static void try_opendir(const char *path) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(SANDBOX, 1, path, __WASI_OFLAGS_DIRECTORY,
                                        __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN, 0, 0, &fd);
    if (e != 0) {
        blocked("opendir", path, e);
        return;
    }
    __wasi_fd_close(fd);
    escaped("opendir", path);
}

static void try_stat(const char *path, __wasi_lookupflags_t lookup) {
    __wasi_filestat_t st;
    __wasi_errno_t e = __wasi_path_filestat_get(SANDBOX, lookup, path, &st);
    if (e != 0)
        blocked(lookup ? "stat (follow)" : "stat (nofollow)", path, e);
    else
        escaped("stat", path);
}

static void try_create(const char *path) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(SANDBOX, 1, path, __WASI_OFLAGS_CREAT, WRITE_RIGHTS, 0, 0, &fd);
    if (e != 0) {
        blocked("create", path, e);
        return;
    }
    __wasi_fd_close(fd);
    escaped("create", path);
}

static void check(const char *what, const char *path, __wasi_errno_t e) {
    if (e != 0)
        blocked(what, path, e);
    else
        escaped(what, path);
}

static int content_is(const char *path, const char *want) {
    __wasi_fd_t fd;
    if (__wasi_path_open(SANDBOX, 1, path, 0, READ_RIGHTS, 0, 0, &fd) != 0)
        return 0;
    char buf[64] = {0};
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
    __wasi_size_t n = 0;
    __wasi_fd_read(fd, &iov, 1, &n);
    __wasi_fd_close(fd);
    return strncmp(buf, want, strlen(want)) == 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: escape OUTSIDE_DIR\n");
        return 100;
    }
    char abs_secret[512], abs_dir[512];
    snprintf(abs_secret, sizeof abs_secret, "%s/secret.txt", argv[1]);
    snprintf(abs_dir, sizeof abs_dir, "%s", argv[1]);

    /* Set-up inside the sandbox, which must work. */
    if (__wasi_path_create_directory(SANDBOX, "sub") != 0 ||
        __wasi_path_create_directory(SANDBOX, "sub/deeper") != 0) {
        printf("set-up failed\n");
        return 100;
    }
    __wasi_fd_t fd;
    if (__wasi_path_open(SANDBOX, 1, "inside.txt", __WASI_OFLAGS_CREAT, WRITE_RIGHTS, 0, 0, &fd) == 0)
        __wasi_fd_close(fd);
    __wasi_path_symlink("../outside/secret.txt", SANDBOX, "mylink");
    __wasi_path_symlink("chain2", SANDBOX, "chain1");
    __wasi_path_symlink("sub/../../outside", SANDBOX, "chain2");
    __wasi_path_symlink("../../link_out", SANDBOX, "sub/deeper/up");

    const char *reads[] = {
        "../outside/secret.txt",
        "./../outside/secret.txt",
        "sub/../../outside/secret.txt",
        "sub/deeper/../../../outside/secret.txt",
        "sub/../sub/../../outside/secret.txt",
        "link_out/secret.txt",
        "abs_link/secret.txt",
        "sub/../link_out/secret.txt",
        "sub/deeper/up/secret.txt",
        "mylink",
        "chain1/secret.txt",
        "loop",
        "loop/secret.txt",
        "/etc/passwd",
        "/",
        abs_secret,
        "..",
        "../",
        "../..",
        "link_out",
        "abs_link",
        "sub/../..",
        "sandbox/../outside/secret.txt",
        "../sandbox/../outside/secret.txt",
    };
    int nreads = (int)(sizeof reads / sizeof reads[0]);
    for (int i = 0; i < nreads; i++) {
        try_read(reads[i], 1);
        try_read(reads[i], 0);
        try_stat(reads[i], 1);
    }
    const char *dirs[] = {"..", "link_out", "abs_link", "sub/../..", "chain1", "/", abs_dir};
    for (int i = 0; i < (int)(sizeof dirs / sizeof dirs[0]); i++)
        try_opendir(dirs[i]);

    /* Absolute symlink targets are refused; had one been made, following it must still fail. */
    __wasi_errno_t e = __wasi_path_symlink(abs_secret, SANDBOX, "abs_made");
    if (e == 0) {
        printf("note: an absolute symlink was created\n");
        try_read("abs_made", 1);
    } else {
        blocked("symlink (absolute target)", abs_secret, e);
    }

    const char *creates[] = {"../outside/pwned.txt", "link_out/pwned.txt", "abs_link/pwned.txt",
                             "chain1/pwned.txt", "sub/deeper/up/pwned.txt", abs_secret};
    for (int i = 0; i < (int)(sizeof creates / sizeof creates[0]); i++) {
        try_create(creates[i]);
        check("mkdir", creates[i], __wasi_path_create_directory(SANDBOX, creates[i]));
        check("symlink into", creates[i], __wasi_path_symlink("x", SANDBOX, creates[i]));
    }
    check("hard link", "link_out/secret.txt -> stolen1",
          __wasi_path_link(SANDBOX, 0, "link_out/secret.txt", SANDBOX, "stolen1"));
    check("hard link", "../outside/secret.txt -> stolen2",
          __wasi_path_link(SANDBOX, 0, "../outside/secret.txt", SANDBOX, "stolen2"));
    check("hard link (follow)", "mylink -> stolen3",
          __wasi_path_link(SANDBOX, 1, "mylink", SANDBOX, "stolen3"));
    if (content_is("stolen3", "TOPSECRET"))
        escaped("hard link through symlink", "stolen3");
    check("hard link", "inside.txt -> ../outside/linked",
          __wasi_path_link(SANDBOX, 0, "inside.txt", SANDBOX, "../outside/linked"));
    check("rename", "../outside/secret.txt -> stolen4",
          __wasi_path_rename(SANDBOX, "../outside/secret.txt", SANDBOX, "stolen4"));
    check("rename", "link_out/secret.txt -> stolen5",
          __wasi_path_rename(SANDBOX, "link_out/secret.txt", SANDBOX, "stolen5"));
    check("rename", "inside.txt -> ../outside/moved",
          __wasi_path_rename(SANDBOX, "inside.txt", SANDBOX, "../outside/moved"));
    check("rename", "inside.txt -> link_out/moved",
          __wasi_path_rename(SANDBOX, "inside.txt", SANDBOX, "link_out/moved"));
    check("unlink", "../outside/secret.txt", __wasi_path_unlink_file(SANDBOX, "../outside/secret.txt"));
    check("unlink", "link_out/secret.txt", __wasi_path_unlink_file(SANDBOX, "link_out/secret.txt"));
    check("unlink", "abs_link/secret.txt", __wasi_path_unlink_file(SANDBOX, "abs_link/secret.txt"));
    check("rmdir", "../outside", __wasi_path_remove_directory(SANDBOX, "../outside"));
    check("rmdir", "link_out/.", __wasi_path_remove_directory(SANDBOX, "link_out/."));
    check("set times", "../outside/secret.txt",
          __wasi_path_filestat_set_times(SANDBOX, 1, "../outside/secret.txt", 0, 0,
                                         __WASI_FSTFLAGS_MTIM_NOW));
    check("set times", "link_out/secret.txt",
          __wasi_path_filestat_set_times(SANDBOX, 1, "link_out/secret.txt", 0, 0,
                                         __WASI_FSTFLAGS_MTIM_NOW));
    char linkbuf[128];
    __wasi_size_t used;
    check("readlink", "link_out/../outside/secret.txt",
          __wasi_path_readlink(SANDBOX, "../outside/secret.txt", (uint8_t *)linkbuf, sizeof linkbuf, &used));

    /* The host flips "swap" between a directory inside and the outside directory. */
    int decoys = 0, race_escapes = 0, races = 3000;
    for (int i = 0; i < races; i++) {
        __wasi_fd_t f;
        if (__wasi_path_open(SANDBOX, 1, "swap/secret.txt", 0, READ_RIGHTS, 0, 0, &f) == 0) {
            char buf[32] = {0};
            __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
            __wasi_size_t n = 0;
            __wasi_fd_read(f, &iov, 1, &n);
            __wasi_fd_close(f);
            if (strncmp(buf, "TOPSECRET", 9) == 0)
                race_escapes++;
            else
                decoys++;
        }
        /* The same race for the other path operations: stat (the secret is 10 bytes, the decoy
         * 6), hard links (read what the link points at), and directory creation (the host
         * checks afterwards that nothing appeared outside). */
        __wasi_filestat_t st;
        if (__wasi_path_filestat_get(SANDBOX, 1, "swap/secret.txt", &st) == 0 && st.size == 10)
            race_escapes++;
        if (__wasi_path_link(SANDBOX, 0, "swap/secret.txt", SANDBOX, "race_link") == 0) {
            if (content_is("race_link", "TOPSECRET"))
                race_escapes++;
            __wasi_path_unlink_file(SANDBOX, "race_link");
        }
        if (__wasi_path_create_directory(SANDBOX, "swap/race_dir") == 0)
            __wasi_path_remove_directory(SANDBOX, "swap/race_dir");
    }
    attempts += 4 * races;
    escapes += race_escapes;
    printf("swap race: %d rounds of open/stat/link/mkdir, %d opens read the inside decoy, %d escapes\n", races, decoys,
           race_escapes);

    /* The read-only preopen. */
    int violations = 0;
    __wasi_fd_t rfd;
    if (__wasi_path_open(RO, 1, "ro_file.txt", 0, READ_RIGHTS, 0, 0, &rfd) != 0) {
        printf("cannot read below the read-only preopen\n");
        violations++;
    } else {
        __wasi_fd_close(rfd);
    }
#define RO_CHECK(what, expr)                                                  \
    do {                                                                      \
        __wasi_errno_t r = (expr);                                            \
        if (r == 0) {                                                         \
            printf("RO VIOLATION %s\n", what);                                \
            violations++;                                                     \
        } else {                                                              \
            printf("ro refused   %-28s errno %u\n", what, (unsigned)r);       \
        }                                                                     \
    } while (0)
    RO_CHECK("open for writing", __wasi_path_open(RO, 1, "ro_file.txt", 0, WRITE_RIGHTS, 0, 0, &rfd));
    RO_CHECK("open append", __wasi_path_open(RO, 1, "ro_file.txt", 0, READ_RIGHTS, 0, __WASI_FDFLAGS_APPEND, &rfd));
    RO_CHECK("open truncate", __wasi_path_open(RO, 1, "ro_file.txt", __WASI_OFLAGS_TRUNC, READ_RIGHTS, 0, 0, &rfd));
    RO_CHECK("create", __wasi_path_open(RO, 1, "new.txt", __WASI_OFLAGS_CREAT, READ_RIGHTS, 0, 0, &rfd));
    RO_CHECK("mkdir", __wasi_path_create_directory(RO, "newdir"));
    RO_CHECK("unlink", __wasi_path_unlink_file(RO, "ro_file.txt"));
    RO_CHECK("rmdir", __wasi_path_remove_directory(RO, "ro_sub"));
    RO_CHECK("rename", __wasi_path_rename(RO, "ro_file.txt", RO, "renamed.txt"));
    RO_CHECK("rename out", __wasi_path_rename(RO, "ro_file.txt", SANDBOX, "taken.txt"));
    RO_CHECK("link", __wasi_path_link(RO, 0, "ro_file.txt", RO, "linked.txt"));
    RO_CHECK("symlink", __wasi_path_symlink("ro_file.txt", RO, "sym"));
    RO_CHECK("set times", __wasi_path_filestat_set_times(RO, 1, "ro_file.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    RO_CHECK("regain rights", __wasi_fd_fdstat_set_rights(RO, ~(__wasi_rights_t)0, ~(__wasi_rights_t)0));
    if (__wasi_path_open(RO, 1, "ro_file.txt", 0, READ_RIGHTS, 0, 0, &rfd) == 0) {
        char c = 'x';
        __wasi_ciovec_t iov = {(const uint8_t *)&c, 1};
        __wasi_size_t n;
        RO_CHECK("write through a read fd", __wasi_fd_write(rfd, &iov, 1, &n));
        RO_CHECK("truncate through a read fd", __wasi_fd_filestat_set_size(rfd, 0));
        __wasi_fd_close(rfd);
    }
    printf("attempts: %d\n", attempts);
    printf("read-only violations: %d\n", violations);
    printf("escapes: %d\n", escapes);
    return escapes + violations;
}
