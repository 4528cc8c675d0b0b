// Timings against the wire: ccload's first-byte time of each request is compared with what
// tcpdump saw on the loopback interface, the gap between the request's last packet out and the
// response's first packet in.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "store/sqlite.hpp"
#include "support/ccload_run.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kTcpdump = "/usr/bin/tcpdump";

struct Packet {
  double time_s = 0;  // seconds since the first packet
  bool to_server = false;
  std::size_t length = 0;  // TCP payload bytes
};

// Packets of `tcpdump -r FILE -n -tt` on 127.0.0.1, by direction relative to `server_port`.
std::vector<Packet> read_capture(const std::string& text, std::uint16_t server_port) {
  std::vector<Packet> packets;
  std::istringstream lines(text);
  long long first_us = -1;
  for (std::string line; std::getline(lines, line);) {
    // "1764310000.123456 IP 127.0.0.1.54321 > 127.0.0.1.40000: Flags [P.], ..., length 78"
    std::istringstream words(line);
    std::string stamp, ip, from, arrow, to;
    if (!(words >> stamp >> ip >> from >> arrow >> to) || ip != "IP" || arrow != ">") continue;
    const auto dot = stamp.find('.');
    const long long us = std::stoll(stamp.substr(0, dot)) * 1'000'000 +
                         std::stoll((stamp.substr(dot + 1) + "000000").substr(0, 6));
    if (first_us < 0) first_us = us;
    const auto length_at = line.rfind("length ");
    if (length_at == std::string::npos) continue;
    Packet packet;
    packet.time_s = static_cast<double>(us - first_us) / 1e6;
    packet.to_server = to.substr(to.rfind('.') + 1) == std::to_string(server_port) + ":";
    packet.length = std::stoul(line.substr(length_at + 7));
    packets.push_back(packet);
  }
  return packets;
}

TEST(WireTiming, FirstByteTimeMatchesTheGapOnTheWire) {
  if (access(kTcpdump, X_OK) != 0) GTEST_SKIP() << "tcpdump is not installed";
  if (geteuid() != 0) GTEST_SKIP() << "capturing packets needs root";
  TempDir dir;
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.delay_before_head = 50ms;  // the status line leaves 50 ms after the request arrived
    return response;
  });
  // tcpdump captures around the run; ready once it says it is listening.
  ProcessOptions options;
  options.wrapper = {
      "/bin/sh", "-c",
      std::string(kTcpdump) + " -i lo -n -U --immediate-mode -w wire.pcap 'tcp port " +
          std::to_string(server.port()) +
          "' 2>tcpdump.err & pid=$!; "
          "for i in $(seq 100); do grep -q listening tcpdump.err && break; sleep 0.05; done; "
          "\"$0\" \"$@\"; status=$?; sleep 0.3; kill $pid; wait $pid; exit $status"};
  const ProcessResult run =
      run_ccload({"run", server.url("/"), "-n", "20", "-c", "1"}, dir.path(), options);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const ProcessResult dump =
      run_process({kTcpdump, "-r", (dir / "wire.pcap").string(), "-n", "-tt"}, ProcessOptions{});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;

  // The gap of each exchange: from the last request packet to the first response packet.
  std::vector<double> gaps;
  double last_out = -1;
  for (const Packet& p : read_capture(dump.out, server.port())) {
    if (p.length == 0) continue;
    if (p.to_server) {
      last_out = p.time_s;
    } else if (last_out >= 0) {
      gaps.push_back(p.time_s - last_out);
      last_out = -1;
    }
  }
  ASSERT_EQ(gaps.size(), 20u) << dump.out;

  store::sql::Database db(dir / "load.db", store::sql::Database::Mode::read_only);
  auto rows = db.prepare("SELECT TTFB FROM LOADTEST ORDER BY RUNREQUEST");
  std::vector<double> differences;
  for (std::size_t i = 0; rows.step(); ++i) {
    ASSERT_LT(i, gaps.size());
    EXPECT_GE(gaps[i], 0.050) << "request " << i + 1;
    differences.push_back(std::abs(rows.column_double(0) - gaps[i]));
  }
  ASSERT_EQ(differences.size(), 20u);
  std::sort(differences.begin(), differences.end());
  const double median = (differences[9] + differences[10]) / 2;
  EXPECT_LT(median, 0.0005) << "median |ttfb - wire gap| in seconds; largest "
                            << differences.back();
  std::cout << "median |ttfb - wire gap|: " << median * 1e6 << " us, largest "
            << differences.back() * 1e6 << " us\n";
}

}  // namespace
}  // namespace ccload::test
