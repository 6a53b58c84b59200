// paths.js: where the web tests find the repository's files (proto/,
// web/), whatever directory node --test runs them from.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const PROTO = path.join(ROOT, 'proto');
export const WEB = path.join(ROOT, 'web');

export function readJson(...parts) {
    return JSON.parse(fs.readFileSync(path.join(...parts), 'utf8'));
}

// vectors: every test vector of proto/vectors/, as {file, dir, vector}
export function vectors() {
    const out = [];
    for (const dir of ['valid', 'invalid']) {
        const d = path.join(PROTO, 'vectors', dir);
        for (const f of fs.readdirSync(d).filter((x) => x.endsWith('.json')).sort())
            out.push({ file: f, dir, vector: readJson(d, f) });
    }
    return out;
}
