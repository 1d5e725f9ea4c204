#include <unistd.h>
#include <cstdlib>

#include "cli/platform.hpp"

namespace rm {

void platform_init() {
  const char* pwd = std::getenv("PWD");
  if (pwd && *pwd == '/') (void)chdir(pwd);  // stays in "/" when that folder is not mapped
}

}  // namespace rm
