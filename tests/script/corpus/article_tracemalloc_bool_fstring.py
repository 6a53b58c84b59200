# Flags and counters printed with f-strings while tracing.
import tracemalloc

tracemalloc.start()
done = False
steps = 0
log = []
while not done:
    steps += 1
    log.append(f"step {steps}: done={done}")
    if steps == 5:
        done = True
cur, peak = tracemalloc.get_traced_memory()
print(log[-1], len(log))
print(f"current={cur} peak={peak}")
print(str(done), repr(not done), f"{done}")
cur2, peak2 = tracemalloc.get_traced_memory()
print(cur2 - cur)
tracemalloc.stop()
