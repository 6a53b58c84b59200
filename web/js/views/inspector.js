// inspector.js: one object in detail, beside the graph: its summary
// (obj.get), repr, the names bound to it, its referents and referrers
// (obj.referrers), its weak references (count, and for a weakref its
// referent via weakref.get), whether the next collection would free it;
// and, where the role allows, actions: delete a name bound to it, set one
// of its attributes or items to None (obj.set), expand its neighbourhood in
// the graph.

import { el, clear, kv, actionButton, toast, errorText } from '../ui/dom.js';
import { bytes, hex, typeName, shorten, count } from '../ui/format.js';
import { api } from '../app/api.js';

export class Inspector {
    // cb: onSelect(id), onExpand(id)
    constructor(root, ctx, cb) {
        this.root = root;
        this.ctx = ctx;
        this.cb = cb;
        this.id = null;
        this.seq = 0;
        this.body = el('div', { id: 'inspector' }, el('p', { class: 'muted' }, 'Click an object in the graph (or pick one with n / p) to inspect it.'));
        root.append(this.body);
    }

    show(id) {
        this.id = id;
        this.seq++; // an answer still out for the object shown before is dropped
        if (id == null) {
            delete this.body.dataset.id;
            clear(this.body, el('p', { class: 'muted' }, 'Click an object in the graph (or pick one with n / p) to inspect it.'));
            return;
        }
        this.refresh();
    }

    async refresh() {
        const id = this.id;
        if (id == null) return;
        const { client, store, source } = this.ctx;
        const heap = store.selected;
        const seq = ++this.seq;
        const node = source.graph?.nodes.get(id);
        const calls = [api.objGet(heap, id), api.objReferrers(heap, id)];
        if (node?.type === 'weakref') calls.push(api.weakrefGet(heap, id));
        let out;
        try {
            out = await client.batch(calls);
        } catch (e) {
            if (seq === this.seq) clear(this.body, el('p', { class: 'muted' }, errorText(e)));
            return;
        }
        if (seq !== this.seq || id !== this.id) return;
        const [get, refs, weak] = out;
        if (get.error) {
            clear(this.body, el('p', { class: 'muted' }, `#${id}: ${errorText(get.error)} (freed?)`));
            return;
        }
        this.render(heap, get.result, refs.result?.objects || [], weak?.result);
    }

    objButton(o) {
        return el('li', {}, el('button', { type: 'button', onclick: () => this.cb.onSelect(o.id) },
            `#${o.id} ${typeName(o)} ${shorten(o.repr, 40)}`));
    }

    render(heap, o, referrers, weak) {
        const { source } = this.ctx;
        const names = source.graph?.namesOf.get(o.id) || [];
        const weakTo = (source.graph?.weak || []).filter(([, r]) => r === o.id).map(([w]) => source.graph.nodes.get(w)).filter(Boolean);
        const doomed = source.doomed.has(o.id);
        const facts = [
            ['id', `#${o.id}`], ['type', typeName(o)], ['address', hex(o.addr)], ['size', bytes(o.size)],
            ['refcount', count(o.refcount)], ['tracked', o.tracked ? `yes, generation ${o.generation ?? '–'}` : 'no'],
            ['weakrefs', count(o.weakrefs)], ['finalized', o.finalized ? 'yes' : 'no'], ['site', o.site ?? '–'],
        ];
        if (names.length) facts.splice(2, 0, ['names', names.join(', ')]);
        if (weak) facts.push(['referent', weak.alive && weak.referent ? `#${weak.referent.id} ${typeName(weak.referent)}` : 'dead']);
        const actions = el('div', { class: 'row' },
            el('button', { type: 'button', onclick: () => this.cb.onExpand(o.id) }, 'Expand neighbourhood'),
            names.map((n) => actionButton(`del ${n}`, 'name.del', () => this.delName(heap, n), { class: 'danger' })));
        const settable = ['instance', 'dict', 'list'].includes(o.type);
        const keyIn = el('input', { type: 'text', class: 'short', placeholder: o.type === 'list' ? 'index' : o.type === 'dict' ? 'key' : 'attribute', 'aria-label': 'attribute, key or index to set to None' });
        const setRow = settable ? el('div', { class: 'row', dataset: { method: 'obj.set' } },
            el('span', {}, o.type === 'instance' ? 'set attribute' : 'set item'), keyIn, el('span', {}, 'to None'),
            actionButton('Set', 'obj.set', () => this.setNone(heap, o, keyIn.value))) : null;
        // a live refresh of the same object keeps what the user is typing
        const typing = this.body.dataset.id === String(o.id) ? this.body.querySelector('.row input[type="text"]') : null;
        if (typing) keyIn.value = typing.value;
        const hadFocus = typing && document.activeElement === typing;
        this.body.dataset.id = String(o.id);
        clear(this.body,
            doomed ? el('p', {}, el('span', { class: 'badge doomed' }, 'unreachable: the next collection frees it')) : null,
            el('pre', { class: 'repr' }, o.repr),
            kv(facts),
            actions, setRow,
            el('h3', {}, `referents (${o.referents.length})`),
            el('ul', { class: 'objlist' }, o.referents.map((r) => this.objButton(r))),
            el('h3', {}, `referrers (${referrers.length})`),
            el('ul', { class: 'objlist' }, referrers.map((r) => this.objButton(r))),
            weakTo.length ? el('h3', {}, `weak references to it (${weakTo.length})`) : null,
            weakTo.length ? el('ul', { class: 'objlist', id: 'inspector-weak' }, weakTo.map((w) => this.objButton(w))) : null,
            names.length ? null : el('p', { class: 'muted' }, 'No name is bound to it.'));
        if (hadFocus) keyIn.focus();
    }

    async delName(heap, name) {
        try {
            await this.ctx.client.call(...api.nameDel(heap, [name]));
            toast(`del ${name}`);
            this.ctx.store.mutated(heap, 'name.del');
        } catch (e) {
            toast(errorText(e), { error: true });
        }
    }

    async setNone(heap, o, raw) {
        const text = raw.trim();
        if (!text) {
            toast('say which attribute, key or index', { error: true });
            return;
        }
        const key = o.type === 'list' ? Number(text) : text;
        if (o.type === 'list' && !Number.isInteger(key)) {
            toast('a list index is an integer', { error: true });
            return;
        }
        try {
            await this.ctx.client.call(...api.objSetNone(heap, o.id, key));
            toast(`#${o.id}${o.type === 'instance' ? `.${key}` : `[${JSON.stringify(key)}]`} = None`);
            this.ctx.store.mutated(heap, 'obj.set');
            this.refresh();
        } catch (e) {
            toast(errorText(e), { error: true });
        }
    }
}
