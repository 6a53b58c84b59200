# hd_add_unit_tests(TARGET name SOURCES ... LIBS ... LABELS ...)
#
# Builds one test program from SOURCES and registers every case in it as its
# own CTest test: a case is a line `TEST(case_name)` in a source file, and the
# program runs the case named by its first argument (the libuv habit: each
# case in its own process).
function(hd_add_unit_tests)
    cmake_parse_arguments(T "" "TARGET" "SOURCES;LIBS;LABELS" ${ARGN})
    add_executable(${T_TARGET} ${T_SOURCES} ${PROJECT_SOURCE_DIR}/tests/unit/test_main.c)
    target_include_directories(${T_TARGET} PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit)
    target_compile_definitions(${T_TARGET} PRIVATE _GNU_SOURCE)
    target_link_libraries(${T_TARGET} PRIVATE ${T_LIBS})
    hd_set_warnings(${T_TARGET})
    if(NOT T_LABELS)
        set(T_LABELS unit)
    endif()
    foreach(src ${T_SOURCES})
        file(STRINGS ${src} lines REGEX "^TEST\\([A-Za-z0-9_]+\\)")
        foreach(line ${lines})
            string(REGEX REPLACE "^TEST\\(([A-Za-z0-9_]+)\\).*" "\\1" case ${line})
            add_test(NAME ${T_TARGET}.${case} COMMAND ${T_TARGET} ${case})
            set_tests_properties(${T_TARGET}.${case} PROPERTIES LABELS "${T_LABELS}")
        endforeach()
    endforeach()
endfunction()
