#include "net/tls.hpp"

#include <openssl/x509_vfy.h>

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
  if (!options.cert_file.empty() || !options.key_file.empty()) {
    boost::system::error_code ec;
    context.use_certificate_chain_file(options.cert_file, ec);
    if (ec) {
      throw std::runtime_error(fmt::format(
          "cannot load the client certificate '{}' ({}): give a readable PEM file to --cert",
          options.cert_file, ec.message()));
    }
    context.use_private_key_file(options.key_file, ssl::context::pem, ec);
    if (ec) {
      throw std::runtime_error(
          fmt::format("cannot load the client key '{}' ({}): give a readable PEM key to --key",
                      options.key_file, ec.message()));
    }
    if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
      throw std::runtime_error(
          fmt::format("the key '{}' does not match the certificate '{}': give --key the private "
                      "key of the --cert certificate",
                      options.key_file, options.cert_file));
    }
  }
  if (!options.alpn.empty()) {
    // The wire format: each protocol name preceded by its length in one byte.
    std::string wire;
    for (const auto& protocol : options.alpn) {
      wire.push_back(static_cast<char>(protocol.size()));
      wire += protocol;
    }
    SSL_CTX_set_alpn_protos(context.native_handle(),
                            reinterpret_cast<const unsigned char*>(wire.data()),
                            static_cast<unsigned>(wire.size()));
  }
  return context;
}

bool prepare_client_handshake(SSL* ssl, const std::string& host) {
  if (is_ip_literal(host)) {
    return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  }
  return SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 && SSL_set1_host(ssl, host.c_str()) == 1;
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace ccload::net
