// Closing what a forked process inherited, between fork and exec (or in a forked helper that
// never execs). Async-signal-safe: no allocation, no locks.
#pragma once

namespace fleetsim::loadgen {

// Closes every open descriptor numbered `first` or above, except `keep_a`, `keep_b` and
// `keep_c` (-1: none). Covers descriptors beyond 1024 too (a load with many connections).
void close_descriptors_from(int first, int keep_a = -1, int keep_b = -1, int keep_c = -1);

}  // namespace fleetsim::loadgen
