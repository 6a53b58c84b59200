// format.js: numbers as people read them (bytes, counts, durations, times,
// addresses), and whole numbers as people type them (wholeNumber). Pure
// functions, unit-tested in tests/web/unit/format.test.js.

export function bytes(n) {
    if (n === null || n === undefined || Number.isNaN(n)) return '–';
    const a = Math.abs(n);
    if (a < 1024) return `${n} B`;
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let v = n / 1024;
    let u = 0;
    while (Math.abs(v) >= 1024 && u < units.length - 1) {
        v /= 1024;
        u++;
    }
    return `${v.toFixed(Math.abs(v) < 10 ? 2 : Math.abs(v) < 100 ? 1 : 0)} ${units[u]}`;
}

export function count(n) {
    if (n === null || n === undefined || Number.isNaN(n)) return '–';
    return Number(n).toLocaleString('en-US');
}

export function micros(us) {
    if (us === null || us === undefined) return '–';
    if (us < 1000) return `${us} µs`;
    if (us < 1e6) return `${(us / 1000).toFixed(us < 10000 ? 2 : 1)} ms`;
    return `${(us / 1e6).toFixed(2)} s`;
}

export function duration(s) {
    if (s === null || s === undefined) return '–';
    s = Math.floor(s);
    const d = Math.floor(s / 86400);
    const h = Math.floor((s % 86400) / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    if (d) return `${d}d ${h}h`;
    if (h) return `${h}h ${m}m`;
    if (m) return `${m}m ${sec}s`;
    return `${sec}s`;
}

export function clock(ms) {
    const d = new Date(ms);
    const p = (x, n = 2) => String(x).padStart(n, '0');
    return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export function hex(n) {
    return n === null || n === undefined ? '–' : `0x${Number(n).toString(16)}`;
}

export function percent(frac, digits = 1) {
    if (frac === null || frac === undefined || Number.isNaN(frac)) return '–';
    return `${(frac * 100).toFixed(digits)} %`;
}

// typeName: an object's type as Python would name it (instances by class)
export function typeName(o) {
    return o.type === 'instance' && o.class ? o.class : o.type;
}

// shorten: a repr cut to max characters
export function shorten(s, max = 60) {
    if (typeof s !== 'string') return '';
    return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

// wholeNumber: a field's text as an integer in [min, max], or null when it is
// empty or anything else (so an emptied field is refused, not read as 0)
export function wholeNumber(text, min = 0, max = 2147483647) {
    const t = String(text ?? '').trim();
    if (!/^[+-]?\d+$/.test(t)) return null;
    const n = Number(t);
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}

// THRESHOLD_HELP: what wholeNumber refuses in a threshold field, said once
export const THRESHOLD_HELP = 'thresholds are whole numbers from 0 to 2147483647 (0 turns that generation\'s automatic collection off)';
