# latin-1 takes code points below 256 only (issue 5)
print("ÿ".encode("latin-1"))
"x€".encode("latin-1")
