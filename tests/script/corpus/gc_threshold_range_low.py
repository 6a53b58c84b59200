# gc.set_threshold: below a C int's minimum (issue 5)
import gc

gc.set_threshold(700, -2**31 - 1)
