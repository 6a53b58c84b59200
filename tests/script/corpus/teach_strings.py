# Strings: the size depends on the widest character.
import sys

for s in ["", "a", "abc", "é", "café", "€", "a€", "😀", "a😀"]:
    print(repr(s), len(s), sys.getsizeof(s))
print(sys.getsizeof("x" * 100), sys.getsizeof("é" * 100), sys.getsizeof("€" * 100))
word = "hello"
print(word.upper(), word[1:3], word * 2, sys.getsizeof(word + " world"))
print(sys.getsizeof(str(12345)), sys.getsizeof(f"{word}!"))
parts = "a,b,c".split(",")
print(parts, sys.getsizeof(parts), "-".join(parts))
