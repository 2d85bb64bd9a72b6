/* Files and directories below a preopened directory (argv[1]), through wasi-libc and, for the
 * calls libc does not expose, the raw WASI functions. Prints one line per check; the exit code is
 * the number of failed checks. Leaves behind: work/renamed.txt, work/symlink, out.txt. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static int failures = 0;
static char root[256];

static void check(int cond, const char *what) {
    if (cond) {
        printf("ok   %s\n", what);
    } else {
        printf("FAIL %s (errno %d: %s)\n", what, errno, strerror(errno));
        failures++;
    }
}

static void expect_errno(int result, int want, const char *what) {
    char buf[200];
    snprintf(buf, sizeof buf, "%s fails with %s", what, strerror(want));
    if (result == -1 && errno == want) {
        printf("ok   %s\n", buf);
    } else {
        printf("FAIL %s (result %d, errno %d: %s)\n", buf, result, errno, strerror(errno));
        failures++;
    }
}

static const char *P(const char *rel) {
    static char bufs[4][512];
    static int n = 0;
    char *b = bufs[n++ % 4];
    snprintf(b, 512, "%s/%s", root, rel);
    return b;
}


int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: files DIR\n");
        return 100;
    }
    snprintf(root, sizeof root, "%s", argv[1]);
    char buf[256];

    check(mkdir(P("work"), 0755) == 0, "mkdir work");
    expect_errno(mkdir(P("work"), 0755), EEXIST, "mkdir existing");

    int fd = open(P("work/data.txt"), O_CREAT | O_RDWR | O_TRUNC, 0644);
    check(fd >= 0, "open work/data.txt for writing");
    check(write(fd, "hello world\n", 12) == 12, "write 12 bytes");
    check(lseek(fd, 0, SEEK_SET) == 0, "lseek to 0");
    memset(buf, 0, sizeof buf);
    check(read(fd, buf, sizeof buf) == 12 && strcmp(buf, "hello world\n") == 0, "read back");
    check(pwrite(fd, "WASI!", 5, 6) == 5, "pwrite at 6");
    memset(buf, 0, sizeof buf);
    check(pread(fd, buf, 12, 0) == 12 && strcmp(buf, "hello WASI!\n") == 0, "pread from 0");
    __wasi_filesize_t pos = 0;
    check(__wasi_fd_tell(fd, &pos) == 0 && pos == 12, "fd_tell is 12 (pread/pwrite keep the offset)");

    struct stat st;
    check(fstat(fd, &st) == 0 && st.st_size == 12 && S_ISREG(st.st_mode), "fstat size 12, regular");
    check(ftruncate(fd, 5) == 0, "ftruncate to 5");
    check(fstat(fd, &st) == 0 && st.st_size == 5, "size is 5");
    check(posix_fallocate(fd, 0, 100) == 0, "posix_fallocate to 100");
    check(fstat(fd, &st) == 0 && st.st_size == 100, "size is 100");
    check(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) == 0, "posix_fadvise");
    check(posix_fadvise(fd, 0, 0, 99) == EINVAL, "posix_fadvise with bad advice is EINVAL");
    check(fsync(fd) == 0, "fsync");
    check(fdatasync(fd) == 0, "fdatasync");

    struct timespec times[2] = {{1000, 5}, {2000, 7}};
    check(futimens(fd, times) == 0, "futimens");
    check(fstat(fd, &st) == 0 && st.st_mtim.tv_sec == 2000 && st.st_mtim.tv_nsec == 7 &&
              st.st_atim.tv_sec == 1000,
          "times were set");
    struct timespec times2[2] = {{0, UTIME_OMIT}, {3000, 0}};
    check(utimensat(AT_FDCWD, P("work/data.txt"), times2, 0) == 0, "utimensat");
    check(stat(P("work/data.txt"), &st) == 0 && st.st_mtim.tv_sec == 3000 && st.st_atim.tv_sec == 1000,
          "stat sees the new mtime, atime kept");

    check(fcntl(fd, F_SETFL, O_APPEND) == 0, "fcntl O_APPEND");
    check((fcntl(fd, F_GETFL) & O_APPEND) != 0, "O_APPEND is reported");
    lseek(fd, 0, SEEK_SET);
    check(write(fd, "END", 3) == 3, "append write");
    check(fstat(fd, &st) == 0 && st.st_size == 103, "append went to the end");

    /* Rights can be dropped, never regained. */
    __wasi_fdstat_t fdstat;
    check(__wasi_fd_fdstat_get(fd, &fdstat) == 0 && (fdstat.fs_rights_base & __WASI_RIGHTS_FD_WRITE),
          "fd has the write right");
    check(__wasi_fd_fdstat_set_rights(fd, fdstat.fs_rights_base & ~__WASI_RIGHTS_FD_WRITE,
                                      fdstat.fs_rights_inheriting) == 0,
          "drop the write right");
    /* The runtime answers ENOTCAPABLE; wasi-libc reports that from write() as EBADF, as POSIX
     * does for a descriptor not open for writing. */
    expect_errno(write(fd, "x", 1), EBADF, "write without the right");
    __wasi_ciovec_t xiov = {(const uint8_t *)"x", 1};
    __wasi_size_t xn;
    check(__wasi_fd_write(fd, &xiov, 1, &xn) == __WASI_ERRNO_NOTCAPABLE,
          "raw fd_write without the right is ENOTCAPABLE");
    check(__wasi_fd_fdstat_set_rights(fd, fdstat.fs_rights_base, 0) == __WASI_ERRNO_NOTCAPABLE,
          "regaining the right is refused");
    check(close(fd) == 0, "close");
    expect_errno(close(fd), EBADF, "close twice");

    check(rename(P("work/data.txt"), P("work/renamed.txt")) == 0, "rename");
    check(link(P("work/renamed.txt"), P("work/hardlink.txt")) == 0, "link");
    check(stat(P("work/renamed.txt"), &st) == 0 && st.st_nlink == 2, "two links");
    check(symlink("renamed.txt", P("work/symlink")) == 0, "symlink");
    memset(buf, 0, sizeof buf);
    check(readlink(P("work/symlink"), buf, sizeof buf) == 11 && strcmp(buf, "renamed.txt") == 0,
          "readlink");
    check(lstat(P("work/symlink"), &st) == 0 && S_ISLNK(st.st_mode), "lstat sees a symlink");
    check(stat(P("work/symlink"), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 103,
          "stat follows it");
    check(unlink(P("work/hardlink.txt")) == 0, "unlink");
    check(stat(P("work/renamed.txt"), &st) == 0 && st.st_nlink == 1, "one link left");

    check(mkdir(P("work/sub"), 0755) == 0, "mkdir work/sub");
    fd = open(P("work/sub/f"), O_CREAT | O_WRONLY, 0644);
    check(fd >= 0, "create work/sub/f");
    close(fd);
    expect_errno(rmdir(P("work/sub")), ENOTEMPTY, "rmdir non-empty");
    expect_errno(unlink(P("work/sub")), EISDIR, "unlink a directory");
    check(unlink(P("work/sub/f")) == 0, "unlink work/sub/f");
    check(rmdir(P("work/sub")) == 0, "rmdir work/sub");
    expect_errno(open(P("work/nothing"), O_RDONLY), ENOENT, "open missing file");
    expect_errno(open(P("work/renamed.txt/x"), O_RDONLY), ENOTDIR, "open below a file");
    expect_errno(open(P("work"), O_WRONLY), EISDIR, "open directory for writing");
    expect_errno(open(P("work/renamed.txt"), O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST, "O_EXCL on existing");

    /* Many entries: readdir needs several fd_readdir calls and resumes by cookie. */
    check(mkdir(P("many"), 0755) == 0, "mkdir many");
    int made = 0;
    for (int i = 0; i < 150; i++) {
        snprintf(buf, sizeof buf, "many/entry-with-a-long-name-%03d", i);
        int f = open(P(buf), O_CREAT | O_WRONLY, 0644);
        if (f >= 0) {
            made++;
            close(f);
        }
    }
    check(made == 150, "created 150 files");
    DIR *d = opendir(P("many"));
    check(d != NULL, "opendir many");
    int seen = 0, dots = 0;
    long mark = -1;
    char marked[256] = "";
    struct dirent *ent;
    while (d && (ent = readdir(d)) != NULL) {
        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0) {
            dots++;
            continue;
        }
        seen++;
        if (seen == 100) {
            mark = telldir(d);
            ent = readdir(d);
            if (ent) {
                snprintf(marked, sizeof marked, "%s", ent->d_name);
                seen++;
            }
        }
    }
    check(seen == 150 && dots == 2, "readdir saw 150 entries plus . and ..");
    if (d && mark >= 0) {
        seekdir(d, mark);
        ent = readdir(d);
        check(ent != NULL && strcmp(ent->d_name, marked) == 0, "seekdir/telldir resume by cookie");
        rewinddir(d);
        ent = readdir(d);
        check(ent != NULL, "rewinddir");
    }
    if (d)
        closedir(d);
    for (int i = 0; i < 150; i++) {
        snprintf(buf, sizeof buf, "many/entry-with-a-long-name-%03d", i);
        unlink(P(buf));
    }
    check(rmdir(P("many")) == 0, "rmdir many");

    /* fd_renumber: b becomes a. */
    int a = open(P("work/a.txt"), O_CREAT | O_RDWR | O_TRUNC, 0644);
    int b = open(P("work/b.txt"), O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(a, "AAA", 3);
    write(b, "BBB", 3);
    check(__wasi_fd_renumber(a, b) == 0, "fd_renumber");
    lseek(b, 0, SEEK_SET);
    memset(buf, 0, sizeof buf);
    check(read(b, buf, 3) == 3 && strcmp(buf, "AAA") == 0, "renumbered fd reads the first file");
    expect_errno(close(a), EBADF, "the old number is closed");
    close(b);
    unlink(P("work/a.txt"));
    unlink(P("work/b.txt"));

    FILE *out = fopen(P("out.txt"), "w");
    check(out != NULL, "fopen out.txt");
    if (out) {
        fprintf(out, "written by files.c\n");
        fclose(out);
    }
    printf("failures: %d\n", failures);
    return failures;
}
