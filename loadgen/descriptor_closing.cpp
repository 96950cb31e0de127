#include "loadgen/descriptor_closing.h"

#include <unistd.h>

#include <utility>

namespace fleetsim::loadgen {

void close_descriptors_from(int first, int keep_a, int keep_b, int keep_c) {
  if (keep_a > keep_b) std::swap(keep_a, keep_b);
  if (keep_b > keep_c) std::swap(keep_b, keep_c);
  if (keep_a > keep_b) std::swap(keep_a, keep_b);
  // close_range (Linux 5.9) closes a range in one call; on older kernels it fails with ENOSYS
  // and the loop below does the same up to a limit beyond anything fleetsim opens.
  bool ranged = true;
  int from = first;
  for (const int keep : {keep_a, keep_b, keep_c}) {
    if (keep < from) continue;
    if (keep > from && close_range(static_cast<unsigned>(from), static_cast<unsigned>(keep - 1), 0) != 0) ranged = false;
    from = keep + 1;
  }
  if (close_range(static_cast<unsigned>(from), ~0U, 0) != 0) ranged = false;
  if (ranged) return;
  for (int fd = first; fd < 65536; ++fd) {
    if (fd != keep_a && fd != keep_b && fd != keep_c) close(fd);
  }
}

}  // namespace fleetsim::loadgen
