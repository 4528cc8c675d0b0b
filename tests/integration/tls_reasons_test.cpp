// Why TLS failed (issue 24 item 3), against the built-in server with certificates this test makes
// (OpenSSL's C API, into a temporary folder): expired, not yet valid, for another name, from an
// unknown CA, self-signed. Each is a `tls` error counted under its reason in the JSON, the
// report (a sentence with the count and the fix), the HTML page, the stored run and the failure
// events shipped to Betterstack. On a wrong name the server gets OpenSSL's bad_certificate alert.

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <cstdio>
#include <memory>
#include <thread>

#include "server/target_server.hpp"
#include "support/ccload_run.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

using namespace std::chrono_literals;

constexpr long kDay = 24 * 3600;

// A key and its certificate, owned, and where they were written as PEM.
struct Issued {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, EVP_PKEY_free};
  std::unique_ptr<X509, decltype(&X509_free)> cert{nullptr, X509_free};
  std::string cert_file, key_file;
};

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  ASSERT_NE(ext, nullptr) << value;
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A P-256 key and a certificate for `cn` (subjectAltName `san` unless empty) valid from
// now + from_s to now + to_s (seconds), signed by `issuer` (self-signed when null); a CA when
// `ca`. Written to DIR/NAME.pem and DIR/NAME.key.
Issued issue(const TempDir& dir, const std::string& name, const std::string& cn,
             const std::string& san, long from_s, long to_s, const Issued* issuer, bool ca) {
  static long serial = 1;
  Issued out;
  out.key.reset(EVP_EC_gen("P-256"));
  out.cert.reset(X509_new());
  X509* x = out.cert.get();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
  X509_gmtime_adj(X509_getm_notBefore(x), from_s);
  X509_gmtime_adj(X509_getm_notAfter(x), to_s);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* signer = issuer ? issuer->cert.get() : x;
  X509_set_issuer_name(x, X509_get_subject_name(signer));
  X509_set_pubkey(x, out.key.get());
  add_extension(x, signer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
  if (ca) add_extension(x, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(x, signer, NID_subject_key_identifier, "hash");
  if (!san.empty()) add_extension(x, signer, NID_subject_alt_name, san.c_str());
  X509_sign(x, issuer ? issuer->key.get() : out.key.get(), EVP_sha256());
  out.cert_file = (dir / (name + ".pem")).string();
  out.key_file = (dir / (name + ".key")).string();
  FILE* f = std::fopen(out.cert_file.c_str(), "w");
  PEM_write_X509(f, x);
  std::fclose(f);
  f = std::fopen(out.key_file.c_str(), "w");
  PEM_write_PrivateKey(f, out.key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  return out;
}

constexpr const char* kLocal = "DNS:localhost,IP:127.0.0.1";

class TlsReasons : public ::testing::Test {
 protected:
  void SetUp() override {
    ca = issue(certs, "ca", "ccload test CA", "", -kDay, kDay, nullptr, true);
    other_ca = issue(certs, "other-ca", "another CA", "", -kDay, kDay, nullptr, true);
  }

  // A server presenting `leaf`; URL https://HOST:PORT/get.
  std::unique_ptr<server::TargetServer> serve(const Issued& leaf) {
    server::ServeConfig config;
    config.port = 0;
    config.threads = 1;
    config.tls_cert = leaf.cert_file;
    config.tls_key = leaf.key_file;
    return std::make_unique<server::TargetServer>(config);
  }
  static std::string url(const server::TargetServer& server, const std::string& host) {
    return "https://" + host + ":" + std::to_string(server.port()) + "/get";
  }

  // Five requests, one connection; --cacert `cacert` unless empty. Checks the reason in the JSON
  // and that the report says it in a sentence naming `fix`.
  nlohmann::json expect_reason(const std::string& target, const std::string& cacert,
                               const std::string& reason, const std::string& fix) {
    std::vector<std::string> args{"run", target, "-n", "5", "-c", "1", "--no-store"};
    if (!cacert.empty()) args.insert(args.end(), {"--cacert", cacert});
    ProcessResult printed;
    auto summary = run_ccload_json(args, dir.path(), &printed);
    EXPECT_EQ(summary["requests"]["failed"], 5) << reason << " " << summary.dump();
    EXPECT_EQ(summary["errors"], (nlohmann::json{{"tls", 5}})) << reason;
    EXPECT_EQ(summary["tls_reasons"], (nlohmann::json{{reason, 5}})) << reason;
    const std::string sentence = "5 requests failed as tls (tls: " + reason + "): ";
    const auto at = printed.out.find(sentence);
    EXPECT_NE(at, std::string::npos) << printed.out;
    if (at != std::string::npos) {
      const std::string line = printed.out.substr(at, printed.out.find('\n', at) - at);
      EXPECT_NE(line.find(fix), std::string::npos) << line;
    }
    return summary;
  }

  TempDir certs, dir;
  Issued ca, other_ca;
};

TEST_F(TlsReasons, EachReasonIsNamedWithItsCountAndItsFix) {
  const Issued expired = issue(certs, "expired", "localhost", kLocal, -3 * kDay, -kDay, &ca, false);
  const Issued early = issue(certs, "early", "localhost", kLocal, kDay, 3 * kDay, &ca, false);
  const Issued elsewhere =
      issue(certs, "elsewhere", "www.example.org", "DNS:www.example.org", -kDay, kDay, &ca, false);
  const Issued good = issue(certs, "good", "localhost", kLocal, -kDay, kDay, &ca, false);
  const Issued self = issue(certs, "self", "localhost", kLocal, -kDay, kDay, nullptr, false);

  {
    auto server = serve(expired);
    expect_reason(url(*server, "localhost"), ca.cert_file, "expired", "--insecure");
  }
  {
    auto server = serve(early);
    expect_reason(url(*server, "localhost"), ca.cert_file, "not_yet_valid", "clocks");
  }
  {
    auto server = serve(elsewhere);
    expect_reason(url(*server, "localhost"), ca.cert_file, "host_name", "--insecure");
    expect_reason(url(*server, "127.0.0.1"), ca.cert_file, "host_name", "--insecure");
  }
  {
    auto server = serve(good);
    expect_reason(url(*server, "localhost"), other_ca.cert_file, "unknown_ca", "--cacert");
    expect_reason(url(*server, "localhost"), "", "unknown_ca", "--cacert");
    // The fix works: its CA trusted, the same server answers (by name and by address).
    for (const char* host : {"localhost", "127.0.0.1"}) {
      auto ok = run_ccload_json(
          {"run", url(*server, host), "-n", "3", "--cacert", ca.cert_file, "--no-store"},
          dir.path());
      EXPECT_EQ(ok["requests"]["succeeded"], 3) << host << " " << ok.dump();
      EXPECT_EQ(ok["tls_reasons"], nlohmann::json::object());
    }
  }
  {
    auto server = serve(self);
    expect_reason(url(*server, "localhost"), ca.cert_file, "self_signed", "--cacert");
    auto trusted = run_ccload_json(
        {"run", url(*server, "localhost"), "-n", "3", "--cacert", self.cert_file, "--no-store"},
        dir.path());
    EXPECT_EQ(trusted["requests"]["succeeded"], 3) << trusted.dump();
    auto insecure = run_ccload_json(
        {"run", url(*server, "localhost"), "-n", "3", "--insecure", "--no-store"}, dir.path());
    EXPECT_EQ(insecure["requests"]["succeeded"], 3) << insecure.dump();
  }
}

TEST_F(TlsReasons, PlainHttpOnAnHttpsUrlIsNotTls) {
  server::TargetServer plain({"127.0.0.1", 0, 1, "", ""});
  expect_reason("https://127.0.0.1:" + std::to_string(plain.port()) + "/get", ca.cert_file,
                "not_tls", "http://");
}

// The stored run, the HTML page and the events shipped to Betterstack carry the reason too.
TEST_F(TlsReasons, StoredHtmlAndShippedEventsCarryTheReason) {
  const Issued expired = issue(certs, "expired", "localhost", kLocal, -3 * kDay, -kDay, &ca, false);
  auto server = serve(expired);
  RecordingServer ingest;
  ProcessOptions options;
  options.env = {{"LOGTAIL_URL", ingest.url("/")}, {"LOGTAIL_TOKEN", "tok"}};
  options.timeout = 60s;
  const auto db = dir / "runs.db";
  const auto html = dir / "run.html";
  ProcessResult printed;
  auto summary =
      run_ccload_json({"run", url(*server, "localhost"), "-n", "4", "-c", "2", "--cacert",
                       ca.cert_file, "--db", db.string(), "--html", html.string()},
                      dir.path(), &printed, options);
  EXPECT_EQ(summary["tls_reasons"], (nlohmann::json{{"expired", 4}})) << summary.dump();
  EXPECT_NE(read_file(html).find("<td>tls: expired</td><td>4</td>"), std::string::npos);

  std::size_t events = 0;
  for (const auto& request : ingest.requests()) {
    for (const auto& event : nlohmann::json::parse(request.body)) {
      EXPECT_EQ(event["error"], "tls");
      EXPECT_EQ(event["tls_reason"], "expired");
      ++events;
    }
  }
  EXPECT_EQ(events, 4u) << printed.out;

  ProcessResult reported;
  auto stored = run_ccload_json({"report", "last", "--db", db.string()}, dir.path(), &reported);
  EXPECT_EQ(stored["tls_reasons"], (nlohmann::json{{"expired", 4}})) << stored.dump();
  EXPECT_NE(reported.out.find("4 requests failed as tls (tls: expired): "), std::string::npos)
      << reported.out;
}

// OpenSSL verifies the name itself (SSL_set1_host), so on a mismatch the server gets the alert
// OpenSSL sends for a failed verification (bad_certificate), not internal_error.
TEST_F(TlsReasons, AWrongNameSendsTheBadCertificateAlert) {
  namespace asio = boost::asio;
  namespace ssl = asio::ssl;
  const Issued elsewhere =
      issue(certs, "elsewhere", "www.example.org", "DNS:www.example.org", -kDay, kDay, &ca, false);
  asio::io_context io;
  ssl::context context(ssl::context::tls_server);
  context.use_certificate_chain_file(elsewhere.cert_file);
  context.use_private_key_file(elsewhere.key_file, ssl::context::pem);
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  const auto port = acceptor.local_endpoint().port();
  boost::system::error_code server_error;
  std::thread server([&] {
    asio::ip::tcp::socket socket(io);
    acceptor.accept(socket);
    ssl::stream<asio::ip::tcp::socket&> stream(socket, context);
    stream.handshake(ssl::stream_base::server, server_error);
  });
  auto summary = run_ccload_json({"run", "https://localhost:" + std::to_string(port) + "/", "-n",
                                  "1", "--cacert", ca.cert_file, "--no-store"},
                                 dir.path());
  server.join();
  EXPECT_EQ(summary["tls_reasons"], (nlohmann::json{{"host_name", 1}})) << summary.dump();
  ASSERT_TRUE(server_error);
  EXPECT_EQ(ERR_GET_REASON(static_cast<unsigned long>(server_error.value())),
            SSL_R_SSLV3_ALERT_BAD_CERTIFICATE)
      << server_error.message();
}

}  // namespace
}  // namespace ccload::test
