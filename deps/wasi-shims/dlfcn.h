/* No dynamic loading under WASI (see README.md): every dlopen fails cleanly. */
#ifndef RM_WASI_SHIM_DLFCN_H
#define RM_WASI_SHIM_DLFCN_H
#define RTLD_LAZY 1
#define RTLD_NOW 2
#define RTLD_LOCAL 0
#define RTLD_GLOBAL 256
static inline void* dlopen(const char* f, int m) { (void)f; (void)m; return 0; }
static inline void* dlsym(void* h, const char* s) { (void)h; (void)s; return 0; }
static inline int dlclose(void* h) { (void)h; return 0; }
static char rm_dlerror_text[] = "dynamic loading is not available under WASI";
static inline char* dlerror(void) { return rm_dlerror_text; }
#endif
