#include "support/chromium.hpp"

namespace ccload::test {

ProcessResult run_chromium(const std::vector<std::string>& args, const RecordingServer& proxy,
                           const std::filesystem::path& profile_dir) {
  std::vector<std::string> argv = {
      kChromium,
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--user-data-dir=" + profile_dir.string(),
      "--proxy-server=http://127.0.0.1:" + std::to_string(proxy.port()),
      "--proxy-bypass-list=<-loopback>"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions options;
  options.timeout = std::chrono::seconds(60);
  return run_process(argv, options);
}

std::vector<std::string> page_fetches(const RecordingServer& proxy) {
  std::vector<std::string> out;
  for (const auto& request : proxy.requests()) {
    std::string host = request.header("Host");
    host = host.substr(0, host.rfind(':') == std::string::npos ? host.size() : host.rfind(':'));
    const bool chromium_service = host.ends_with(".google.com") || host.ends_with(".gvt1.com") ||
                                  host.ends_with(".googleapis.com");
    if (!chromium_service) out.push_back(request.method + " " + request.target);
  }
  return out;
}

}  // namespace ccload::test
