# a list of the wrong length takes the iterator path, and says what it got
a, b, c = [1, 2]
