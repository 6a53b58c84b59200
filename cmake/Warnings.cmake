# hd_set_warnings(target): the project's warning set (STYLE.md); errors with HD_WERROR.
function(hd_set_warnings target)
    target_compile_options(${target} PRIVATE
        -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
        -Wpointer-arith -Wformat=2 -Wno-unused-parameter)
    if(HD_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()
