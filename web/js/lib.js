// lib.js: the npm libraries the page uses, as ES module exports. The build
// copies their browser bundles into vendor/ and index.html loads them as
// classic deferred scripts (which run before any module); their packages
// publish no ES module without bare imports, and an import map would be an
// inline script, which heapd's CSP forbids.
//   uPlot: time-series charts (uplot);
//   d3: force-directed layout of the object graph (d3-force and the three
//       d3 modules it needs).

export const uPlot = globalThis.uPlot;
export const d3 = globalThis.d3;

export function librariesLoaded() {
    return typeof uPlot === 'function' && typeof d3?.forceSimulation === 'function';
}
