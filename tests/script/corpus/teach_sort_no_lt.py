# Sorting instances that define no ordering.
class A:
    pass
print(sorted([A(), A()]))
