# Built-in lists cannot be weakly referenced.
import weakref
weakref.ref([1, 2])
