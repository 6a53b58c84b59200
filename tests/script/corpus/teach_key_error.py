# A missing key; get() avoids it.
ages = {"ada": 36, "alan": 41}
print(ages.get("grace"), ages.get("grace", 0))
print(ages["grace"])
