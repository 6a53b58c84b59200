# Two instances pointing at each other survive del until the collector runs.
import gc

gc.collect()

class Person:
    def __init__(self, name):
        self.name = name
        self.friend = None

alice = Person("alice")
bob = Person("bob")
alice.friend = bob
bob.friend = alice
print(gc.is_tracked(alice), len(gc.get_referrers(bob)))
del alice, bob
print("collected:", gc.collect())
print("again:", gc.collect())
