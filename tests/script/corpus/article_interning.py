# Identifier-like string constants are interned; computed ones are not.
a = "spam"
b = "spam"
print(a is b)
c = "hello world"
d = "hello world"
print(c is d)
e = "spa" + "m"
print(e is a)
f = "".join(["sp", "am"])
print(f is a, f == a)
g = "5"
h = chr(53)
print(g is h)
i = str(5)
j = str(5)
print(i is j, i == j)
k = "ab" * 2
print(k is "abab")
