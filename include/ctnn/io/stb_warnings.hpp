// CTNN_IO_STB_WARNINGS_OFF / _ON: bracket an stb include so the warnings stb's code
// triggers under strict flags (unused static functions, {0} initializers, implicit
// conversions, C casts) are silenced for that code only, even when stb is not found
// under a system include path.
#pragma once

#if defined(__clang__)
#define CTNN_IO_STB_WARNINGS_OFF                                                                            \
    _Pragma("clang diagnostic push") _Pragma("clang diagnostic ignored \"-Wunused-function\"")              \
        _Pragma("clang diagnostic ignored \"-Wmissing-field-initializers\"")                                \
            _Pragma("clang diagnostic ignored \"-Wconversion\"")                                            \
                _Pragma("clang diagnostic ignored \"-Wsign-conversion\"")                                   \
                    _Pragma("clang diagnostic ignored \"-Wold-style-cast\"")                                \
                        _Pragma("clang diagnostic ignored \"-Wcast-align\"")                                \
                            _Pragma("clang diagnostic ignored \"-Wshadow\"")                                \
                                _Pragma("clang diagnostic ignored \"-Wdouble-promotion\"")                  \
                                    _Pragma("clang diagnostic ignored \"-Wimplicit-fallthrough\"") _Pragma( \
                                        "clang diagnostic ignored \"-Wzero-as-null-pointer-constant\"")
#define CTNN_IO_STB_WARNINGS_ON _Pragma("clang diagnostic pop")
#elif defined(__GNUC__)
#define CTNN_IO_STB_WARNINGS_OFF                                                                          \
    _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wunused-function\"")                \
        _Pragma("GCC diagnostic ignored \"-Wmissing-field-initializers\"")                                \
            _Pragma("GCC diagnostic ignored \"-Wconversion\"")                                            \
                _Pragma("GCC diagnostic ignored \"-Wsign-conversion\"")                                   \
                    _Pragma("GCC diagnostic ignored \"-Wold-style-cast\"")                                \
                        _Pragma("GCC diagnostic ignored \"-Wcast-align\"")                                \
                            _Pragma("GCC diagnostic ignored \"-Wshadow\"")                                \
                                _Pragma("GCC diagnostic ignored \"-Wdouble-promotion\"")                  \
                                    _Pragma("GCC diagnostic ignored \"-Wimplicit-fallthrough\"") _Pragma( \
                                        "GCC diagnostic ignored \"-Wzero-as-null-pointer-constant\"")     \
                                        _Pragma("GCC diagnostic ignored \"-Wuseless-cast\"")              \
                                            _Pragma("GCC diagnostic ignored \"-Wstrict-aliasing\"")
#define CTNN_IO_STB_WARNINGS_ON _Pragma("GCC diagnostic pop")
#else
#define CTNN_IO_STB_WARNINGS_OFF
#define CTNN_IO_STB_WARNINGS_ON
#endif
