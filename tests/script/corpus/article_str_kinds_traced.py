# Strings of the kinds: sizes and tracemalloc.
import sys
import gc
import tracemalloc

gc.collect()
tracemalloc.start()
words = ["abc", "café", "日本語", "emoji 😀"]
for w in words:
    b = tracemalloc.get_traced_memory()[0]
    s = w * 10
    r = repr(s)
    print(len(s), sys.getsizeof(s), sys.getsizeof(r), tracemalloc.get_traced_memory()[0] - b)
tracemalloc.reset_peak()
b = tracemalloc.get_traced_memory()[0]
print(words)
print(tracemalloc.get_traced_memory()[1] - b)
tracemalloc.stop()
