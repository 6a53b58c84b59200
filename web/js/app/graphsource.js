// graphsource.js: fetches the shown heap's object graph for the views that
// need it (the graph, the inspector, objects by type, the memory map's
// "objects in this pool"), and what the next collection would free.
//
// One batch, [heap.export, gc.dry_run], so the graph and the dry run describe
// the same instant (heapd runs a batch atomically); then one batch of
// weakref.get for the weak edges. Refetched when the heap changes (alloc
// frames with other totals, a collection, an action of this page), at most
// once a second (less often when a fetch is slow: never more than a fifth
// of the time goes to it; at once after an action of this page), and only
// while a view that needs it is shown. A heap whose
// export is over the message size limit (-32004) is read in pages instead
// (heap.objects + obj.referents), drawn as a partial graph, which grows on
// demand: a node's neighbourhood (obj.get + obj.referrers) when it is
// expanded, the objects of a type (heap.objects with `type`) when they are
// searched for; both are fetched again after each refetch.
export const EXTRA_KEPT = 32;

import { api } from './api.js';
import { fromExport, fromPages, weakrefIds, mergeObjects, mergeNeighbourhood } from '../graph/model.js';
import { CODES } from '../proto/codes.js';

export const MIN_GAP_MS = 1000;
export const COST_FACTOR = 5; // wait at least 5x what the last fetch took
export const PAGE_LIMIT = 2000;

export class GraphSource {
    constructor(client, store) {
        this.client = client;
        this.store = store;
        this.graph = null;
        this.heap = null;
        this.doomed = new Set();
        this.dry = null;
        this.dryGeneration = 2;
        this.interest = 0;
        this.inflight = false;
        this.again = false;
        this.lastAt = 0;
        this.timer = null;
        this.error = null;
        this.fetchedAt = 0;
        this.extraIds = new Set(); // neighbourhoods fetched into a partial graph
        this.extraTypes = new Set(); // types fetched into a partial graph
        // an action of this page (a console run, a collection, a del) is
        // fetched for at once, as people expect to see what they did; what
        // the stream reports waits for the gap
        store.on('changed', ({ heap, why }) => heap === store.selected && this.schedule(why !== 'alloc' && why !== 'gc'));
        store.on('select', () => {
            this.graph = null;
            this.extraIds.clear();
            this.extraTypes.clear();
            this.doomed = new Set();
            this.schedule(true);
        });
        client.on('state', (s) => s.state === 'open' && this.schedule(true));
    }

    // want: a view needing the graph is shown (true) or hidden (false)
    want(on) {
        this.interest += on ? 1 : -1;
        if (on) this.schedule();
    }

    schedule(now = false) {
        if (this.interest <= 0 && !now) return;
        if (this.inflight) {
            this.again = true;
            return;
        }
        clearTimeout(this.timer);
        const gap = Math.max(MIN_GAP_MS, COST_FACTOR * (this.lastCost || 0));
        const wait = now ? 0 : Math.max(0, this.lastAt + gap - Date.now());
        this.timer = setTimeout(() => this.fetch(), wait);
    }

    setDryGeneration(g) {
        this.dryGeneration = g;
        this.schedule(true);
    }

    async fetch() {
        const heap = this.store.selected;
        if (!heap || this.client.state !== 'open' || this.interest <= 0) return;
        this.inflight = true;
        this.lastAt = Date.now();
        try {
            const [exp, dry] = await this.client.batch([api.heapExport(heap), api.gcDryRun(heap, this.dryGeneration)]);
            let graph;
            if (exp.error && exp.error.code === CODES.LIMIT_EXCEEDED) graph = await this.fetchPages(heap);
            else if (exp.error) throw exp.error;
            else graph = fromExport(exp.result);
            await this.fetchWeak(heap, graph);
            if (heap !== this.store.selected) return;
            this.graph = graph;
            this.heap = heap;
            this.dry = dry.result || null;
            this.doomed = new Set(dry.result?.unreachable || []);
            this.error = null;
            this.fetchedAt = Date.now();
            this.lastCost = this.fetchedAt - this.lastAt;
            this.store.emit('graph', { heap, graph, doomed: this.doomed, dry: this.dry });
        } catch (e) {
            this.error = e;
            this.store.emit('graph-error', { heap, error: e });
        } finally {
            this.inflight = false;
            if (this.again) {
                this.again = false;
                this.schedule();
            }
        }
    }

    async fetchPages(heap) {
        const [objs, names] = await this.client.batch([api.heapObjects(heap, { limit: PAGE_LIMIT }), api.heapNames(heap)]);
        if (objs.error) throw objs.error;
        const named = names.result?.names || [];
        // the named objects (the roots) wherever they are, then the first page
        const byId = new Map(named.map((e) => [e.id, e]));
        for (const o of objs.result.objects) if (!byId.has(o.id)) byId.set(o.id, o);
        const summaries = [...byId.values()];
        const containers = summaries.filter((o) => o.tracked).slice(0, this.client.limits.batch_length || 1000);
        const refs = await this.client.batch(containers.map((o) => api.objReferents(heap, o.id)));
        const referents = new Map();
        refs.forEach((r, i) => r.result && referents.set(containers[i].id, r.result.objects));
        const g = fromPages(summaries, referents, named);
        g.totalObjects = objs.result.total;
        for (const type of this.extraTypes) await this.fetchType(heap, g, type);
        for (const id of this.extraIds) await this.fetchNeighbourhood(heap, g, id);
        return g;
    }

    async fetchType(heap, g, type) {
        const r = await this.client.call(...api.heapObjects(heap, { type, limit: PAGE_LIMIT }));
        const containers = r.objects.filter((o) => o.tracked && !g.nodes.get(o.id)?.complete).slice(0, this.client.limits.batch_length || 1000);
        const refs = containers.length ? await this.client.batch(containers.map((o) => api.objReferents(heap, o.id))) : [];
        const referents = new Map();
        refs.forEach((x, i) => x.result && referents.set(containers[i].id, x.result.objects));
        return mergeObjects(g, r.objects, referents);
    }

    async fetchNeighbourhood(heap, g, id) {
        const [got, refs] = await this.client.batch([api.objGet(heap, id), api.objReferrers(heap, id)]);
        if (got.error) {
            this.extraIds.delete(id); // freed since
            return 0;
        }
        return mergeNeighbourhood(g, got.result, refs.result?.objects || []);
    }

    // grow: add a node's neighbourhood ({id}) or a type's objects ({type})
    // to a partial graph. Resolves with the number of nodes added (0 for a
    // whole graph: it has everything already).
    async grow({ id, type }) {
        const g = this.graph;
        const heap = this.store.selected;
        if (!g?.partial || !heap) return 0;
        const bounded = (set, v) => {
            set.add(v);
            if (set.size > EXTRA_KEPT) set.delete(set.values().next().value);
        };
        let added = 0;
        try {
            if (id !== undefined) {
                bounded(this.extraIds, id);
                added = await this.fetchNeighbourhood(heap, g, id);
            } else if (type) {
                bounded(this.extraTypes, type);
                added = await this.fetchType(heap, g, type);
            }
        } catch (e) {
            this.store.emit('graph-error', { heap, error: e });
            return 0;
        }
        if (g === this.graph) this.store.emit('graph', { heap, graph: g, doomed: this.doomed, dry: this.dry });
        return added;
    }

    async fetchWeak(heap, graph) {
        const ids = weakrefIds(graph, Math.min(500, this.client.limits.batch_length || 500));
        if (!ids.length) return;
        const out = await this.client.batch(ids.map((id) => api.weakrefGet(heap, id)));
        out.forEach((r, i) => {
            const ref = r.result?.referent;
            if (ref) graph.weak.push([ids[i], ref.id]);
        });
    }
}
