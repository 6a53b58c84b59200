# str.split / rsplit / splitlines / partition / rpartition as stringlib
# builds them: the preallocated list (12 slots at most), the text itself
# when nothing splits, shared empty and one-character strings (issue 5, s4)
import sys

s = "hello"
for parts in (s.split(), s.split(","), s.rsplit(), s.rsplit("l" * 9), s.splitlines()):
    print(parts, parts[0] is s, sys.getsizeof(parts))
text = "  the quick  brown\tfox  jumps\n"
print(text.split(), sys.getsizeof(text.split()))
print(text.split(None, 1), text.rsplit(None, 1), text.split(maxsplit=2))
print(text.rsplit(maxsplit=2), text.split(" "), text.rsplit(" ", 3))
print("a,b,,c,".split(","), "a,b,,c,".rsplit(",", 1), "a,b".split(",", 0))
print(sys.getsizeof("a,b,c".split(",", 1)), sys.getsizeof("a,b,c".split(",", 20)))
print(sys.getsizeof(",".join(["x"] * 30).split(",")), len(",".join(["x"] * 30).split(",")))
print("a--b--c".split("--"), "a--b--c".rsplit("--", 1), "----".split("--"))
print("".split(), "".split(","), "".rsplit("ab"), "   ".split(), "   ".rsplit(" "))
print("é ü".split(), "αβγ".split("β"), "x\u2003y\u3000z".split())
lines = "one\ntwo\r\nthree\rfour\x0bfive\x1cend"
print(lines.splitlines(), lines.splitlines(True), lines.splitlines(keepends=1))
print("".splitlines(), "\n".splitlines(), "x\n".splitlines(), "x\n\n".splitlines(True))
print(sys.getsizeof("a\nb\nc\nd\ne".splitlines()))
p = "key=value=more"
print(p.partition("="), p.rpartition("="), p.partition("#"), p.rpartition("#"))
h, sep, t = p.partition("=")
print(p.partition("#")[0] is p, p.rpartition("#")[2] is p)
print("a".partition("long"), "=x".partition("="), "x=".partition("="))
print(sys.getrefcount(p), [sys.getsizeof(x) for x in p.partition("=")])
