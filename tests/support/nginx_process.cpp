#include "support/nginx_process.hpp"

#include "support/ports.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ccload::test {

namespace {

constexpr const char* kNginx = "/usr/sbin/nginx";

}  // namespace

bool NginxProcess::available() { return access(kNginx, X_OK) == 0; }

NginxProcess::NginxProcess(const std::string& servers) {
  port_ = free_port();
  std::string body = servers;
  for (std::size_t at = body.find("PORT"); at != std::string::npos; at = body.find("PORT", at)) {
    body.replace(at, 4, std::to_string(port_));
  }
  const std::string prefix = dir_.path().string();
  std::filesystem::create_directories(dir_ / "logs");
  std::ofstream(dir_ / "nginx.conf")
      << "daemon off;\nmaster_process off;\nworker_processes 1;\npid " << prefix
      << "/nginx.pid;\nerror_log " << prefix << "/logs/error.log warn;\n"
      << "events { worker_connections 1024; }\n"
      << "http {\n  access_log " << prefix << "/logs/access.log;\n"
      << "  client_body_temp_path " << prefix << "/body;\n"
      << body << "\n}\n";
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const std::string conf = prefix + "/nginx.conf";
    execl(kNginx, kNginx, "-c", conf.c_str(), "-p", prefix.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 500 && !accepts(port_); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

NginxProcess::~NginxProcess() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
}

std::vector<std::string> NginxProcess::log_lines(const std::string& name) const {
  // nginx writes a request's line after its response went out, so the client may be done before
  // the last lines are: read until the count has not changed for 100 ms (at most 3 s).
  auto lines = [&] {
    std::vector<std::string> out;
    std::istringstream text(read_file(dir_ / "logs" / name));
    for (std::string line; std::getline(text, line);) out.push_back(line);
    return out;
  };
  std::vector<std::string> last = lines();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::vector<std::string> now = lines();
    if (now.size() == last.size()) break;
    last = std::move(now);
  }
  return last;
}

std::size_t NginxProcess::requests_logged() const { return log_lines("access.log").size(); }

std::uint64_t NginxProcess::body_bytes_logged() const {
  std::uint64_t sum = 0;
  for (const std::string& line : log_lines("access.log")) {  // settled
    // ... [time] "GET /x HTTP/1.1" 200 3000 "-" "agent"
    const std::size_t open = line.find('"');
    const std::size_t close = open == std::string::npos ? open : line.find('"', open + 1);
    if (close == std::string::npos) continue;
    std::istringstream fields(line.substr(close + 1));
    int status = 0;
    std::uint64_t body_bytes = 0;
    if (fields >> status >> body_bytes) sum += body_bytes;
  }
  return sum;
}

}  // namespace ccload::test
