// store.js: what the dashboard knows, in one place, and who to tell when it
// changes. The live feed (live.js) and the views' own requests write here;
// views read and listen. Events:
//   heaps      the heap list changed (info of every heap refreshed)
//   select     another heap is shown
//   missing    {heap, shown}: the heap asked for (by the URL, or shown until
//              dropped) is not in heap.list; shown is the one shown instead
//   alloc      {heap, frame}: a stream.alloc frame
//   gc         {heap, ev}: a stream.gc frame (phase start or stop)
//   gcinfo     {heap, gc}: gc.get of the shown heap refreshed
//   event      {heap, ev}: a stream.event frame (weakref callback, finalizer, resurrection)
//   changed    {heap, why}: the heap's objects may have changed (graph, types, map to refetch)
//   trace      {heap, status}: trace.status of the shown heap
//   server     server.info / server.stats refreshed
//   role       the session's role

export const GC_EVENTS_KEPT = 200;

export class HeapRecord {
    constructor(name) {
        this.name = name;
        this.info = null; // heap info (heap.list / heap.info)
        this.frame = null; // the latest stream.alloc params
        this.gc = null; // gc.get
        this.gcEvents = []; // stop frames, newest last
        this.gcStarts = new Map(); // generation -> start frame (to pair with its stop)
        this.trace = null; // trace.status
        this.snapshots = []; // trace snapshot ids taken from this page
        this.events = []; // stream.event frames, newest last
    }
}

export class Store {
    constructor() {
        this.heaps = new Map();
        this.selected = null;
        this.preferred = null; // the heap to show once it is listed (from the URL)
        this.info = null;
        this.stats = null;
        this.role = null;
        this.listeners = new Map();
    }

    on(event, fn) {
        if (!this.listeners.has(event)) this.listeners.set(event, new Set());
        this.listeners.get(event).add(fn);
        return () => this.listeners.get(event).delete(fn);
    }

    emit(event, arg) {
        for (const fn of this.listeners.get(event) || []) {
            try {
                fn(arg);
            } catch (e) {
                console.error(`dashboard: a "${event}" listener failed`, e);
            }
        }
    }

    heap(name) {
        if (!this.heaps.has(name)) this.heaps.set(name, new HeapRecord(name));
        return this.heaps.get(name);
    }

    current() {
        return this.selected ? this.heap(this.selected) : null;
    }

    // setHeaps: the full list from heap.list; heaps gone are forgotten
    setHeaps(list) {
        const names = new Set(list.map((h) => h.heap));
        for (const name of [...this.heaps.keys()]) if (!names.has(name)) this.heaps.delete(name);
        for (const info of list) this.heap(info.heap).info = info;
        if (!this.selected || !names.has(this.selected)) {
            // asked: the heap the URL named, or the one shown until it was dropped
            const asked = this.preferred ?? this.selected;
            const want = names.has(this.preferred) ? this.preferred : list[0]?.heap ?? null;
            this.preferred = null;
            this.select(want);
            if (asked && asked !== want) this.emit('missing', { heap: asked, shown: want });
        }
        this.emit('heaps', list);
    }

    select(name) {
        if (name === this.selected) return;
        this.selected = name;
        this.emit('select', name);
    }

    onAlloc(p) {
        const h = this.heap(p.heap);
        const prev = h.frame;
        h.frame = p;
        this.emit('alloc', { heap: p.heap, frame: p });
        if (!prev || prev.objects !== p.objects || prev.bytes !== p.bytes || prev.tracked !== p.tracked)
            this.emit('changed', { heap: p.heap, why: 'alloc' });
    }

    onGc(p) {
        const h = this.heap(p.heap);
        if (p.phase === 'start') h.gcStarts.set(p.generation, p);
        else {
            h.gcEvents.push(p);
            if (h.gcEvents.length > GC_EVENTS_KEPT) h.gcEvents.splice(0, h.gcEvents.length - GC_EVENTS_KEPT);
        }
        this.emit('gc', { heap: p.heap, ev: p });
        if (p.phase === 'stop') this.emit('changed', { heap: p.heap, why: 'gc' });
    }

    onEvent(p) {
        const h = this.heap(p.heap);
        h.events.push(p);
        if (h.events.length > GC_EVENTS_KEPT) h.events.shift();
        this.emit('event', { heap: p.heap, ev: p });
    }

    setGc(heap, gc) {
        this.heap(heap).gc = gc;
        this.emit('gcinfo', { heap, gc });
    }

    setTrace(heap, status) {
        this.heap(heap).trace = status;
        this.emit('trace', { heap, status });
    }

    setRole(role) {
        this.role = role;
        this.emit('role', role);
    }

    // mutated: an action of this page changed the heap
    mutated(heap, why) {
        this.emit('changed', { heap, why });
    }
}
