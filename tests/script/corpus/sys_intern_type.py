# sys.intern takes a str only (issue 5)
import sys

print(sys.intern("ok"))
sys.intern(b"no")
