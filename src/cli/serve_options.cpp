// `ccload serve`: the built-in target server's options and their checks.

#include <fmt/format.h>

#include <charconv>

#include "cli/subcommands.hpp"
#include "cli/values.hpp"
#include "server/endpoints.hpp"

namespace ccload::cli {

ServeOptions::ServeOptions(CLI::App& app) {
  app_ = app.add_subcommand(
      "serve", "Run the built-in target server (" + server::serve_endpoint_names() + ").");
  app_->add_option("--host", serve_.host, "Address to listen on (default 127.0.0.1)");
  app_->add_option("--port", port_, "Port to listen on; 0 picks a free one (default 8080)");
  app_->add_option("--threads", threads_, "Threads (default: cores)");
  app_->add_option("--tls-cert", serve_.tls_cert, "PEM certificate: serve https");
  app_->add_option("--tls-key", serve_.tls_key, "PEM private key for --tls-cert");
  app_->add_option("--tls-client-ca", serve_.tls_client_ca,
                   "Require a client certificate signed by a CA in this PEM file (https)");
  app_->add_flag("--http1-only", serve_.http1_only,
                 "Speak HTTP/1.1 only, as a server without HTTP/2 (no h2 by ALPN, no h2c)");
}

ServeCommand ServeOptions::finish() const {
  ServeCommand serve = serve_;
  if (!port_.empty()) {
    std::uint16_t value = 0;
    auto [end, ec] = std::from_chars(port_.data(), port_.data() + port_.size(), value);
    if (ec != std::errc() || end != port_.data() + port_.size()) {
      throw UsageError(fmt::format("--port must be a number from 0 to 65535, not '{}'", port_));
    }
    serve.port = value;
  }
  if (!threads_.empty()) {
    serve.threads = static_cast<unsigned>(parse_positive(threads_, "--threads", "threads", 1024));
  }
  if (serve.tls_cert.empty() != serve.tls_key.empty()) {
    throw UsageError("--tls-cert and --tls-key go together: give both PEM files to serve https");
  }
  if (!serve.tls_client_ca.empty() && serve.tls_cert.empty()) {
    throw UsageError("--tls-client-ca needs https: give --tls-cert and --tls-key as well");
  }
  return serve;
}

}  // namespace ccload::cli
