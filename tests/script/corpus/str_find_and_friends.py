# str.find / rfind / index / rindex / count with start and end, and
# removeprefix / removesuffix (the text itself when nothing is removed)
# (issue 5, s4)
import sys

s = "abracadabra"
print(s.find("a"), s.find("a", 1), s.find("a", 1, 3), s.find("a", -4), s.find("a", -100, -9))
print(s.rfind("a"), s.rfind("a", 0, -1), s.rfind("bra", 2), s.rfind("z"), s.rfind(""))
print(s.find(""), s.find("", 5), s.find("", 11), s.find("", 12), s.rfind("", 3, 6))
print(s.index("c"), s.rindex("b"), s.count("a"), s.count("a", 3), s.count("a", 3, -3))
print(s.count(""), s.count("", 4, 6), s.count("", 20), s.count("abra"), s.count("aa"))
print(s.find("a", None, None), s.find("a", True), s.count("a", 2**70), s.find("b", -2**70))
print("ééé".find("é", 1), "x€y€".rfind("€"), "x€y€".count("€"))
print(s.removeprefix("abra"), s.removesuffix("abra"), s.removeprefix("") is s)
print(s.removeprefix("xyz") is s, s.removesuffix("zzz") is s, s.removeprefix(s), "ab".removeprefix("a"))
print(sys.getsizeof(s.removeprefix("a")), sys.getsizeof("ɑbc".removeprefix("ɑ")))
print(s.index("dab", 2, 10))
print(s.rindex("q"))
