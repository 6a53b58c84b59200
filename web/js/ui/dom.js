// dom.js: the few DOM helpers every view uses: el() builds an element from
// a tag, attributes and children (text is always set as text, never parsed
// as HTML: reprs and names come from the heap and may hold anything), and
// toast() reports the outcome of an action.
//
// A control that calls a mutating method carries data-method="<method>";
// main.js hides every such element the session's role may not call.

export function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
        if (v === undefined || v === null || v === false) continue;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = v;
        else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
        else if (k === 'dataset') Object.assign(e.dataset, v);
        else if (k in e && typeof v !== 'string') e[k] = v;
        else e.setAttribute(k, v === true ? '' : v);
    }
    append(e, children);
    return e;
}

function append(e, children) {
    for (const c of children.flat(Infinity)) {
        if (c === null || c === undefined || c === false) continue;
        e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
}

export function clear(e, ...children) {
    e.replaceChildren();
    append(e, children);
    return e;
}

export function card(title, attrs = {}, ...children) {
    return el('section', { class: 'card', ...attrs }, title ? el('h2', { text: title }) : null, ...children);
}

// kv: a definition list from [label, value] pairs
export function kv(pairs, attrs = {}) {
    return el('dl', { class: 'kv', ...attrs }, pairs.map(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)]));
}

// bar: a horizontal bar filled to frac (0..1)
export function bar(frac, { hot = false, title } = {}) {
    const inner = el('span');
    inner.style.width = `${Math.max(0, Math.min(1, frac)) * 100}%`;
    return el('div', { class: hot ? 'bar hot' : 'bar', title, role: 'img', 'aria-label': title }, inner);
}

// button bound to a method: hidden by main.js when the role may not call it
export function actionButton(label, method, onclick, attrs = {}) {
    return el('button', { type: 'button', dataset: { method }, onclick, ...attrs }, label);
}

export function toast(message, { error = false, ms = 4000 } = {}) {
    const box = document.getElementById('toasts');
    if (!box) return;
    const t = el('div', { class: error ? 'toast err' : 'toast', role: error ? 'alert' : 'status' }, message);
    box.append(t);
    setTimeout(() => t.remove(), ms);
}

// errorText: an RpcError (or any error) as one line for people
export function errorText(e) {
    if (!e) return '';
    const code = typeof e.code === 'number' ? ` (${e.code})` : '';
    // heapd's message often ends with the detail already: say it once
    const detail = e.data?.detail && !String(e.message).includes(e.data.detail) ? `: ${e.data.detail}` : '';
    return `${e.message}${detail}${code}`;
}
