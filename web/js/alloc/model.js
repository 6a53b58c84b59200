// model.js: the allocator's figures for the allocator views: arenas and
// their pools from alloc.map, why an arena cannot be released, and the
// size-class table of sys._debugmallocstats() from alloc.stats. Pure
// functions, unit-tested in tests/web/unit/alloc-model.test.js.
//
// pymalloc (CPython 3.11) gives an arena back to the system only when every
// one of its pools is empty. So an arena holding a single used block in a
// single pool stays: that pool "pins" it. pinsOf() lists those pools, fewest
// used blocks first (the cheapest to free), and objectsIn() names the
// objects whose address lies in a pool, from the object graph.

export const ARENA_BYTES = 1 << 20; // CPython 3.11 ARENA_SIZE (64-bit)
export const POOL_BYTES = 1 << 14; // POOL_SIZE: 16 KiB

// classSize: the block size of size class index (16-byte steps)
export function classSize(index) {
    return 16 * (index + 1);
}

// arenaSummary: one arena of alloc.map with its totals
export function arenaSummary(arena) {
    let used = 0;
    let capacity = 0;
    let usedPools = 0;
    let freePools = 0;
    const classes = new Map();
    for (const p of arena.pools) {
        if (p.size_class === null || p.used === 0) freePools++;
        else usedPools++;
        used += p.used;
        capacity += p.capacity;
        if (p.size_class !== null) classes.set(p.size_class, (classes.get(p.size_class) || 0) + 1);
    }
    return {
        index: arena.index, addr: arena.addr, pools: arena.pools.length, usedPools, freePools,
        used, capacity, fill: capacity ? used / capacity : 0,
        releasable: usedPools === 0, classes,
    };
}

// pinsOf: the pools that keep an arena from being released, fewest blocks
// first: [{pool (index in the arena), size_class, size, used, capacity}]
export function pinsOf(arena) {
    return arena.pools
        .map((p, pool) => ({ pool, size_class: p.size_class, size: p.size_class === null ? 0 : classSize(p.size_class), used: p.used, capacity: p.capacity }))
        .filter((p) => p.size_class !== null && p.used > 0)
        .sort((a, b) => a.used - b.used || a.pool - b.pool);
}

// poolAddr: the address where pool i of an arena starts (pools are aligned
// on POOL_BYTES; an unaligned arena loses the partial first one)
export function poolBase(arena) {
    return Math.ceil(arena.addr / POOL_BYTES) * POOL_BYTES;
}

// objectsIn: the objects (summaries with addr) whose blocks start in each
// pool of the arena: Map(pool index -> [summary])
export function objectsIn(arena, objects) {
    const base = poolBase(arena);
    const end = arena.addr + ARENA_BYTES;
    const out = new Map();
    for (const o of objects) {
        if (o.addr < base || o.addr >= end) continue;
        const pool = Math.floor((o.addr - base) / POOL_BYTES);
        if (!out.has(pool)) out.set(pool, []);
        out.get(pool).push(o);
    }
    return out;
}

// mapTotals: per size class, pools and used blocks summed over the map
// (for checking the map against alloc.stats): Map(index -> {pools, used, capacity})
export function mapTotals(arenas) {
    const m = new Map();
    for (const a of arenas) {
        for (const p of a.pools) {
            if (p.size_class === null) continue;
            const e = m.get(p.size_class) || { pools: 0, used: 0, capacity: 0 };
            e.pools++;
            e.used += p.used;
            e.capacity += p.capacity;
            m.set(p.size_class, e);
        }
    }
    return m;
}

// classRows: the rows of the size-class table (classes with pools, or all)
// with derived bytes and use, as _debugmallocstats prints them
export function classRows(stats, { all = false } = {}) {
    return stats.size_classes
        .filter((c) => all || c.pools > 0)
        .map((c) => {
            const blocks = c.blocks_used + c.blocks_free;
            return { ...c, blocks, bytes_used: c.blocks_used * c.size, use: blocks ? c.blocks_used / blocks : 0 };
        });
}

// explainArena: one sentence on why the arena is kept (or may go)
export function explainArena(summary, pins) {
    if (summary.releasable) return `arena ${summary.index} holds no used block: it can be released`;
    const blocks = pins.reduce((a, p) => a + p.used, 0);
    const all = [...new Set(pins.map((p) => p.size))].sort((a, b) => a - b);
    const sizes = all.slice(0, 6).map((n) => `${n} B`).join(', ') + (all.length > 6 ? ', …' : '');
    const pools = pins.length === 1 ? '1 pool' : `${pins.length} pools`;
    const b = blocks === 1 ? '1 used block' : `${blocks} used blocks`;
    return `arena ${summary.index} is kept by ${b} in ${pools} (${sizes})`;
}
