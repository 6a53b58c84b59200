// tree.test.js: how the dashboard is built, read from the repository: plain
// ES modules with relative imports only (no bundler, no build step to serve
// web/), every vendor file copied by the build from node_modules and none
// committed, the npm packages pinned by package.json and the lock file (with
// integrity hashes, for `npm ci`), and index.html naming nothing outside heapd.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, WEB } from './paths.js';

function walk(dir) {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

// the npm files web/CMakeLists.txt copies into the web root's vendor/
function vendorList() {
    const cm = fs.readFileSync(path.join(WEB, 'CMakeLists.txt'), 'utf8');
    const block = /set\(HD_WEB_VENDOR([^)]*)\)/.exec(cm)[1];
    return block.split(/\s+/).filter(Boolean);
}

test('the page\'s modules import one another by relative paths only', () => {
    const files = walk(path.join(WEB, 'js')).filter((f) => f.endsWith('.js'));
    assert.ok(files.length >= 20, `${files.length} modules`);
    const bad = [];
    for (const f of files) {
        const src = fs.readFileSync(f, 'utf8');
        for (const m of src.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)) {
            const spec = m[1] ?? m[2];
            if (!/^\.\.?\/.*\.js$/.test(spec)) bad.push(`${path.relative(ROOT, f)}: ${spec}`);
            else if (!fs.existsSync(path.resolve(path.dirname(f), spec))) bad.push(`${path.relative(ROOT, f)}: ${spec} is missing`);
        }
    }
    assert.deepEqual(bad, []);
});

test('nothing vendored or generated is in web/', () => {
    // the files of web/ in the source tree (a git checkout or not)
    const tracked = walk(WEB).map((f) => path.relative(ROOT, f).split(path.sep).join('/'));
    assert.ok(tracked.includes('web/index.html'));
    assert.deepEqual(tracked.filter((f) => /^web\/(vendor|proto)\/|(^|\/)node_modules\/|\.min\.(js|css)$|\.map$/.test(f)), []);
    // and no committed file is a copy of a file the build takes from node_modules
    const nm = path.join(ROOT, 'node_modules');
    const vendor = vendorList();
    assert.ok(vendor.length >= 2, vendor.join());
    if (!fs.existsSync(path.join(nm, vendor[0]))) return; // no npm ci here: the names suffice
    const copies = new Set(vendor.map((v) => fs.readFileSync(path.join(nm, v), 'utf8')));
    assert.deepEqual(tracked.filter((f) => copies.has(fs.readFileSync(path.join(ROOT, f), 'utf8'))), []);
});

test('the npm packages are pinned: package.json exact versions, the lock file agrees, with integrity', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
    const wanted = { ...pkg.dependencies, ...pkg.devDependencies };
    for (const [name, version] of Object.entries(wanted)) {
        assert.match(version, /^\d+\.\d+\.\d+$/, `${name}: ${version} is not an exact version`);
        assert.equal(lock.packages[`node_modules/${name}`]?.version, version, `${name} in the lock file`);
    }
    assert.deepEqual(lock.packages[''].dependencies, pkg.dependencies);
    assert.deepEqual(lock.packages[''].devDependencies, pkg.devDependencies);
    for (const [key, entry] of Object.entries(lock.packages)) {
        if (key) assert.match(entry.integrity || '', /^sha512-/, `${key} has no integrity hash`);
    }
    // every vendor file comes from a package the page depends on (not a dev one)
    for (const v of vendorList()) assert.ok(v.split('/')[0] in pkg.dependencies, `${v}: not a dependency`);
});

test('index.html loads nothing from outside heapd and runs no inline script or style', () => {
    const html = fs.readFileSync(path.join(WEB, 'index.html'), 'utf8');
    const urls = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    assert.ok(urls.length >= 5, urls.join());
    assert.deepEqual(urls.filter((u) => /^[a-z]+:|^\/\//i.test(u) && !u.startsWith('#')), []);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'an inline script');
    assert.doesNotMatch(html, /<style|\sstyle="|\son[a-z]+="/i, 'inline style or handler');
    for (const v of vendorList()) {
        const file = path.basename(v);
        assert.ok(urls.includes(`vendor/${file}`), `vendor/${file} is built but not loaded`);
    }
});
