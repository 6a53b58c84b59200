/*
 * builtins_list.h: every builtin of the heap script language, in one
 * X-macro table (internal; included by vm.h):
 *
 *     X(ID, "name", kind, module, owner type, flags, implementation)
 *
 * kind is HD_BUILTIN_FUNCTION, _TYPE, _MODULE or _METHOD; module says where
 * the name is found (the builtins, a module, or the methods of the builtin
 * type `owner`); a type's owner is the hd type it stands for (HD_TYPE_COUNT
 * for the ones that have none). The implementations live in builtins.c,
 * builtins_num.c, builtins_obj.c, methods.c, methods_str.c and modules.c.
 * The order gives the builtins' numbers, which exports carry (graph
 * aux[0]): new ones go at the end.
 */
#ifndef SC_BUILTINS_LIST_H
#define SC_BUILTINS_LIST_H

#define SC_BK_F   HD_BUILTIN_FUNCTION
#define SC_BK_T   HD_BUILTIN_TYPE
#define SC_BK_M   HD_BUILTIN_METHOD
#define SC_BK_MOD HD_BUILTIN_MODULE
#define SC_NOT    HD_TYPE_COUNT

#define SC_BUILTINS(X)                                                                             \
    /* builtin functions */                                                                        \
    X(PRINT, "print", SC_BK_F, BM_BUILTINS, SC_NOT, SC_BF_VARARGS, bi_print)                       \
    X(LEN, "len", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_len)                                         \
    X(ID, "id", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_id)                                            \
    X(REPR, "repr", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_repr)                                      \
    X(ISINSTANCE, "isinstance", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_isinstance)                    \
    X(ISSUBCLASS, "issubclass", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_issubclass)                    \
    X(HEX, "hex", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_hex)                                         \
    X(OCT, "oct", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_oct)                                         \
    X(BIN, "bin", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_bin)                                         \
    X(ABS, "abs", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_abs)                                         \
    X(MIN, "min", SC_BK_F, BM_BUILTINS, SC_NOT, SC_BF_VARARGS, bi_min)                             \
    X(MAX, "max", SC_BK_F, BM_BUILTINS, SC_NOT, SC_BF_VARARGS, bi_max)                             \
    X(SUM, "sum", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_sum)                                         \
    X(SORTED, "sorted", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_sorted)                                \
    X(ITER, "iter", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_iter)                                      \
    X(NEXT, "next", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_next)                                      \
    X(HASATTR, "hasattr", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_hasattr)                             \
    X(GETATTR, "getattr", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_getattr)                             \
    X(SETATTR, "setattr", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_setattr)                             \
    X(DELATTR, "delattr", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_delattr)                             \
    X(CALLABLE, "callable", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_callable)                          \
    X(HASH, "hash", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_hash)                                      \
    X(ROUND, "round", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_round)                                   \
    X(CHR, "chr", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_chr)                                         \
    X(ORD, "ord", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_ord)                                         \
    X(DIVMOD, "divmod", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_divmod)                                \
    X(POW, "pow", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_pow)                                         \
    X(ALL, "all", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_all)                                         \
    X(ANY, "any", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_any)                                         \
    X(FORMAT, "format", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_format)                                \
    X(BUILD_CLASS, "__build_class__", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_build_class)             \
    /* builtin types */                                                                            \
    X(T_INT, "int", SC_BK_T, BM_BUILTINS, HD_T_INT, SC_BF_VARARGS, ty_int)                         \
    X(T_FLOAT, "float", SC_BK_T, BM_BUILTINS, HD_T_FLOAT, 0, ty_float)                             \
    X(T_STR, "str", SC_BK_T, BM_BUILTINS, HD_T_STR, SC_BF_VARARGS, ty_str)                         \
    X(T_BOOL, "bool", SC_BK_T, BM_BUILTINS, HD_T_BOOL, 0, ty_bool)                                 \
    X(T_BYTES, "bytes", SC_BK_T, BM_BUILTINS, HD_T_BYTES, SC_BF_VARARGS, ty_bytes)                 \
    X(T_LIST, "list", SC_BK_T, BM_BUILTINS, HD_T_LIST, 0, ty_list)                                 \
    X(T_TUPLE, "tuple", SC_BK_T, BM_BUILTINS, HD_T_TUPLE, 0, ty_tuple)                             \
    X(T_DICT, "dict", SC_BK_T, BM_BUILTINS, HD_T_DICT, 0, ty_dict)                                 \
    X(T_SET, "set", SC_BK_T, BM_BUILTINS, HD_T_SET, 0, ty_set)                                     \
    X(T_OBJECT, "object", SC_BK_T, BM_BUILTINS, HD_T_OBJECT, 0, ty_object)                         \
    X(T_TYPE, "type", SC_BK_T, BM_BUILTINS, HD_T_CLASS, 0, ty_type)                                \
    X(T_RANGE, "range", SC_BK_T, BM_BUILTINS, HD_T_RANGE, 0, ty_range)                             \
    X(T_ENUMERATE, "enumerate", SC_BK_T, BM_BUILTINS, HD_T_ENUMERATE, 0, ty_enumerate)             \
    X(T_ZIP, "zip", SC_BK_T, BM_BUILTINS, HD_T_ZIP, 0, ty_zip)                                     \
    X(T_REVERSED, "reversed", SC_BK_T, BM_BUILTINS, HD_T_REVITER, 0, ty_reversed)                  \
    X(T_SLICE, "slice", SC_BK_T, BM_BUILTINS, HD_T_SLICE, SC_BF_VARARGS, ty_slice)                 \
    /* types without a builtin name */                                                             \
    X(T_NONE, "NoneType", SC_BK_T, BM_NONE, HD_T_NONE, SC_BF_NOCALL, NULL)                         \
    X(T_FUNCTION, "function", SC_BK_T, BM_NONE, HD_T_FUNCTION, SC_BF_NOCALL, NULL)                 \
    X(T_METHOD, "method", SC_BK_T, BM_NONE, HD_T_METHOD, SC_BF_NOCALL, NULL)                       \
    X(T_CODE, "code", SC_BK_T, BM_NONE, HD_T_CODE, SC_BF_NOCALL, NULL)                             \
    X(T_CELL, "cell", SC_BK_T, BM_NONE, HD_T_CELL, SC_BF_NOCALL, NULL)                             \
    X(T_BUILTIN_FN, "builtin_function_or_method", SC_BK_T, BM_NONE, HD_T_CMETHOD, SC_BF_NOCALL,    \
      NULL)                                                                                        \
    X(T_METHOD_DESCR, "method_descriptor", SC_BK_T, BM_NONE, SC_NOT, SC_BF_NOCALL, NULL)           \
    X(T_MODULE, "module", SC_BK_T, BM_NONE, SC_NOT, SC_BF_NOCALL, NULL)                            \
    X(T_GETSET, "getset_descriptor", SC_BK_T, BM_NONE, HD_T_DESCR, SC_BF_NOCALL, NULL)             \
    X(T_MEMBER, "member_descriptor", SC_BK_T, BM_NONE, SC_NOT, SC_BF_NOCALL, NULL)                 \
    X(T_RANGEITER, "range_iterator", SC_BK_T, BM_NONE, HD_T_RANGEITER, SC_BF_NOCALL, NULL)         \
    X(T_LISTITER, "list_iterator", SC_BK_T, BM_NONE, HD_T_SEQITER, SC_BF_NOCALL, NULL)             \
    X(T_TUPLEITER, "tuple_iterator", SC_BK_T, BM_NONE, SC_NOT, SC_BF_NOCALL, NULL)                 \
    X(T_STRITER, "str_iterator", SC_BK_T, BM_NONE, SC_NOT, SC_BF_NOCALL, NULL)                     \
    X(T_STRASCIIITER, "str_ascii_iterator", SC_BK_T, BM_NONE, SC_NOT, SC_BF_NOCALL, NULL)          \
    X(T_DICTKEYITER, "dict_keyiterator", SC_BK_T, BM_NONE, HD_T_DICTITER, SC_BF_NOCALL, NULL)      \
    X(T_DICTVALITER, "dict_valueiterator", SC_BK_T, BM_NONE, SC_NOT, SC_BF_NOCALL, NULL)           \
    X(T_DICTITEMITER, "dict_itemiterator", SC_BK_T, BM_NONE, SC_NOT, SC_BF_NOCALL, NULL)           \
    X(T_SETITER, "set_iterator", SC_BK_T, BM_NONE, HD_T_SETITER, SC_BF_NOCALL, NULL)               \
    X(T_DICTKEYS, "dict_keys", SC_BK_T, BM_NONE, HD_T_DICTVIEW, SC_BF_NOCALL, NULL)                \
    X(T_DICTVALUES, "dict_values", SC_BK_T, BM_NONE, SC_NOT, SC_BF_NOCALL, NULL)                   \
    X(T_DICTITEMS, "dict_items", SC_BK_T, BM_NONE, SC_NOT, SC_BF_NOCALL, NULL)                     \
    /* exceptions (isinstance only) */                                                             \
    X(T_EXCEPTION, "Exception", SC_BK_T, BM_BUILTINS, SC_NOT, SC_BF_NOCALL, NULL)                  \
    /* modules */                                                                                  \
    X(MOD_SYS, "sys", SC_BK_MOD, BM_NONE, SC_NOT, 0, NULL)                                         \
    X(MOD_GC, "gc", SC_BK_MOD, BM_NONE, SC_NOT, 0, NULL)                                           \
    X(MOD_WEAKREF, "weakref", SC_BK_MOD, BM_NONE, SC_NOT, 0, NULL)                                 \
    X(MOD_TRACEMALLOC, "tracemalloc", SC_BK_MOD, BM_NONE, SC_NOT, 0, NULL)                         \
    /* sys */                                                                                      \
    X(SYS_GETREFCOUNT, "getrefcount", SC_BK_F, BM_SYS, SC_NOT, 0, sys_getrefcount)                 \
    X(SYS_GETSIZEOF, "getsizeof", SC_BK_F, BM_SYS, SC_NOT, SC_BF_VARARGS, sys_getsizeof)           \
    X(SYS_GETRECURSIONLIMIT, "getrecursionlimit", SC_BK_F, BM_SYS, SC_NOT, 0,                      \
      sys_getrecursionlimit)                                                                       \
    X(SYS_SETRECURSIONLIMIT, "setrecursionlimit", SC_BK_F, BM_SYS, SC_NOT, 0,                      \
      sys_setrecursionlimit)                                                                       \
    /* gc */                                                                                       \
    X(GC_COLLECT, "collect", SC_BK_F, BM_GC, SC_NOT, 0, gc_collect)                                \
    X(GC_ENABLE, "enable", SC_BK_F, BM_GC, SC_NOT, 0, gc_enable)                                   \
    X(GC_DISABLE, "disable", SC_BK_F, BM_GC, SC_NOT, 0, gc_disable)                                \
    X(GC_ISENABLED, "isenabled", SC_BK_F, BM_GC, SC_NOT, 0, gc_isenabled)                          \
    X(GC_GET_COUNT, "get_count", SC_BK_F, BM_GC, SC_NOT, 0, gc_get_count)                          \
    X(GC_GET_THRESHOLD, "get_threshold", SC_BK_F, BM_GC, SC_NOT, 0, gc_get_threshold)              \
    X(GC_SET_THRESHOLD, "set_threshold", SC_BK_F, BM_GC, SC_NOT, SC_BF_VARARGS, gc_set_threshold)  \
    X(GC_GET_STATS, "get_stats", SC_BK_F, BM_GC, SC_NOT, 0, gc_get_stats)                          \
    X(GC_IS_TRACKED, "is_tracked", SC_BK_F, BM_GC, SC_NOT, 0, gc_is_tracked)                       \
    X(GC_IS_FINALIZED, "is_finalized", SC_BK_F, BM_GC, SC_NOT, 0, gc_is_finalized)                 \
    X(GC_GET_REFERRERS, "get_referrers", SC_BK_F, BM_GC, SC_NOT, SC_BF_VARARGS, gc_get_referrers)  \
    X(GC_GET_REFERENTS, "get_referents", SC_BK_F, BM_GC, SC_NOT, SC_BF_VARARGS, gc_get_referents)  \
    X(GC_GET_OBJECTS, "get_objects", SC_BK_F, BM_GC, SC_NOT, 0, gc_get_objects)                    \
    X(GC_FREEZE, "freeze", SC_BK_F, BM_GC, SC_NOT, 0, gc_freeze)                                   \
    X(GC_UNFREEZE, "unfreeze", SC_BK_F, BM_GC, SC_NOT, 0, gc_unfreeze)                             \
    X(GC_GET_FREEZE_COUNT, "get_freeze_count", SC_BK_F, BM_GC, SC_NOT, 0, gc_get_freeze_count)     \
    X(GC_SET_DEBUG, "set_debug", SC_BK_F, BM_GC, SC_NOT, 0, gc_set_debug)                          \
    X(GC_GET_DEBUG, "get_debug", SC_BK_F, BM_GC, SC_NOT, 0, gc_get_debug)                          \
    /* weakref */                                                                                  \
    X(WR_REF, "ref", SC_BK_T, BM_WEAKREF, HD_T_WEAKREF, SC_BF_VARARGS, wr_ref)                     \
    X(WR_GETWEAKREFCOUNT, "getweakrefcount", SC_BK_F, BM_WEAKREF, SC_NOT, 0, wr_getweakrefcount)   \
    X(WR_GETWEAKREFS, "getweakrefs", SC_BK_F, BM_WEAKREF, SC_NOT, 0, wr_getweakrefs)               \
    X(WR_FINALIZE, "finalize", SC_BK_T, BM_WEAKREF, SC_NOT, 0, wr_finalize)                        \
    /* tracemalloc */                                                                              \
    X(TM_START, "start", SC_BK_F, BM_TRACEMALLOC, SC_NOT, 0, tm_start)                             \
    X(TM_STOP, "stop", SC_BK_F, BM_TRACEMALLOC, SC_NOT, 0, tm_stop)                                \
    X(TM_IS_TRACING, "is_tracing", SC_BK_F, BM_TRACEMALLOC, SC_NOT, 0, tm_is_tracing)              \
    X(TM_GET_TRACED_MEMORY, "get_traced_memory", SC_BK_F, BM_TRACEMALLOC, SC_NOT, 0,               \
      tm_get_traced_memory)                                                                        \
    X(TM_RESET_PEAK, "reset_peak", SC_BK_F, BM_TRACEMALLOC, SC_NOT, 0, tm_reset_peak)              \
    X(TM_CLEAR_TRACES, "clear_traces", SC_BK_F, BM_TRACEMALLOC, SC_NOT, 0, tm_clear_traces)        \
    X(TM_TAKE_SNAPSHOT, "take_snapshot", SC_BK_F, BM_TRACEMALLOC, SC_NOT, 0, tm_take_snapshot)     \
    X(TM_GET_TRACEBACK_LIMIT, "get_traceback_limit", SC_BK_F, BM_TRACEMALLOC, SC_NOT, 0,           \
      tm_get_traceback_limit)                                                                      \
    /* list */                                                                                     \
    X(L_APPEND, "append", SC_BK_M, BM_TYPE_METHOD, HD_T_LIST, 0, m_list_append)                    \
    X(L_EXTEND, "extend", SC_BK_M, BM_TYPE_METHOD, HD_T_LIST, 0, m_list_extend)                    \
    X(L_INSERT, "insert", SC_BK_M, BM_TYPE_METHOD, HD_T_LIST, 0, m_list_insert)                    \
    X(L_POP, "pop", SC_BK_M, BM_TYPE_METHOD, HD_T_LIST, 0, m_list_pop)                             \
    X(L_REMOVE, "remove", SC_BK_M, BM_TYPE_METHOD, HD_T_LIST, 0, m_list_remove)                    \
    X(L_CLEAR, "clear", SC_BK_M, BM_TYPE_METHOD, HD_T_LIST, 0, m_list_clear)                       \
    X(L_INDEX, "index", SC_BK_M, BM_TYPE_METHOD, HD_T_LIST, 0, m_seq_index)                        \
    X(L_COUNT, "count", SC_BK_M, BM_TYPE_METHOD, HD_T_LIST, 0, m_seq_count)                        \
    X(L_COPY, "copy", SC_BK_M, BM_TYPE_METHOD, HD_T_LIST, 0, m_list_copy)                          \
    X(L_REVERSE, "reverse", SC_BK_M, BM_TYPE_METHOD, HD_T_LIST, 0, m_list_reverse)                 \
    X(L_SORT, "sort", SC_BK_M, BM_TYPE_METHOD, HD_T_LIST, 0, m_list_sort)                          \
    /* tuple */                                                                                    \
    X(TU_INDEX, "index", SC_BK_M, BM_TYPE_METHOD, HD_T_TUPLE, 0, m_seq_index)                      \
    X(TU_COUNT, "count", SC_BK_M, BM_TYPE_METHOD, HD_T_TUPLE, 0, m_seq_count)                      \
    /* dict */                                                                                     \
    X(D_GET, "get", SC_BK_M, BM_TYPE_METHOD, HD_T_DICT, 0, m_dict_get)                             \
    X(D_KEYS, "keys", SC_BK_M, BM_TYPE_METHOD, HD_T_DICT, 0, m_dict_keys)                          \
    X(D_VALUES, "values", SC_BK_M, BM_TYPE_METHOD, HD_T_DICT, 0, m_dict_values)                    \
    X(D_ITEMS, "items", SC_BK_M, BM_TYPE_METHOD, HD_T_DICT, 0, m_dict_items)                       \
    X(D_POP, "pop", SC_BK_M, BM_TYPE_METHOD, HD_T_DICT, 0, m_dict_pop)                             \
    X(D_POPITEM, "popitem", SC_BK_M, BM_TYPE_METHOD, HD_T_DICT, 0, m_dict_popitem)                 \
    X(D_SETDEFAULT, "setdefault", SC_BK_M, BM_TYPE_METHOD, HD_T_DICT, 0, m_dict_setdefault)        \
    X(D_UPDATE, "update", SC_BK_M, BM_TYPE_METHOD, HD_T_DICT, SC_BF_VARARGS, m_dict_update)        \
    X(D_CLEAR, "clear", SC_BK_M, BM_TYPE_METHOD, HD_T_DICT, 0, m_dict_clear)                       \
    X(D_COPY, "copy", SC_BK_M, BM_TYPE_METHOD, HD_T_DICT, 0, m_dict_copy)                          \
    /* set */                                                                                      \
    X(S_ADD, "add", SC_BK_M, BM_TYPE_METHOD, HD_T_SET, 0, m_set_add)                               \
    X(S_DISCARD, "discard", SC_BK_M, BM_TYPE_METHOD, HD_T_SET, 0, m_set_discard)                   \
    X(S_REMOVE, "remove", SC_BK_M, BM_TYPE_METHOD, HD_T_SET, 0, m_set_remove)                      \
    X(S_POP, "pop", SC_BK_M, BM_TYPE_METHOD, HD_T_SET, 0, m_set_pop)                               \
    X(S_CLEAR, "clear", SC_BK_M, BM_TYPE_METHOD, HD_T_SET, 0, m_set_clear)                         \
    X(S_COPY, "copy", SC_BK_M, BM_TYPE_METHOD, HD_T_SET, 0, m_set_copy)                            \
    X(S_UPDATE, "update", SC_BK_M, BM_TYPE_METHOD, HD_T_SET, SC_BF_VARARGS, m_set_update)          \
    X(S_UNION, "union", SC_BK_M, BM_TYPE_METHOD, HD_T_SET, SC_BF_VARARGS, m_set_union)             \
    X(S_INTERSECTION, "intersection", SC_BK_M, BM_TYPE_METHOD, HD_T_SET, SC_BF_VARARGS,            \
      m_set_intersection)                                                                          \
    X(S_DIFFERENCE, "difference", SC_BK_M, BM_TYPE_METHOD, HD_T_SET, SC_BF_VARARGS,                \
      m_set_difference)                                                                            \
    X(S_ISSUBSET, "issubset", SC_BK_M, BM_TYPE_METHOD, HD_T_SET, 0, m_set_issubset)                \
    X(S_ISSUPERSET, "issuperset", SC_BK_M, BM_TYPE_METHOD, HD_T_SET, 0, m_set_issuperset)          \
    /* str */                                                                                      \
    X(STR_JOIN, "join", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_join)                          \
    X(STR_FORMAT, "format", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, SC_BF_VARARGS, m_str_format)        \
    X(STR_UPPER, "upper", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_upper)                       \
    X(STR_LOWER, "lower", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_lower)                       \
    X(STR_STRIP, "strip", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_strip)                       \
    X(STR_LSTRIP, "lstrip", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_lstrip)                    \
    X(STR_RSTRIP, "rstrip", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_rstrip)                    \
    X(STR_SPLIT, "split", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_split)                       \
    X(STR_REPLACE, "replace", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_replace)                 \
    X(STR_STARTSWITH, "startswith", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, SC_BF_VARARGS,              \
      m_str_startswith)                                                                            \
    X(STR_ENDSWITH, "endswith", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, SC_BF_VARARGS, m_str_endswith)  \
    X(STR_FIND, "find", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, SC_BF_VARARGS, m_str_find)              \
    X(STR_COUNT, "count", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, SC_BF_VARARGS, m_str_count)           \
    X(STR_ISDIGIT, "isdigit", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_isdigit)                 \
    X(STR_ISALPHA, "isalpha", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_isalpha)                 \
    X(STR_LJUST, "ljust", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_ljust)                       \
    X(STR_RJUST, "rjust", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_rjust)                       \
    X(STR_CENTER, "center", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_center)                    \
    X(STR_ZFILL, "zfill", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_zfill)                       \
    /* int, float, bytes */                                                                        \
    X(INT_BIT_LENGTH, "bit_length", SC_BK_M, BM_TYPE_METHOD, HD_T_INT, 0, m_int_bit_length)        \
    X(FLOAT_IS_INTEGER, "is_integer", SC_BK_M, BM_TYPE_METHOD, HD_T_FLOAT, 0, m_float_is_integer)  \
    X(BYTES_DECODE, "decode", SC_BK_M, BM_TYPE_METHOD, HD_T_BYTES, 0, m_bytes_decode)              \
    /* methods of the support classes (found through sc_special_getattr) */                        \
    X(FIN_DETACH, "detach", SC_BK_M, BM_NONE, SC_NOT, 0, sp_fin_detach)                            \
    X(FIN_PEEK, "peek", SC_BK_M, BM_NONE, SC_NOT, 0, sp_fin_peek)                                  \
    X(SNAP_STATISTICS, "statistics", SC_BK_M, BM_NONE, SC_NOT, 0, sp_snap_statistics)              \
    X(SNAP_COMPARE_TO, "compare_to", SC_BK_M, BM_NONE, SC_NOT, 0, sp_snap_compare_to)              \
    /* added later: appended, so that exported builtin numbers stay valid */                       \
    X(T_MAPPINGPROXY, "mappingproxy", SC_BK_T, BM_NONE, SC_NOT, SC_BF_NOCALL, NULL)                \
    X(TYPE_SUBCLASSES, "__subclasses__", SC_BK_M, BM_NONE, SC_NOT, 0, ty_subclasses)               \
    X(T_MAP, "map", SC_BK_T, BM_BUILTINS, HD_T_MAP, 0, ty_map)                                     \
    X(T_FILTER, "filter", SC_BK_T, BM_BUILTINS, HD_T_FILTER, 0, ty_filter)                         \
    X(ASCII, "ascii", SC_BK_F, BM_BUILTINS, SC_NOT, 0, bi_ascii)                                   \
    X(VARS, "vars", SC_BK_F, BM_BUILTINS, SC_NOT, SC_BF_VARARGS, bi_vars)                          \
    X(S_DIFFERENCE_UPDATE, "difference_update", SC_BK_M, BM_TYPE_METHOD, HD_T_SET, SC_BF_VARARGS,  \
      m_set_difference_update)                                                                     \
    X(S_INTERSECTION_UPDATE, "intersection_update", SC_BK_M, BM_TYPE_METHOD, HD_T_SET,             \
      SC_BF_VARARGS, m_set_intersection_update)                                                    \
    X(S_ISDISJOINT, "isdisjoint", SC_BK_M, BM_TYPE_METHOD, HD_T_SET, 0, m_set_isdisjoint)          \
    X(S_SYMMETRIC_DIFFERENCE, "symmetric_difference", SC_BK_M, BM_TYPE_METHOD, HD_T_SET, 0,        \
      m_set_symmetric_difference)                                                                  \
    X(S_SYMMETRIC_DIFFERENCE_UPDATE, "symmetric_difference_update", SC_BK_M, BM_TYPE_METHOD,       \
      HD_T_SET, 0, m_set_symmetric_difference_update)                                              \
    X(STR_RSPLIT, "rsplit", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_rsplit)                    \
    X(STR_RFIND, "rfind", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, SC_BF_VARARGS, m_str_rfind)           \
    X(STR_INDEX, "index", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, SC_BF_VARARGS, m_str_index)           \
    X(STR_RINDEX, "rindex", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, SC_BF_VARARGS, m_str_rindex)        \
    X(STR_PARTITION, "partition", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_partition)           \
    X(STR_RPARTITION, "rpartition", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_rpartition)        \
    X(STR_SPLITLINES, "splitlines", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_splitlines)        \
    X(STR_REMOVEPREFIX, "removeprefix", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_removeprefix)  \
    X(STR_REMOVESUFFIX, "removesuffix", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_removesuffix)  \
    X(STR_TITLE, "title", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_title)                       \
    X(STR_CAPITALIZE, "capitalize", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_capitalize)        \
    X(STR_SWAPCASE, "swapcase", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_swapcase)              \
    X(STR_ISSPACE, "isspace", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_isspace)                 \
    X(STR_ISUPPER, "isupper", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_isupper)                 \
    X(STR_ISLOWER, "islower", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_islower)                 \
    X(STR_ISALNUM, "isalnum", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_isalnum)                 \
    X(STR_ISASCII, "isascii", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_isascii)                 \
    X(STR_ISDECIMAL, "isdecimal", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_isdecimal)           \
    X(STR_ISNUMERIC, "isnumeric", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_isnumeric)           \
    X(SYS_INTERN, "intern", SC_BK_F, BM_SYS, SC_NOT, 0, sys_intern)                                \
    X(T_FROZENSET, "frozenset", SC_BK_T, BM_BUILTINS, HD_T_FROZENSET, 0, ty_frozenset)             \
    X(FS_COPY, "copy", SC_BK_M, BM_TYPE_METHOD, HD_T_FROZENSET, 0, m_frozenset_copy)               \
    X(FS_UNION, "union", SC_BK_M, BM_TYPE_METHOD, HD_T_FROZENSET, SC_BF_VARARGS, m_set_union)      \
    X(FS_INTERSECTION, "intersection", SC_BK_M, BM_TYPE_METHOD, HD_T_FROZENSET, SC_BF_VARARGS,     \
      m_set_intersection)                                                                          \
    X(FS_DIFFERENCE, "difference", SC_BK_M, BM_TYPE_METHOD, HD_T_FROZENSET, SC_BF_VARARGS,         \
      m_set_difference)                                                                            \
    X(FS_SYMMETRIC_DIFFERENCE, "symmetric_difference", SC_BK_M, BM_TYPE_METHOD, HD_T_FROZENSET, 0, \
      m_set_symmetric_difference)                                                                  \
    X(FS_ISSUBSET, "issubset", SC_BK_M, BM_TYPE_METHOD, HD_T_FROZENSET, 0, m_set_issubset)         \
    X(FS_ISSUPERSET, "issuperset", SC_BK_M, BM_TYPE_METHOD, HD_T_FROZENSET, 0, m_set_issuperset)   \
    X(FS_ISDISJOINT, "isdisjoint", SC_BK_M, BM_TYPE_METHOD, HD_T_FROZENSET, 0, m_set_isdisjoint)   \
    X(STR_ENCODE, "encode", SC_BK_M, BM_TYPE_METHOD, HD_T_STR, 0, m_str_encode)                    \
    X(D_FROMKEYS, "fromkeys", SC_BK_M, BM_TYPE_METHOD, HD_T_DICT, SC_BF_CLASSMETHOD,               \
      m_dict_fromkeys)

enum sc_builtin_id {
#define SC_BI_ENUM(id, name, kind, module, owner, flags, fn) SC_BI_##id,
    SC_BUILTINS(SC_BI_ENUM)
#undef SC_BI_ENUM
        SC_NBUILTINS
};

#endif
