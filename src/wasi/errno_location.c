/* libc's errno for code compiled with atomics (shared_errno.h, forced into this file too, hence the
 * #undef). Compiled without atomics, like libc, so that errno is the plain global libc sets. */
#include <errno.h>
#undef errno
int* rm_errno_location(void) { return &errno; }
