// `ccload serve` (the real binary, in its own process) asked for every endpoint over HTTP/2 by the
// real ccload client (--http2, prior knowledge): each fault fails its requests under the error
// category ccload gives it (/reset a RST_STREAM: read; /close: read; /malformed a DATA frame on
// stream 0: protocol; /hang: timeout), the others succeed, and afterwards the same server still
// answers /get over HTTP/2 and HTTP/1.1 and stops cleanly (it did not die on the way).

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "support/ccload_run.hpp"
#include "support/serve_process.hpp"

namespace ccload::test {
namespace {

constexpr int kRequests = 6;

struct Http2Case {
  std::string path;
  // "errors" or "status_codes", and the key under it that must count every request.
  std::string group, key;
};

void PrintTo(const Http2Case& c, std::ostream* out) { *out << c.path; }

std::string name_of(const ::testing::TestParamInfo<Http2Case>& info) {
  std::string name;
  for (char c : info.param.path.substr(1)) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name.empty() ? "index" : name;
}

class ServeHttp2Test : public ::testing::TestWithParam<Http2Case> {
 protected:
  TempDir dir;
  ServeProcess serve;

  nlohmann::json run(const std::vector<std::string>& urls, std::vector<std::string> options) {
    std::vector<std::string> args{"run"};
    args.insert(args.end(), urls.begin(), urls.end());
    args.insert(args.end(), options.begin(), options.end());
    args.push_back("--no-store");
    ProcessOptions process;
    process.timeout = std::chrono::seconds(60);
    return run_ccload_json(args, dir.path(), nullptr, process);
  }

  // The server still answers, over HTTP/2 and over HTTP/1.1, and then stops cleanly on SIGTERM.
  void expect_still_serving() {
    for (bool http2 : {true, false}) {
      std::vector<std::string> options{"-n", "5", "-c", "1", "--timeout", "10s"};
      if (http2) options.push_back("--http2");
      auto summary = run({serve.base_url() + "/get"}, options);
      EXPECT_EQ(summary["requests"]["succeeded"], 5)
          << (http2 ? "HTTP/2 " : "HTTP/1.1 ") << summary.dump();
      EXPECT_EQ(summary["status_codes"]["200"], 5);
    }
    EXPECT_EQ(serve.stop(), 0) << "the server exited on SIGTERM, alive until then";
  }
};

TEST_P(ServeHttp2Test, EachRequestCountsUnderItsCategoryAndTheServerLivesOn) {
  const Http2Case& c = GetParam();
  auto summary = run({serve.base_url() + c.path}, {"-n", std::to_string(kRequests), "-c", "2",
                                                   "--http2", "--streams", "2", "--timeout", "2s"});
  EXPECT_EQ(summary["protocol"], "HTTP/2") << summary.dump();
  EXPECT_EQ(summary["requests"]["total"], kRequests) << summary.dump();
  EXPECT_EQ(summary[c.group][c.key], kRequests) << summary.dump();
  expect_still_serving();
}

INSTANTIATE_TEST_SUITE_P(Faults, ServeHttp2Test,
                         ::testing::Values(Http2Case{"/reset", "errors", "read"},
                                           Http2Case{"/close", "errors", "read"},
                                           Http2Case{"/malformed", "errors", "protocol"},
                                           Http2Case{"/hang", "errors", "timeout"},
                                           Http2Case{"/trickle/5", "status_codes", "200"},
                                           Http2Case{"/headers/30000", "status_codes", "200"}),
                         name_of);

INSTANTIATE_TEST_SUITE_P(Endpoints, ServeHttp2Test,
                         ::testing::Values(Http2Case{"/", "status_codes", "200"},
                                           Http2Case{"/get", "status_codes", "200"},
                                           Http2Case{"/status/418", "status_codes", "418"},
                                           Http2Case{"/status/204", "status_codes", "204"},
                                           Http2Case{"/delay/20", "status_codes", "200"},
                                           Http2Case{"/bytes/70000", "status_codes", "200"},
                                           Http2Case{"/post", "status_codes", "200"},
                                           Http2Case{"/anything/x", "status_codes", "200"},
                                           Http2Case{"/redirect/3", "status_codes", "200"},
                                           Http2Case{"/nowhere", "status_codes", "404"}),
                         name_of);

class ServeHttp2FaultsTest : public ServeHttp2Test {};

// /hang holds its streams open and nothing else: /get in the same run is answered meanwhile, long
// before the hung streams time out.
TEST_F(ServeHttp2FaultsTest, HangHoldsOnlyItsOwnStreams) {
  auto summary = run({serve.base_url() + "/hang", serve.base_url() + "/get"},
                     {"-n", "8", "-c", "1", "--http2", "--streams", "4", "--timeout", "3s"});
  ASSERT_EQ(summary["targets"].size(), 2u) << summary.dump();
  const auto& hang = summary["targets"][0];
  const auto& get = summary["targets"][1];
  EXPECT_EQ(hang["errors"]["timeout"], 4) << hang.dump();
  EXPECT_EQ(get["status_codes"]["200"], 4) << get.dump();
  EXPECT_LT(get["latency"]["total"]["max"].get<double>(), 2.5) << "not held behind /hang";
  expect_still_serving();
}

// /trickle/MS paces its 10 DATA frames MS apart: no response comes before 10 intervals.
TEST_F(ServeHttp2FaultsTest, TrickleSucceedsSlowly) {
  auto summary = run({serve.base_url() + "/trickle/40"},
                     {"-n", "2", "-c", "1", "--http2", "--timeout", "20s"});
  EXPECT_EQ(summary["status_codes"]["200"], 2) << summary.dump();
  EXPECT_GE(summary["latency"]["total"]["min"].get<double>(), 0.36) << summary.dump();
  expect_still_serving();
}

// A reset stream fails alone: the streams next to it on the connection succeed.
TEST_F(ServeHttp2FaultsTest, ResetFailsOnlyItsOwnStream) {
  auto summary = run({serve.base_url() + "/reset", serve.base_url() + "/get"},
                     {"-n", "10", "-c", "1", "--http2", "--streams", "4", "--timeout", "10s"});
  EXPECT_EQ(summary["connections_opened"], 1) << summary.dump();
  EXPECT_EQ(summary["errors"]["read"], 5) << summary.dump();
  EXPECT_EQ(summary["status_codes"]["200"], 5) << summary.dump();
  expect_still_serving();
}

}  // namespace
}  // namespace ccload::test
