# gc.set_threshold: beyond a C long, PyLong_AsLong's error (issue 5)
import gc

gc.set_threshold(700, 10, -2**63 - 1)
