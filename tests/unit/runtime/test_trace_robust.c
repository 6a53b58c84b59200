/*
 * test_trace_robust.c: the allocation-tracing module (trace.h) under
 * failure and at random: every memory request of a scenario failed once
 * (retried to the same end state) and for good (every step fails cleanly,
 * no leak under ASan), hd_trace_new failing, and 300,000 random operations
 * held against a reference model written independently of the module.
 */
#define _POSIX_C_SOURCE 200809L
#include "trace_util.h"

/* ===================================================================== */
/* Fault injection                                                       */
/* ===================================================================== */

/* What must not change when a call fails with HD_ENOMEM. It is read
 * without allocating, so observing does not move the fault counter. */
typedef struct obs {
    size_t current, peak, count;
    int tracing;
    uint32_t nsites, nkinds;
} obs_t;

static uint32_t count_names(const hd_trace_t *t, int sites)
{
    uint32_t n = 0;
    while ((sites ? hd_trace_site_lookup(t, n, NULL, NULL, NULL)
                  : hd_trace_kind_lookup(t, n, NULL)) == 0)
        n++;
    return n;
}

static void observe(const hd_trace_t *t, obs_t *o)
{
    memset(o, 0, sizeof(*o)); /* padding too: obs_t is compared with memcmp */
    hd_trace_memory(t, &o->current, &o->peak);
    o->count = hd_trace_count(t);
    o->tracing = hd_trace_is_tracing(t);
    o->nsites = count_names(t, 1);
    o->nkinds = count_names(t, 0);
}

typedef struct scen {
    hd_mem_t mem;
    int retry;         /* after an HD_ENOMEM, run the step again (one-shot faults) */
    size_t enomem;     /* HD_ENOMEM results seen */
    uint64_t requests; /* memory requests made by the scenario proper */
} scen_t;

/* STEP: run `expr`; every HD_ENOMEM must leave the observable state as it
 * was and the tracer valid. Without retry, HD_EINVAL/HD_ENOTFOUND may follow
 * from an earlier failed step (an id that was never made). */
#define STEP(sc, t, expr)                                                                          \
    do {                                                                                           \
        obs_t before_, after_;                                                                     \
        observe(t, &before_);                                                                      \
        int rc_;                                                                                   \
        while ((rc_ = (expr)) == HD_ENOMEM) {                                                      \
            (sc)->enomem++;                                                                        \
            observe(t, &after_);                                                                   \
            CHECK(memcmp(&before_, &after_, sizeof(obs_t)) == 0);                                  \
            CHECK_OK(hd_trace_validate(t));                                                        \
            if (!(sc)->retry)                                                                      \
                break;                                                                             \
        }                                                                                          \
        if ((sc)->retry)                                                                           \
            CHECK_OK(rc_);                                                                         \
        else                                                                                       \
            CHECK(rc_ == 0 || rc_ == HD_ENOMEM || rc_ == HD_EINVAL || rc_ == HD_ENOTFOUND);        \
    } while (0)

/* signature: everything observable, as text, to compare runs. */
static void signature(hd_trace_t *t, const uint64_t *snaps, int nsnaps, rt_text_t *sig)
{
    static const hd_trace_group_t groups[] = {HD_TRACE_BY_SITE, HD_TRACE_BY_FILE, HD_TRACE_BY_KIND};
    obs_t o;
    observe(t, &o);
    rt_text_add(sig, "%zu %zu %zu %d %" PRIu32 " %" PRIu32 "\n", o.current, o.peak, o.count,
                o.tracing, o.nsites, o.nkinds);
    for (size_t i = 0; i < 5000; i++) {
        size_t req;
        uint32_t s, k;
        if (hd_trace_get(t, blk(i), &req, &s, &k) == 0)
            rt_text_add(sig, "%zu:%zu/%" PRIu32 "/%" PRIu32 " ", i, req, s, k);
    }
    char line[HD_TRACE_LINE_LEN];
    hd_trace_stat_t st[64];
    hd_trace_diff_t d[64];
    size_t n;
    for (int i = 0; i < nsnaps; i++) {
        rt_text_add(sig, "\nsnapshot %" PRIu64 "\n", snaps[i]);
        for (int g = 0; g < 3; g++) {
            CHECK_OK(hd_trace_stats(t, snaps[i], groups[g], 64, st, &n));
            for (size_t j = 0; j < n; j++) {
                CHECK_OK(hd_trace_format_stat(&st[j], line, sizeof(line)));
                rt_text_add(sig, "%s\n", line);
            }
            if (i == 0)
                continue;
            CHECK_OK(hd_trace_compare(t, snaps[i], snaps[0], groups[g], 64, d, &n));
            for (size_t j = 0; j < n; j++) {
                CHECK_OK(hd_trace_format_diff(&d[j], line, sizeof(line)));
                rt_text_add(sig, "%s\n", line);
            }
        }
    }
}

/* scenario: new, intern, add (table growth, a big size), snapshot, reallocs
 * (untraced and traced old blocks, big sizes), removes (shrinks), a second
 * snapshot, statistics, compare, reserve. Appends the final state to sig. */
static void scenario(scen_t *sc, rt_text_t *sig)
{
    hd_trace_t *t = NULL;
    int rc;
    while ((rc = hd_trace_new(&sc->mem, &t)) == HD_ENOMEM) {
        sc->enomem++;
        CHECK(t == NULL);
        if (!sc->retry)
            return;
    }
    CHECK_OK(rc);
    static const char *const sites[] = {"a.py:1", "a.py:2",  "b.py:7",
                                        "b.py:0", "c.py:12", "a.py:3"};
    static const char *const kinds[] = {"list", "dict", "Node"};
    uint32_t s[6] = {0}, k[3] = {0};
    for (int i = 0; i < 6; i++)
        STEP(sc, t, hd_trace_intern_site(t, sites[i], &s[i]));
    for (int i = 0; i < 3; i++)
        STEP(sc, t, hd_trace_intern_kind(t, kinds[i], &k[i]));
    hd_trace_start(t);
    for (size_t i = 0; i < 300; i++)
        STEP(sc, t, hd_trace_add(t, blk(i), 10 + i, s[i % 6], k[i % 3]));
    STEP(sc, t, hd_trace_add(t, blk(1000), 5 * GIB4, s[0], k[0]));
    uint64_t snaps[3] = {0};
    STEP(sc, t, hd_trace_snapshot(t, &snaps[0]));
    for (size_t i = 0; i < 100; i++)
        STEP(sc, t, hd_trace_realloc(t, blk(2000 + i), blk(3000 + i), 7, s[1], k[1]));
    for (size_t i = 0; i < 100; i++)
        STEP(sc, t, hd_trace_realloc(t, blk(i), blk(4000 + i), 20 + i, s[2], k[2]));
    STEP(sc, t, hd_trace_realloc(t, blk(1000), blk(1001), 6 * GIB4, s[3], k[0]));
    STEP(sc, t, hd_trace_realloc(t, blk(150), blk(150), 5 * GIB4, s[4], k[1]));
    STEP(sc, t, hd_trace_realloc(t, blk(151), blk(1002), 7 * GIB4, s[4], k[1]));
    for (size_t i = 100; i < 290; i++)
        hd_trace_remove(t, blk(i));
    for (size_t i = 3000; i < 3100; i++) /* under 1/8 load: shrinks (may fail silently) */
        hd_trace_remove(t, blk(i));
    hd_trace_reset_peak(t);
    STEP(sc, t, hd_trace_add(t, blk(5), 12345, s[5], 0));
    STEP(sc, t, hd_trace_snapshot(t, &snaps[1]));
    hd_trace_stat_t st[16];
    hd_trace_diff_t d[16];
    size_t n;
    STEP(sc, t, hd_trace_stats(t, snaps[1], HD_TRACE_BY_SITE, 16, st, &n));
    STEP(sc, t, hd_trace_stats(t, snaps[1], HD_TRACE_BY_KIND, 16, st, &n));
    STEP(sc, t, hd_trace_compare(t, snaps[1], snaps[0], HD_TRACE_BY_FILE, 16, d, &n));
    STEP(sc, t, hd_trace_reserve(t, 50));
    hd_trace_clear(t);
    STEP(sc, t, hd_trace_add(t, blk(7), 1, s[0], k[0]));
    STEP(sc, t, hd_trace_snapshot(t, &snaps[2]));
    CHECK_OK(hd_trace_validate(t));
    sc->requests = sc->mem.requests;
    if (sig) {
        hd_mem_fail_after(&sc->mem, 0, 0);
        signature(t, snaps, 3, sig);
    }
    hd_trace_free(t);
}

TEST(fault_every_request_one_shot)
{
    scen_t base = {.retry = 1};
    hd_mem_init_default(&base.mem);
    rt_text_t want = {0};
    scenario(&base, &want);
    uint64_t total = base.requests;
    CHECK(total > 20);
    CHECK_EQ(base.enomem, 0);
    size_t surfaced = 0;
    for (uint64_t nth = 1; nth <= total + 1; nth++) {
        scen_t sc = {.retry = 1};
        hd_mem_init_default(&sc.mem);
        hd_mem_fail_after(&sc.mem, nth, 0);
        rt_text_t got = {0};
        scenario(&sc, &got);
        CHECK_EQ(sc.mem.failures, nth <= total ? 1 : 0);
        surfaced += sc.enomem;
        rt_check_lines(got.buf, want.buf); /* retried to the same end state */
        rt_text_free(&got);
    }
    printf("fault injection: %" PRIu64 " requests, %zu surfaced as HD_ENOMEM, the rest were "
           "optional shrinks\n",
           total, surfaced);
    CHECK(surfaced > 0 && surfaced <= total);
    rt_text_free(&want);
}

TEST(fault_every_request_sticky)
{
    scen_t base = {.retry = 1};
    hd_mem_init_default(&base.mem);
    scenario(&base, NULL);
    uint64_t total = base.requests;
    for (uint64_t nth = 1; nth <= total; nth++) {
        scen_t sc = {.retry = 0};
        hd_mem_init_default(&sc.mem);
        hd_mem_fail_after(&sc.mem, nth, 1);
        scenario(&sc, NULL); /* every step fails cleanly or works; no leak (ASan) */
        CHECK(sc.mem.failures > 0);
    }
}

TEST(fault_new)
{
    for (uint64_t nth = 1;; nth++) {
        hd_mem_t mem;
        hd_mem_init_default(&mem);
        hd_mem_fail_after(&mem, nth, 1);
        hd_trace_t *t = NULL;
        int rc = hd_trace_new(&mem, &t);
        if (rc == 0) {
            CHECK_EQ(mem.failures, 0);
            CHECK(nth > 1);
            CHECK_OK(hd_trace_validate(t));
            hd_trace_free(t);
            break;
        }
        CHECK_EQ(rc, HD_ENOMEM);
        CHECK(t == NULL);
    }
}

/* ===================================================================== */
/* Randomized stress against a reference model                           */
/* ===================================================================== */

#define SB  3000 /* block indexes */
#define SS  24   /* sites */
#define SK  6    /* kinds */
#define SID 64   /* ids below this: SS sites, their files, SK kinds */

typedef struct ref {
    int tracing;
    size_t current, peak, count;
    int live[SB];
    size_t size[SB];
    uint32_t site[SB], kind[SB];
} ref_t;

static void ref_add(ref_t *r, size_t i, size_t size, uint32_t s, uint32_t k)
{
    if (!r->tracing)
        return;
    if (r->live[i])
        r->current -= r->size[i];
    else
        r->count++;
    r->live[i] = 1;
    r->size[i] = size;
    r->site[i] = s;
    r->kind[i] = k;
    r->current += size;
    if (r->current > r->peak)
        r->peak = r->current;
}

static void ref_remove(ref_t *r, size_t i)
{
    if (r->live[i]) {
        r->live[i] = 0;
        r->current -= r->size[i];
        r->count--;
    }
}

static void ref_clear(ref_t *r)
{
    memset(r->live, 0, sizeof(r->live));
    r->current = r->peak = r->count = 0;
}

/* stat_before: whether a sorts strictly before b in Statistic order,
 * written independently of the module: (size, count, filename, line) desc. */
static int stat_before(const hd_trace_t *t, const hd_trace_stat_t *a, const hd_trace_stat_t *b,
                       int kinds)
{
    if (a->size != b->size)
        return a->size > b->size;
    if (a->count != b->count)
        return a->count > b->count;
    if (kinds)
        return strcmp(a->key, b->key) > 0;
    size_t fa, fb;
    uint32_t la, lb;
    CHECK_OK(hd_trace_site_lookup(t, a->id, NULL, &fa, &la));
    CHECK_OK(hd_trace_site_lookup(t, b->id, NULL, &fb, &lb));
    int c = memcmp(a->key, b->key, fa < fb ? fa : fb);
    if (c != 0)
        return c > 0;
    if (fa != fb)
        return fa > fb;
    return la > lb;
}

/* check_snapshot: a fresh snapshot's per-site and per-kind statistics equal
 * the model's sums, in order; compare_to against the previous one. */
static void check_snapshot(hd_trace_t *t, const ref_t *r, uint64_t *prev,
                           uint64_t (*prev_site)[SID])
{
    uint64_t snap;
    CHECK_OK(hd_trace_snapshot(t, &snap));
    uint64_t size[2][SID], count[2][SID];
    memset(size, 0, sizeof(size));
    memset(count, 0, sizeof(count));
    for (size_t i = 0; i < SB; i++) {
        if (r->live[i]) {
            size[0][r->site[i]] += r->size[i], count[0][r->site[i]]++;
            size[1][r->kind[i]] += r->size[i], count[1][r->kind[i]]++;
        }
    }
    hd_trace_stat_t st[SID];
    for (int g = 0; g < 2; g++) {
        size_t n = 0, want = 0;
        CHECK_OK(hd_trace_stats(t, snap, g ? HD_TRACE_BY_KIND : HD_TRACE_BY_SITE, SID, st, &n));
        for (int i = 0; i < SID; i++)
            want += count[g][i] > 0;
        CHECK_EQ(n, want);
        for (size_t i = 0; i < n; i++) {
            CHECK_EQ(st[i].size, size[g][st[i].id]);
            CHECK_EQ(st[i].count, count[g][st[i].id]);
            if (i > 0)
                CHECK(stat_before(t, &st[i - 1], &st[i], g));
        }
    }
    if (*prev) {
        hd_trace_diff_t d[SID];
        size_t n = 0, want = 0;
        CHECK_OK(hd_trace_compare(t, snap, *prev, HD_TRACE_BY_SITE, SID, d, &n));
        for (int i = 0; i < SID; i++)
            want += count[0][i] > 0 || prev_site[1][i] > 0;
        for (size_t i = 0; i < n; i++) {
            CHECK_EQ(d[i].size, size[0][d[i].id]);
            CHECK_EQ(d[i].size_diff, (int64_t)(size[0][d[i].id] - prev_site[0][d[i].id]));
            CHECK_EQ(d[i].count, count[0][d[i].id]);
            CHECK_EQ(d[i].count_diff, (int64_t)(count[0][d[i].id] - prev_site[1][d[i].id]));
        }
        CHECK_EQ(n, want);
        CHECK_OK(hd_trace_snapshot_drop(t, *prev));
    }
    *prev = snap;
    memcpy(prev_site[0], size[0], sizeof(size[0]));
    memcpy(prev_site[1], count[0], sizeof(count[0]));
}

static void stress_step(hd_trace_t *t, ref_t *r, const uint32_t *sid, const uint32_t *kid,
                        uint64_t *prev, uint64_t (*prev_site)[SID])
{
    uint64_t op = rnd() % 1000;
    size_t i = rnd() % SB, j = rnd() % SB;
    size_t size = (rnd() % 200 == 0) ? GIB4 - 2 + rnd() % 5 : rnd() % 2000;
    uint32_t s = sid[rnd() % SS], k = kid[rnd() % SK];
    if (op < 380) {
        CHECK_OK(hd_trace_add(t, blk(i), size, s, k));
        ref_add(r, i, size, s, k);
    } else if (op < 640) {
        hd_trace_remove(t, blk(i));
        ref_remove(r, i);
    } else if (op < 900) {
        int from_null = rnd() % 10 == 0;
        CHECK_OK(hd_trace_realloc(t, from_null ? NULL : blk(i), blk(j), size, s, k));
        if (r->tracing && !from_null && i != j)
            ref_remove(r, i);
        ref_add(r, j, size, s, k);
    } else if (op < 980) {
        size_t req;
        uint32_t gs, gk;
        int rc = hd_trace_get(t, blk(i), &req, &gs, &gk);
        CHECK_EQ(rc, r->live[i] ? 0 : HD_ENOTFOUND);
        if (rc == 0)
            CHECK(req == r->size[i] && gs == r->site[i] && gk == r->kind[i]);
    } else if (op < 988) {
        if (r->tracing)
            check_snapshot(t, r, prev, prev_site);
    } else if (op < 993) {
        hd_trace_reset_peak(t);
        if (r->tracing)
            r->peak = r->current;
    } else if (op < 996) {
        hd_trace_clear(t);
        ref_clear(r);
    } else if (op < 998) {
        hd_trace_stop(t);
        ref_clear(r);
        r->tracing = 0;
    } else {
        hd_trace_start(t);
        r->tracing = 1;
    }
}

TEST(stress_against_model)
{
    hd_trace_t *t = new_trace();
    static ref_t r;
    memset(&r, 0, sizeof(r));
    uint32_t sid[SS], kid[SK];
    char buf[32];
    for (int i = 0; i < SS; i++) {
        snprintf(buf, sizeof(buf), "m%d.py:%d", i % 3, i * 7 % 25);
        sid[i] = site(t, buf);
        CHECK(sid[i] < SID);
    }
    for (int i = 0; i < SK; i++) {
        snprintf(buf, sizeof(buf), "K%d", i % 5);
        kid[i] = kind(t, buf);
    }
    rng_state = 12345;
    hd_trace_start(t);
    r.tracing = 1;
    uint64_t prev = 0, prev_site[2][SID] = {{0}};
    for (int step = 0; step < 300000; step++) {
        stress_step(t, &r, sid, kid, &prev, prev_site);
        size_t c, p;
        hd_trace_memory(t, &c, &p);
        CHECK_EQ(c, r.current);
        CHECK_EQ(p, r.peak);
        CHECK_EQ(hd_trace_count(t), r.count);
        CHECK_EQ(hd_trace_is_tracing(t), r.tracing);
        if (step % 997 == 0)
            CHECK_OK(hd_trace_validate(t));
    }
    CHECK_OK(hd_trace_validate(t));
    hd_trace_stop(t);
    CHECK_EQ(hd_trace_count(t), 0);
    hd_trace_free(t);
}
