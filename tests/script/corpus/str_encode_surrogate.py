# a lone surrogate cannot be encoded to UTF-8 (issue 5)
print("ok".encode())
s = "a" + chr(0xd800) + chr(0xdc00) + "b"
print(len(s))
s.encode()
