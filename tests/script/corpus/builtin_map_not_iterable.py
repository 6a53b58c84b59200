# map() makes its iterators at once (issue 5)
m = map(abs, [1], 5)
