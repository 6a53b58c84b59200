# str.title / capitalize / swapcase (case_operation's PyMem block while the
# result is made) and the is* predicates (issue 5, s4)
import tracemalloc

words = ["hello world", "HELLO", "hello2world x-ray o'neil", "", "a", "MiXeD CaSe 42"]
for w in words:
    print(repr(w.title()), repr(w.capitalize()), repr(w.swapcase()))
for w in ["   ", " \t\n", "", "a b", "\u2003\u3000", "\x1c", "\x85"]:
    print(repr(w), w.isspace())
for w in ["ABC", "AbC", "abc", "123", "ABC1", "a1!", "", "!!", "x9"]:
    print(repr(w), w.isupper(), w.islower(), w.isalnum(), w.isascii(), w.isdecimal(),
          w.isnumeric())
tracemalloc.start()
s = "word " * 40
tracemalloc.reset_peak()
t = s.title()
cur, peak = tracemalloc.get_traced_memory()
print(len(t), peak - cur)
tracemalloc.reset_peak()
c = s.capitalize()
cur, peak = tracemalloc.get_traced_memory()
print(peak - cur)
tracemalloc.stop()
