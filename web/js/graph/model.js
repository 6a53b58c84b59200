// model.js: the object graph as the dashboard holds it, and which part of
// it to draw. Pure functions (no DOM), unit-tested in
// tests/web/unit/graph-model.test.js.
//
// A graph comes from heap.export (objects with their referents, names as
// {name: id}) plus the referents of weak references (weakref.get: a weakref
// does not refer to its referent in gc terms, so export leaves that edge
// out; it is drawn apart, dashed). Large heaps are not drawn whole:
// selectView() picks at most `cap` nodes, in this order of priority:
//   1. the selected node and the neighbourhoods the user expanded,
//   2. what gc.dry_run says the next collection would free,
//   3. nodes matching the search or type filter (then their neighbours),
//   4. without a filter, breadth-first from the names (the roots),
//   5. then the rest, by id (objects reachable from no name come last).

import { typeName } from '../ui/format.js';

export class Graph {
    constructor() {
        this.nodes = new Map(); // id -> node
        this.names = new Map(); // name -> id
        this.namesOf = new Map(); // id -> [name]
        this.weak = []; // [weakref id, referent id]
        this.partial = false; // built from a page of objects, not a whole export
    }

    get size() {
        return this.nodes.size;
    }

    // link: fill referrers from referents (after every node is in)
    link() {
        for (const n of this.nodes.values()) n.referrers = [];
        for (const n of this.nodes.values())
            for (const r of n.referents) this.nodes.get(r)?.referrers.push(n.id);
    }

    neighbours(id) {
        const n = this.nodes.get(id);
        if (!n) return [];
        const out = new Set([...n.referents, ...n.referrers]);
        for (const [w, r] of this.weak) {
            if (w === id) out.add(r);
            if (r === id) out.add(w);
        }
        out.delete(id);
        return [...out].filter((x) => this.nodes.has(x));
    }
}

function nodeOf(o, complete = Array.isArray(o.referents)) {
    return {
        complete, // its referents are known (false for a referent seen only as a summary)
        id: o.id, type: o.type, class: o.class, size: o.size, refcount: o.refcount,
        tracked: o.tracked, generation: o.generation, repr: o.repr, site: o.site ?? null,
        referents: Array.isArray(o.referents) ? o.referents.filter((r) => typeof r === 'number') : [],
        referrers: [],
    };
}

// fromExport: a Graph from a heapd-graph/1 document
export function fromExport(doc) {
    const g = new Graph();
    for (const o of doc.objects || []) g.nodes.set(o.id, nodeOf(o));
    for (const [name, id] of Object.entries(doc.names || {})) setName(g, name, id);
    g.link();
    return g;
}

function setName(g, name, id) {
    g.names.set(name, id);
    if (!g.namesOf.has(id)) g.namesOf.set(id, []);
    g.namesOf.get(id).push(name);
}

// fromPages: a partial Graph from summaries (heap.objects) and the
// referents of some of them (obj.referents: id -> [summary]), for heaps
// whose export is over the message size limit
export function fromPages(summaries, referents, names) {
    const g = new Graph();
    g.partial = true;
    for (const o of summaries) g.nodes.set(o.id, nodeOf(o));
    for (const [id, list] of referents) {
        const n = g.nodes.get(id);
        if (!n) continue;
        n.referents = list.map((r) => r.id);
        n.complete = true;
        for (const r of list) if (!g.nodes.has(r.id)) g.nodes.set(r.id, nodeOf(r, false));
    }
    for (const e of names) setName(g, e.name, e.id);
    g.link();
    return g;
}

// mergeObjects: more summaries into a partial graph, with the referents of
// some of them (Map id -> [summary]); returns how many nodes were new
export function mergeObjects(g, summaries, referents = new Map()) {
    const before = g.nodes.size;
    for (const o of summaries) if (!g.nodes.has(o.id)) g.nodes.set(o.id, nodeOf(o, false));
    for (const [id, list] of referents) {
        const n = g.nodes.get(id);
        if (!n) continue;
        n.referents = list.map((r) => r.id);
        n.complete = true;
        for (const r of list) if (!g.nodes.has(r.id)) g.nodes.set(r.id, nodeOf(r, false));
    }
    g.link();
    return g.nodes.size - before;
}

// mergeNeighbourhood: one object's obj.get (summary with referent
// summaries) and obj.referrers into a partial graph
export function mergeNeighbourhood(g, got, referrers) {
    const before = g.nodes.size;
    mergeObjects(g, [got, ...referrers], new Map([[got.id, got.referents]]));
    for (const r of referrers) {
        const n = g.nodes.get(r.id);
        if (!n.complete && !n.referents.includes(got.id)) n.referents.push(got.id);
    }
    g.link();
    return g.nodes.size - before;
}

// weakrefIds: ids of weakref objects (to ask weakref.get for), at most max
export function weakrefIds(g, max = 500) {
    const out = [];
    for (const n of g.nodes.values()) {
        if (n.type === 'weakref') out.push(n.id);
        if (out.length >= max) break;
    }
    return out;
}

// typeCounts: objects and bytes by type (instances by class), most first
export function typeCounts(g) {
    const m = new Map();
    for (const n of g.nodes.values()) {
        const t = typeName(n);
        const e = m.get(t) || { type: t, count: 0, bytes: 0 };
        e.count++;
        e.bytes += n.size || 0;
        m.set(t, e);
    }
    return [...m.values()].sort((a, b) => b.count - a.count || b.bytes - a.bytes || a.type.localeCompare(b.type));
}

// matches: does node n answer the query? (an id, a name bound to it, or
// text in its type, class or repr; case-insensitive)
export function matches(g, n, query) {
    const q = query.trim().toLowerCase();
    if (!q) return false;
    if (/^#?\d+$/.test(q) && n.id === Number(q.replace('#', ''))) return true;
    if ((g.namesOf.get(n.id) || []).some((name) => name.toLowerCase().includes(q))) return true;
    return typeName(n).toLowerCase().includes(q) || (n.repr || '').toLowerCase().includes(q);
}

// bfsFromNames: ids reachable from the names, breadth-first, names in order
export function bfsFromNames(g) {
    const seen = new Set();
    const order = [];
    const queue = [];
    for (const name of [...g.names.keys()].sort()) {
        const id = g.names.get(name);
        if (g.nodes.has(id) && !seen.has(id)) {
            seen.add(id);
            queue.push(id);
        }
    }
    while (queue.length) {
        const id = queue.shift();
        order.push(id);
        for (const r of g.nodes.get(id).referents) {
            if (!seen.has(r) && g.nodes.has(r)) {
                seen.add(r);
                queue.push(r);
            }
        }
    }
    return order;
}

// selectView: what to draw. opts: cap, type ('' for all), query,
// expanded (Set of ids), doomed (Set of ids), selected (id or null).
// Returns {ids: Set, edges: [{s, t, weak}], names: [[name, id]], total,
// matched: Set, truncated}
export function selectView(g, opts = {}) {
    const cap = Math.max(1, opts.cap ?? 2000);
    const type = opts.type || '';
    const query = opts.query || '';
    const expanded = opts.expanded || new Set();
    const doomed = opts.doomed || new Set();
    const filtered = Boolean(type || query.trim());
    const keep = (n) => (!type || typeName(n) === type) && (!query.trim() || matches(g, n, query));

    const matched = new Set();
    if (filtered) for (const n of g.nodes.values()) if (keep(n)) matched.add(n.id);

    const ids = new Set();
    const add = (id) => {
        if (ids.size < cap && g.nodes.has(id)) ids.add(id);
    };
    if (opts.selected != null) add(opts.selected);
    for (const id of expanded) {
        add(id);
        for (const x of g.neighbours(id)) add(x);
    }
    for (const id of doomed) if (!filtered || matched.has(id)) add(id);
    if (filtered) {
        for (const id of matched) add(id);
        for (const id of matched) for (const x of g.neighbours(id)) add(x);
    } else {
        for (const id of bfsFromNames(g)) add(id);
        if (ids.size < cap) for (const id of [...g.nodes.keys()].sort((a, b) => a - b)) add(id);
    }

    const edges = [];
    for (const id of ids) {
        for (const r of g.nodes.get(id).referents) if (ids.has(r)) edges.push({ s: id, t: r, weak: false });
    }
    for (const [w, r] of g.weak) if (ids.has(w) && ids.has(r)) edges.push({ s: w, t: r, weak: true });
    const names = [...g.names.entries()].filter(([, id]) => ids.has(id));
    const total = filtered ? matched.size : g.nodes.size;
    return { ids, edges, names, total, matched, truncated: ids.size < g.nodes.size && ids.size >= cap };
}
