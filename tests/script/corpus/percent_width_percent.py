# '%5%' fetches an argument first (issue 5)
print("%5%" % ())
