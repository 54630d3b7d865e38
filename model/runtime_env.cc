#include "model/runtime_env.h"

#include <unistd.h>

#include <cstdlib>

namespace xstilts {

void ReexecWithPassiveOpenMpWait(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  if (setenv("OMP_WAIT_POLICY", "PASSIVE", /*overwrite=*/0) != 0) return;
  execv("/proc/self/exe", argv);
  // exec failed (no /proc): go on with the default policy; the variable stays set for children.
}

}  // namespace xstilts
