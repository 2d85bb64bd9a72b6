/* A one-connection echo server on a listening socket the host granted (descriptor argv[1]):
 * accept, receive, send the text back in upper case, shut down. */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: sockets FD\n");
        return 100;
    }
    int lfd = atoi(argv[1]);
    struct pollfd p = {.fd = lfd, .events = POLLIN};
    if (poll(&p, 1, 10000) != 1) {
        printf("poll on the listener failed: %s\n", strerror(errno));
        return 1;
    }
    int c = accept(lfd, NULL, NULL);
    if (c < 0) {
        printf("accept failed: %s\n", strerror(errno));
        return 2;
    }
    printf("accepted fd %d\n", c);
    char buf[256];
    ssize_t n = recv(c, buf, sizeof buf, MSG_PEEK);
    printf("peeked %zd bytes\n", n);
    n = recv(c, buf, sizeof buf, 0);
    if (n <= 0) {
        printf("recv failed: %s\n", strerror(errno));
        return 3;
    }
    printf("received %zd bytes: %.*s\n", n, (int)n, buf);
    for (ssize_t i = 0; i < n; i++)
        buf[i] = toupper((unsigned char)buf[i]);
    if (send(c, buf, n, 0) != n) {
        printf("send failed: %s\n", strerror(errno));
        return 4;
    }
    if (shutdown(c, SHUT_WR) != 0) {
        printf("shutdown failed: %s\n", strerror(errno));
        return 5;
    }
    if (send(lfd, "x", 1, 0) != -1)
        return 6;
    printf("send on the listener: %s\n", strerror(errno));
    close(c);
    printf("done\n");
    return 0;
}
