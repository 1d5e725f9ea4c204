# wasm32-wasi with Debian's clang-16 + lld-16, wasi-libc and libc++-16-dev-wasm32.
# Include paths are explicit (-nostdlibinc, -nostdinc++) so that no glibc header from
# /usr/include ever leaks into a wasm build.
set(CMAKE_SYSTEM_NAME WASI)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
set(CMAKE_SYSTEM_VERSION 1)

set(RM_WASI_TRIPLE wasm32-wasi)
set(RM_CLANG_RESOURCE /usr/lib/llvm-16/lib/clang/16)

set(CMAKE_C_COMPILER clang-16)
set(CMAKE_CXX_COMPILER clang++-16)
set(CMAKE_C_COMPILER_TARGET ${RM_WASI_TRIPLE})
set(CMAKE_CXX_COMPILER_TARGET ${RM_WASI_TRIPLE})
set(CMAKE_ASM_COMPILER clang-16)
set(CMAKE_ASM_COMPILER_TARGET ${RM_WASI_TRIPLE})
set(CMAKE_EXECUTABLE_SUFFIX .wasm)

set(RM_WASI_INCLUDES "-nostdlibinc -isystem ${RM_CLANG_RESOURCE}/include -isystem /usr/include/wasm32-wasi")
set(CMAKE_C_FLAGS_INIT "${RM_WASI_INCLUDES} -msimd128 ${RM_WASI_EXTRA_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "-nostdinc++ -isystem /usr/include/wasm32-wasi/c++/v1 ${RM_WASI_INCLUDES} -msimd128 -fno-exceptions ${RM_WASI_EXTRA_FLAGS}")
# 8 MiB of wasm stack: the default 64 KiB is too small for real work.
# RM_WASI_EXTRA_LDFLAGS: the relaxed-SIMD preset passes -O0, which (being the last -O) keeps clang
# from running Debian's wasm-opt at link time: binaryen 108 predates the final relaxed-SIMD opcodes.
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-fuse-ld=lld -nostdlib++ -L/usr/lib/wasm32-wasi -Wl,-z,stack-size=8388608 -Wl,--strip-debug ${RM_WASI_EXTRA_LDFLAGS}")
set(CMAKE_CXX_STANDARD_LIBRARIES "-lc++ -lc++abi")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH /usr/lib/wasm32-wasi)
