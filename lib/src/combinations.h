// combinations.h: k-subsets of {0..n-1} in lexicographic order (private).
// Used by combine() to find a consistent group of shares and by the
// ceremony to check every group of k shares.
#pragma once

#include <cstddef>
#include <vector>

namespace tapekey::detail {

// Advances `pos` (k strictly increasing indexes below n) to the next
// k-combination; false after the last one.
inline bool next_combination(std::vector<std::size_t>& pos, std::size_t n) {
    const std::size_t k = pos.size();
    for (std::size_t i = k; i-- > 0;) {
        if (pos[i] < n - k + i) {
            ++pos[i];
            for (std::size_t j = i + 1; j < k; ++j) {
                pos[j] = pos[j - 1] + 1;
            }
            return true;
        }
    }
    return false;
}

}  // namespace tapekey::detail
