/* What this host charges for the kernel work every server does per request, so that figures from different hosts can
 * be read side by side: a system call, a thread woken by another (on the same core and across cores), and a loopback
 * TCP round trip. Built and run by bench/host-costs.sh; prints one line per cost, the median of ROUNDS. */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 5

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values)
{
    qsort(values, ROUNDS, sizeof(double), compare_doubles);
    return values[ROUNDS / 2];
}

/* Stops with what failed: a cost measured around a failed call would be a figure of nothing. */
static void check(int ok, const char *what)
{
    if (!ok) {
        perror(what);
        exit(1);
    }
}

static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* A system call that does nothing but enter and leave the kernel. */
static double syscall_ns(void)
{
    const int calls = 200000;
    double start = now_ns();
    for (int i = 0; i < calls; i++) {
        syscall(SYS_getppid);
    }
    return (now_ns() - start) / calls;
}

/* Two threads hand a turn back and forth through a futex: each hand-over wakes a sleeping thread. */
static atomic_int turn;
static int partner_cpu;
static const int handovers = 20000;

static void wait_for(int value)
{
    while (atomic_load(&turn) != value) {
        syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, !value, NULL, NULL, 0);
    }
}

static void give(int value)
{
    atomic_store(&turn, value);
    syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *partner(void *unused)
{
    (void)unused;
    pin(partner_cpu);
    for (int i = 0; i < handovers; i++) {
        wait_for(1);
        give(0);
    }
    return NULL;
}

static double wake_us(int cpu, int other_cpu)
{
    pthread_t thread;
    cpu_set_t before;
    pthread_getaffinity_np(pthread_self(), sizeof(before), &before);
    atomic_store(&turn, 0);
    partner_cpu = other_cpu;
    pin(cpu);
    check(pthread_create(&thread, NULL, partner, NULL) == 0, "pthread_create");
    double start = now_ns();
    for (int i = 0; i < handovers; i++) {
        give(1);
        wait_for(0);
    }
    double elapsed = now_ns() - start;
    pthread_join(thread, NULL);
    /* What runs after this (the loopback round trip) must not be held to one core. */
    pthread_setaffinity_np(pthread_self(), sizeof(before), &before);
    return elapsed / handovers / 2 / 1000; /* per wake: two per round trip */
}

/* One byte each way over a loopback TCP connection, as a keep-alive request and its response. */
static double loopback_us(void)
{
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    check(listener >= 0, "socket");
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof(address);
    check(bind(listener, (struct sockaddr *)&address, sizeof(address)) == 0, "bind 127.0.0.1");
    check(listen(listener, 1) == 0, "listen");
    check(getsockname(listener, (struct sockaddr *)&address, &length) == 0, "getsockname");
    int client = socket(AF_INET, SOCK_STREAM, 0);
    check(client >= 0, "socket");
    check(connect(client, (struct sockaddr *)&address, sizeof(address)) == 0, "connect");
    int server = accept(listener, NULL, NULL);
    check(server >= 0, "accept");
    int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    pid_t child = fork();
    check(child >= 0, "fork");
    const int trips = 20000;
    char byte = 'x';
    if (child == 0) {
        for (int i = 0; i < trips; i++) {
            if (recv(server, &byte, 1, 0) != 1 || send(server, &byte, 1, 0) != 1) {
                _exit(1);
            }
        }
        _exit(0);
    }
    double start = now_ns();
    for (int i = 0; i < trips; i++) {
        check(send(client, &byte, 1, 0) == 1 && recv(client, &byte, 1, 0) == 1, "loopback round trip");
    }
    double elapsed = now_ns() - start;
    int status;
    check(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0, "loopback partner");
    close(client);
    close(server);
    close(listener);
    return elapsed / trips / 1000;
}

int main(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    double values[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) values[r] = syscall_ns();
    printf("system call (getppid)               %8.0f ns\n", median(values));
    for (int r = 0; r < ROUNDS; r++) values[r] = wake_us(0, 0);
    printf("thread woken on the same core       %8.2f us\n", median(values));
    if (cores > 1) {
        for (int r = 0; r < ROUNDS; r++) values[r] = wake_us(0, 1);
        printf("thread woken on another core        %8.2f us\n", median(values));
    }
    for (int r = 0; r < ROUNDS; r++) values[r] = loopback_us();
    printf("loopback TCP round trip (1 byte)    %8.2f us\n", median(values));
    return 0;
}
