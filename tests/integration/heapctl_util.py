"""heapctl_util.py: runs the real heapctl against a real heapd (harness.Server)
for the test_heapctl_*.py integration tests.

heapctl is found through $HEAPCTL, else next to heapd in the build tree
(build/daemon/server/heapd -> build/client/heapctl). Every --json output a
test reads is validated against the protocol's JSON Schemas (proto/schema):
the method's result schema, so heapctl's --json really is "exactly the
result object".
"""
import json
import os
import subprocess

import harness

HEAPCTL = os.environ.get("HEAPCTL") or os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(harness.HEAPD)), "../../client/heapctl"))


def ctl(server, *args, input=None, env=None, url=None, timeout=30):
    """Run heapctl with --url pointing at server (unless url is given or
    server is None). Returns the CompletedProcess (text mode)."""
    cmd = [HEAPCTL]
    if url is not None:
        cmd += ["--url", url]
    elif server is not None:
        cmd += ["--url", server.url]
    cmd += [str(a) for a in args]
    full_env = dict(os.environ)
    full_env.pop("HEAPD_URL", None)
    full_env.pop("HEAPD_TOKEN", None)
    full_env.pop("NO_COLOR", None)
    full_env.update(env or {})
    return subprocess.run(cmd, input=input, capture_output=True, text=True, env=full_env,
                          timeout=timeout)


def ok(server, *args, **kw):
    """heapctl must exit 0; returns its stdout."""
    r = ctl(server, *args, **kw)
    assert r.returncode == 0, f"heapctl {' '.join(map(str, args))}: exit {r.returncode}\n{r.stderr}{r.stdout}"
    assert r.stderr == "" or "freed at once" in r.stderr, r.stderr
    return r.stdout


def fails(server, code, exit_code, *args, **kw):
    """heapctl must exit exit_code (1 for server errors) with the server's
    code on stderr; returns stderr."""
    r = ctl(server, *args, **kw)
    assert r.returncode == exit_code, f"heapctl {args}: exit {r.returncode}, wanted {exit_code}\n{r.stderr}{r.stdout}"
    if code is not None:
        assert f"error {code}:" in r.stderr, r.stderr
    assert r.stdout == "", r.stdout
    return r.stderr


def js(server, method, *args, **kw):
    """heapctl --json ARGS; the output must be one JSON object valid against
    method's result schema. Returns it."""
    out = ok(server, "--json", *args, **kw)
    assert out.endswith("\n") and out.count("\n") == 1, repr(out)
    doc = json.loads(out)
    if method is not None:
        harness.check_schema(f"methods/{method}.json#/$defs/result", doc)
        harness.VALIDATED["results"] += 1
    return doc
