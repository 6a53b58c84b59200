// methods.js: the protocol's method table, read at run time from
// proto/methods.json (the same file heapd's C method table is generated
// from; the build copies it into the web root), and what a role may call.
//
// Nothing here lists methods or roles by hand: a control names the method
// it calls, and allowed() answers from the table, so a method whose role
// changes in proto/ changes who sees the control.

export class MethodTable {
    // doc: the parsed methods.json
    constructor(doc) {
        this.doc = doc;
        this.roles = doc.roles; // lowest first: none, read, write, admin
        this.byName = new Map(doc.methods.map((m) => [m.name, m]));
        this.notifications = new Map((doc.notifications || []).map((n) => [n.name, n]));
    }

    has(method) {
        return this.byName.has(method);
    }

    // required: the role a method needs ("none", "read", ...); undefined for
    // a method the table does not know
    required(method) {
        return this.byName.get(method)?.role;
    }

    rank(role) {
        const r = this.roles.indexOf(role);
        return r < 0 ? -1 : r;
    }

    // allowed: may a session of `role` call `method`? Unknown methods and
    // unknown roles: no.
    allowed(method, role) {
        const need = this.required(method);
        if (need === undefined || role == null) return false;
        const have = this.rank(role);
        return have >= 0 && have >= this.rank(need);
    }

    // mutating: does the method need more than read (write or admin)?
    mutating(method) {
        const need = this.required(method);
        return need !== undefined && this.rank(need) > this.rank('read');
    }

    topics() {
        return [...this.notifications.values()].map((n) => n.topic);
    }
}

// loadMethods: fetch methods.json relative to the page (browser) or read it
// through the given loader (tests). Returns a MethodTable.
export async function loadMethods(fetchJson = defaultFetch) {
    return new MethodTable(await fetchJson('proto/methods.json'));
}

async function defaultFetch(path) {
    const r = await fetch(path, { cache: 'no-store' });
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return r.json();
}
