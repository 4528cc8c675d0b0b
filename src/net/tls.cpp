#include "net/tls.hpp"

#include <fmt/format.h>

#include <boost/asio/ip/address.hpp>
#include <stdexcept>

namespace ccload::net {

boost::asio::ssl::context make_client_context(const TlsOptions& options) {
  namespace ssl = boost::asio::ssl;
  ssl::context context(ssl::context::tls_client);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (!options.ca_file.empty()) {
    boost::system::error_code ec;
    context.load_verify_file(options.ca_file, ec);
    if (ec) {
      throw std::runtime_error(
          fmt::format("cannot load the CA file '{}' ({}): give a readable PEM file to --cacert",
                      options.ca_file, ec.message()));
    }
  } else {
    context.set_default_verify_paths();
  }
  context.set_verify_mode(options.verify ? ssl::verify_peer : ssl::verify_none);
  return context;
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace ccload::net
