#include "cli/platform.hpp"

namespace rm {

void platform_init() {}

}  // namespace rm
