# assemble.cmake: builds the web root (run by web/CMakeLists.txt with
# cmake -P): a fresh copy of the page's files, the npm bundles in vendor/,
# proto/methods.json, and proto/enums.json taken from proto/schema/defs.json
# (the debug flags, topics and roles the page offers), so the page never
# holds a hand-written copy of a protocol constant.
#   -DSRC=web/ -DOUT=<web root> -DPROTO=proto/ -DNODE_MODULES=<dir> -DVENDOR=<files joined by commas>

foreach(v SRC OUT PROTO NODE_MODULES)
    if(NOT DEFINED ${v})
        message(FATAL_ERROR "assemble.cmake: -D${v}= is required")
    endif()
endforeach()

file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT}/vendor ${OUT}/proto)
file(COPY ${SRC}/index.html ${SRC}/favicon.svg ${SRC}/css ${SRC}/js DESTINATION ${OUT})

string(REPLACE "," ";" vendor "${VENDOR}")
foreach(f IN LISTS vendor)
    if(NOT EXISTS ${NODE_MODULES}/${f})
        message(FATAL_ERROR "web: ${NODE_MODULES}/${f} is missing: run `npm ci` at the repository's root")
    endif()
    file(COPY ${NODE_MODULES}/${f} DESTINATION ${OUT}/vendor)
endforeach()

file(COPY ${PROTO}/methods.json DESTINATION ${OUT}/proto)

file(READ ${PROTO}/schema/defs.json defs)
set(enums "{")
set(sep "")
foreach(name debug_flag topic role)
    string(JSON values GET "${defs}" "$defs" ${name} enum)
    string(APPEND enums "${sep}\"${name}\": ${values}")
    set(sep ", ")
endforeach()
string(APPEND enums "}\n")
file(WRITE ${OUT}/proto/enums.json "${enums}")
