// whisper.cpp throws on some internal failures. This libc++abi has no exception support, so under
// WASI a throw prints what it can and stops the program (the error paths we reach in normal use,
// a missing or bad model, return errors before any throw).
#include <cstdio>
#include <cstdlib>
#include <typeinfo>

extern "C" {

void* __cxa_allocate_exception(std::size_t size) noexcept { return std::malloc(size); }

void __cxa_free_exception(void* p) noexcept { std::free(p); }

[[noreturn]] void __cxa_throw(void*, std::type_info* type, void (*)(void*)) {
  std::fprintf(stderr, "remotemedia: fatal: whisper.cpp raised %s, which cannot be caught inside the wasm\n",
               type ? type->name() : "an exception");
  std::abort();
}
}
