# HD_SANITIZE=ON builds everything with AddressSanitizer and UndefinedBehaviorSanitizer.
# UBSan is made fatal so that a finding fails the test that hit it.
if(HD_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                        -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
endif()
if(HD_COVERAGE)
    add_compile_options(--coverage -O0)
    add_link_options(--coverage)
endif()
if(HD_FUZZ)
    # coverage for libFuzzer in every library; the fuzz targets add the driver
    add_compile_options(-fsanitize=fuzzer-no-link)
endif()
