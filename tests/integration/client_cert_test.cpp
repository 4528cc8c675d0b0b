// Client certificates (--cert/--key) against the built-in server when it requires them
// (--tls-client-ca), and the usage errors that stop a run before anything is sent.

#include <gtest/gtest.h>

#include <algorithm>

#include "server/target_server.hpp"
#include "support/ccload_run.hpp"

namespace ccload::test {
namespace {

std::string data(const char* name) { return std::string(CCLOAD_TEST_DATA) + "/" + name; }

server::ServeConfig requiring_client_certificates() {
  server::ServeConfig config;
  config.port = 0;
  config.threads = 1;
  config.tls_cert = data("server.pem");
  config.tls_key = data("server.key");
  config.tls_client_ca = data("ca.pem");
  return config;
}

class ClientCertTest : public ::testing::Test {
 protected:
  TempDir dir;
};

TEST_F(ClientCertTest, ARunWithTheCertificateSucceedsAndWithoutItEveryRequestFailsAsTls) {
  server::TargetServer target(requiring_client_certificates());
  const std::string url = target.base_url() + "/get";

  auto with =
      run_ccload_json({"run", url, "-n", "10", "-c", "2", "--cacert", data("ca.pem"), "--cert",
                       data("client.pem"), "--key", data("client.key"), "--no-store"},
                      dir.path());
  EXPECT_EQ(with["requests"]["succeeded"], 10);

  auto without = run_ccload_json(
      {"run", url, "-n", "10", "-c", "2", "--cacert", data("ca.pem"), "--no-store"}, dir.path());
  EXPECT_EQ(without["requests"]["failed"], 10);
  EXPECT_EQ(without["errors"]["tls"], 10) << without.dump();
}

TEST_F(ClientCertTest, TheSeedFormPassesTheFlagsThrough) {
  server::TargetServer target(requiring_client_certificates());
  auto summary = run_ccload_json(
      {"-u", target.base_url() + "/get", "-n", "4", "-c", "1", "-GET", "--cacert", data("ca.pem"),
       "--cert", data("client.pem"), "--key", data("client.key"), "--no-store"},
      dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 4);
}

TEST_F(ClientCertTest, BadInputIsOneLineAndExit2) {
  const std::string url = "https://127.0.0.1:1/get";
  const std::vector<std::vector<std::string>> cases = {
      {"--cert", data("client.pem")},
      {"--key", data("client.key")},
      {"--cert", data("missing.pem"), "--key", data("client.key")},
      {"--cert", data("client.pem"), "--key", data("missing.key")},
      {"--cert", data("client.pem"), "--key", data("server.key")},  // not this certificate's key
  };
  for (const auto& flags : cases) {
    std::vector<std::string> args{"run", url, "-n", "1", "-c", "1", "--no-store"};
    args.insert(args.end(), flags.begin(), flags.end());
    ProcessResult result = run_ccload(args, dir.path());
    EXPECT_EQ(result.exit_code, 2) << flags[0] << " " << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_EQ(result.out.find("Running"), std::string::npos) << "nothing may be sent";
  }
}

}  // namespace
}  // namespace ccload::test
