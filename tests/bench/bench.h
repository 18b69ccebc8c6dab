/* What every bench program shares: a monotonic clock, medians and spread, and the one line
 * per measured figure that `make bench` gathers into its table and docs/bench.md:
 * BENCH<TAB>section<TAB>what<TAB>now<TAB>budget<TAB>verdict (met, over or info). */
#ifndef WW_BENCH_H
#define WW_BENCH_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of the calling thread: on a shared machine, what the measured code itself cost. */
static inline double bench_cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline int bench_compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Sorts v and returns its median. */
static inline double bench_median(double *v, int n)
{
    if (n <= 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, bench_compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The q-quantile (0..1) of v, which must be sorted. */
static inline double bench_quantile(const double *v, int n, double q)
{
    if (n <= 0)
        return 0;
    int i = (int)(q * (n - 1) + 0.5);
    return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

/* One figure for the table; budget NULL or "" means none (verdict info). */
static inline void bench_line(const char *section, const char *what, const char *now, const char *budget, bool met)
{
    bool has_budget = budget && budget[0];
    printf("BENCH\t%s\t%s\t%s\t%s\t%s\n", section, what, now, has_budget ? budget : "—",
           !has_budget ? "info" : met ? "met" : "over");
    fflush(stdout);
}

#endif
