#include "net/tls_failure.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

namespace ccload::net {

namespace {

TlsReason from_verify_result(long result) {
  switch (result) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
    case X509_V_ERR_EMAIL_MISMATCH:
      return TlsReason::host_name;
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return TlsReason::expired;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return TlsReason::not_yet_valid;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:  // a chain ending in a root nobody trusts
      return TlsReason::unknown_ca;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      return TlsReason::self_signed;
    default:
      return TlsReason::certificate;
  }
}

}  // namespace

TlsReason tls_failure_reason(const boost::system::error_code& handshake_error, long verify_result) {
  if (verify_result != X509_V_OK) return from_verify_result(verify_result);
  namespace error = boost::asio::error;
  if (handshake_error == boost::asio::ssl::error::stream_truncated ||
      handshake_error == error::eof || handshake_error == error::connection_reset ||
      handshake_error == error::broken_pipe) {
    return TlsReason::closed;
  }
  if (handshake_error.category() != error::get_ssl_category()) return TlsReason::other;
  const auto code = static_cast<unsigned long>(handshake_error.value());
  if (ERR_GET_LIB(code) != ERR_LIB_SSL) return TlsReason::handshake;
  switch (ERR_GET_REASON(code)) {
    case SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL:
      return TlsReason::no_h2;
    case SSL_R_WRONG_VERSION_NUMBER:  // what a plain HTTP answer reads as
    case SSL_R_PACKET_LENGTH_TOO_LONG:
    case SSL_R_RECORD_LENGTH_MISMATCH:
    case SSL_R_HTTP_REQUEST:
    case SSL_R_HTTPS_PROXY_REQUEST:
    case SSL_R_UNKNOWN_PROTOCOL:
      return TlsReason::not_tls;
    case SSL_R_UNEXPECTED_EOF_WHILE_READING:
      return TlsReason::closed;
    case SSL_R_CERTIFICATE_VERIFY_FAILED:  // the verdict was not kept: no reason to name
      return TlsReason::certificate;
    default:
      return TlsReason::handshake;
  }
}

}  // namespace ccload::net
