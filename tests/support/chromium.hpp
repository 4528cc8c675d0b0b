#pragma once
// Debian's headless Chromium for tests of the HTML pages: it renders a page (--dump-dom,
// --screenshot) with every fetch going through a recording proxy, so a test can assert that a page
// fetched nothing.

#include <filesystem>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {

inline constexpr const char* kChromium = "/usr/bin/chromium";

// Chromium as the tests run it: headless, no background networking, its profile in
// `profile_dir`, every fetch through `proxy`; `args` after that (such as --dump-dom URL).
ProcessResult run_chromium(const std::vector<std::string>& args, const RecordingServer& proxy,
                           const std::filesystem::path& profile_dir);

// What pages fetched through `proxy`: its requests ("METHOD target"), less Chromium's own calls
// to Google's services (its clock and update checks), which no page asks for.
std::vector<std::string> page_fetches(const RecordingServer& proxy);

}  // namespace ccload::test
