// Small ASCII text helpers shared by the loaders and the taxonomy.
#pragma once

#include <string>
#include <string_view>

namespace riskatlas::text {

// `s` without leading and trailing white space.
std::string_view trim(std::string_view s);

// Lower-case ASCII letters and digits; runs of anything else become one '-', none at the ends:
// "ML Model Evaluation" -> "ml-model-evaluation", "Technical - ML" -> "technical-ml".
std::string slug(std::string_view raw);

}  // namespace riskatlas::text
