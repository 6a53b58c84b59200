// api.js: every request the dashboard makes, as [method, params] pairs.
//
// Views never spell a method's params inline: they take them from here, so
// tests/web/unit/api.test.js can validate each one against the method's
// JSON Schema in proto/schema/methods/ (and a view's control can name the
// method it calls, for the role check of methods.js).

export const api = {
    serverInfo: () => ['server.info', {}],
    serverStats: () => ['server.stats', {}],
    auth: (token) => ['session.auth', { token }],

    heapList: () => ['heap.list', {}],
    heapInfo: (heap) => ['heap.info', { heap }],
    heapCreate: (heap, { gc_enabled = true, thresholds } = {}) =>
        ['heap.create', thresholds ? { heap, gc_enabled, thresholds } : { heap, gc_enabled }],
    heapDrop: (heap) => ['heap.drop', { heap }],
    heapNames: (heap) => ['heap.names', { heap }],
    heapObjects: (heap, { type, offset = 0, limit = 1000 } = {}) =>
        ['heap.objects', type ? { heap, type, offset, limit } : { heap, offset, limit }],
    heapExport: (heap) => ['heap.export', { heap }],
    heapExec: (heap, source, mode = 'exec') => ['heap.exec', { heap, source, site: '<console>', mode }],

    objGet: (heap, target) => ['obj.get', { heap, target }],
    objReferents: (heap, target) => ['obj.referents', { heap, target }],
    objReferrers: (heap, target) => ['obj.referrers', { heap, target }],
    objSetNone: (heap, target, key) => ['obj.set', { heap, target, key, value: null, site: '<dashboard>' }],
    objNew: (heap, fields) => ['obj.new', { heap, ...fields }],
    nameDel: (heap, names) => ['name.del', { heap, names, site: '<dashboard>' }],
    weakrefGet: (heap, target) => ['weakref.get', { heap, target }],

    gcGet: (heap) => ['gc.get', { heap }],
    gcCollect: (heap, generation = 2) => ['gc.collect', { heap, generation, site: '<dashboard>' }],
    gcEnable: (heap, enabled) => ['gc.set', { heap, enabled }],
    gcThresholds: (heap, thresholds) => ['gc.set', { heap, thresholds }],
    gcDebug: (heap, debug) => ['gc.set', { heap, debug }],
    gcFreeze: (heap) => ['gc.freeze', { heap }],
    gcUnfreeze: (heap) => ['gc.unfreeze', { heap }],
    gcDryRun: (heap, generation = 2) => ['gc.dry_run', { heap, generation }],
    gcGarbage: (heap) => ['gc.garbage', { heap }],
    gcGarbageClear: (heap) => ['gc.garbage_clear', { heap }],

    allocStats: (heap) => ['alloc.stats', { heap }],
    allocMap: (heap, offset = 0, limit = 256) => ['alloc.map', { heap, offset, limit }],

    traceStart: (heap) => ['trace.start', { heap }],
    traceStop: (heap) => ['trace.stop', { heap }],
    traceStatus: (heap) => ['trace.status', { heap }],
    traceResetPeak: (heap) => ['trace.reset_peak', { heap }],
    traceSnapshot: (heap) => ['trace.snapshot', { heap }],
    traceStats: (heap, snapshot, group_by, limit = 50) => ['trace.stats', { heap, snapshot, group_by, limit }],
    traceCompare: (heap, snapshot, base, group_by, limit = 50) =>
        ['trace.compare', { heap, snapshot, base, group_by, limit }],

    subscribe: (topics, interval_ms, heap) =>
        ['stream.subscribe', heap ? { heap, topics, interval_ms } : { topics, interval_ms }],
    unsubscribe: (subscription) => ['stream.unsubscribe', { subscription }],
};

// GENERATIONS: the collector's three generations (gc.collect's range)
export const GENERATIONS = [0, 1, 2];
