# is compares identity, == compares values.
a = [1, 2, 3]
b = [1, 2, 3]
c = a
print(a == b, a is b, a is c)
x = 256
y = 256
print(x is y)
m = 257
n = int("257")
print(m == n, m is n)
s1 = "python"
s2 = "python"
print(s1 is s2)
s3 = "".join(["py", "thon"])
print(s3 == s1, s3 is s1)
t1 = ()
t2 = ()
print(t1 is t2)
print(None is None, [] is [], {} == {})
