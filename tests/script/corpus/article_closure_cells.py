# A closure keeps its variables alive in cells.
import sys
import gc

def make_counter():
    count = [0]
    def inc():
        count[0] += 1
        return count[0]
    return inc

c1 = make_counter()
c2 = make_counter()
print(c1(), c1(), c2())
cell = c1.__closure__[0]
print(type(cell).__name__, cell.cell_contents)
print(sys.getrefcount(cell.cell_contents))
print(gc.is_tracked(cell), gc.is_tracked(c1))
print(cell in gc.get_referents(c1.__closure__))
del c1
print(sys.getrefcount(cell), cell.cell_contents)
