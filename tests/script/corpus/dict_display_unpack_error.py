# '**' of something that is not a mapping (issue 5)
print({**{"a": 1}})
d = {**[("a", 1)]}
