# gc.set_threshold checks its arguments as the 'i' format does (issue 5)
import gc

gc.set_threshold(-2**31, 2**31 - 1)
print(gc.get_threshold())
gc.set_threshold(700, 10, 10)
gc.set_threshold(2**31)
