# 'is' compares identity, '==' compares values.
a = [1, 2]
b = [1, 2]
print(a == b, a is b)
c = a
print(c is a)
x = 5
y = 5
print(x is y)
big1 = 10**20
big2 = 10**20
print(big1 == big2, big1 is big2)
n = None
print(n is None, n == None)
s1 = "hello"
s2 = "hello"
print(s1 is s2)
s3 = "".join(["hel", "lo"])
print(s3 == s1, s3 is s1)
print(1 == 1.0, True == 1)
t1 = (1, 2)
t2 = (1, 2)
print(t1 == t2)
