#pragma once
// The client TLS configuration shared by the engine and the log shippers.

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <string>
#include <vector>

#include "core/tls_options.hpp"

namespace ccload::net {

using TlsOptions = ccload::TlsOptions;  // core/tls_options.hpp

// Throws std::runtime_error (one line) when ca_file, cert_file or key_file cannot be loaded, or
// when the key does not match the certificate (SSL_CTX_check_private_key).
boost::asio::ssl::context make_client_context(const TlsOptions& options);

// True when `host` is an IPv4 or IPv6 address rather than a name.
bool is_ip_literal(const std::string& host);

// Before a client handshake: SNI for host names (not addresses), and verification of the
// certificate against `host` (effective when the context verifies peers).
template <class Stream>
void prepare_client_handshake(boost::asio::ssl::stream<Stream>& stream, const std::string& host) {
  if (!is_ip_literal(host)) SSL_set_tlsext_host_name(stream.native_handle(), host.c_str());
  stream.set_verify_callback(boost::asio::ssl::host_name_verification(host));
}

}  // namespace ccload::net
