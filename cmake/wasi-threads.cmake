# The threads build of the wasm (preset wasi-python-threads): ggml's thread pool runs on the host's
# workers over one shared memory, through the wasi-threads ABI (src/wasi/threads.c; docs/audio.md,
# "Threads in the wasm").
#
# Everything compiled here gets atomics, and reaches libc's errno through a function
# (src/wasi/shared_errno.h). The prebuilt libraries (Debian's wasi-libc and libc++, CPython) were
# built without atomics, so the linker's feature check is off (--no-check-features) and only the
# first thread calls into them, malloc aside (serialized by threads.c's __wrap_ functions).
enable_language(C ASM)
set(RM_WASM_INITIAL_PAGES 256)    # 16 MiB: the 8 MiB stack and the data (the plain build needs 164)
set(RM_WASM_MAXIMUM_PAGES 65536)  # 4 GiB, all of wasm32; a shared memory must declare its maximum
add_compile_options(-matomics -mbulk-memory
                    "$<$<COMPILE_LANGUAGE:C,CXX>:SHELL:-include ${PROJECT_SOURCE_DIR}/src/wasi/shared_errno.h>")

set(RM_WASI_THREADS_SOURCES ${PROJECT_SOURCE_DIR}/src/wasi/threads.c ${PROJECT_SOURCE_DIR}/src/wasi/thread_start.s
    ${PROJECT_SOURCE_DIR}/src/wasi/start.c ${PROJECT_SOURCE_DIR}/src/wasi/errno_location.c)
set_source_files_properties(${PROJECT_SOURCE_DIR}/src/wasi/errno_location.c PROPERTIES COMPILE_OPTIONS "-mno-atomics;-mno-bulk-memory")
set_source_files_properties(${PROJECT_SOURCE_DIR}/src/wasi/threads.c PROPERTIES
                            INCLUDE_DIRECTORIES "${PROJECT_SOURCE_DIR}/deps/wasi-shims;${PROJECT_SOURCE_DIR}/src")
# The C flags of a target reach the assembler too, unused.
set_source_files_properties(${PROJECT_SOURCE_DIR}/src/wasi/thread_start.s PROPERTIES COMPILE_OPTIONS -Wno-unused-command-line-argument)
math(EXPR rm_initial_bytes "${RM_WASM_INITIAL_PAGES} * 65536")
math(EXPR rm_maximum_bytes "${RM_WASM_MAXIMUM_PAGES} * 65536")
# What a host must know before it can instantiate a module: the shared memory to create and import.
# Read with WebAssembly.Module.customSections(module, "remotemedia.threads") (web/src/threads.ts).
set(RM_WASI_THREADS_SECTION ${CMAKE_BINARY_DIR}/remotemedia.threads.json)
file(WRITE ${RM_WASI_THREADS_SECTION} "{\"memory\":{\"initial\":${RM_WASM_INITIAL_PAGES},\"maximum\":${RM_WASM_MAXIMUM_PAGES}}}")

# A command module of the threads build: the runtime linked in, our own _start (src/wasi/start.c),
# an imported and exported shared memory, and the custom section above.
function(rm_wasi_threads_executable target)
  target_sources(${target} PRIVATE ${RM_WASI_THREADS_SOURCES})
  set_target_properties(${target} PROPERTIES SUFFIX ".wasm")
  target_link_options(${target} PRIVATE -nostartfiles -Wl,--no-entry
                      -Wl,--shared-memory -Wl,--import-memory -Wl,--export-memory
                      -Wl,--initial-memory=${rm_initial_bytes} -Wl,--max-memory=${rm_maximum_bytes}
                      -Wl,--no-check-features
                      -Wl,--wrap=malloc -Wl,--wrap=free -Wl,--wrap=calloc -Wl,--wrap=realloc
                      -Wl,--wrap=aligned_alloc -Wl,--wrap=posix_memalign -Wl,--wrap=malloc_usable_size)
  add_custom_command(TARGET ${target} POST_BUILD
                     COMMAND llvm-objcopy-16 --add-section=remotemedia.threads=${RM_WASI_THREADS_SECTION} $<TARGET_FILE:${target}>)
endfunction()
