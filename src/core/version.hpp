#pragma once
// The program's version and the User-Agent it sends, both from project(ccload VERSION ...) in
// CMakeLists.txt, which defines CCLOAD_VERSION for everything that links ccload_core.

#include <string_view>

#ifndef CCLOAD_VERSION
#error "CCLOAD_VERSION comes from CMakeLists.txt (target_compile_definitions of ccload_core)"
#endif

namespace ccload {

// "0.1.0": --version, the package.
inline constexpr std::string_view kVersion = CCLOAD_VERSION;
// "ccload/0.1.0": the User-Agent of every request over HTTP/1.1 and HTTP/2 (unless -H sets one)
// and of the failure shippers' posts.
inline constexpr std::string_view kUserAgent = "ccload/" CCLOAD_VERSION;

}  // namespace ccload
