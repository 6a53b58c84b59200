# vars() of an object without __dict__ is a TypeError (issue 5)
vars(42)
