# the largest float rounded at 10**308 is past the largest float (issue 5)
print(round(1.7976931348623157e308, -307))
print(round(1.7976931348623157e308, -308))
