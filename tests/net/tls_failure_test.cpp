// net::tls_failure_reason: OpenSSL's verify result first, then the handshake's error.

#include "net/tls_failure.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

namespace ccload::net {
namespace {

boost::system::error_code ssl_error(int reason) {
  return {static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, reason)),
          boost::asio::error::get_ssl_category()};
}

TEST(TlsFailureReason, TheVerifyResultNamesTheCertificatesFault) {
  const auto failed = ssl_error(SSL_R_CERTIFICATE_VERIFY_FAILED);
  EXPECT_EQ(tls_failure_reason(failed, X509_V_ERR_HOSTNAME_MISMATCH), TlsReason::host_name);
  EXPECT_EQ(tls_failure_reason(failed, X509_V_ERR_IP_ADDRESS_MISMATCH), TlsReason::host_name);
  EXPECT_EQ(tls_failure_reason(failed, X509_V_ERR_CERT_HAS_EXPIRED), TlsReason::expired);
  EXPECT_EQ(tls_failure_reason(failed, X509_V_ERR_CERT_NOT_YET_VALID), TlsReason::not_yet_valid);
  EXPECT_EQ(tls_failure_reason(failed, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY),
            TlsReason::unknown_ca);
  EXPECT_EQ(tls_failure_reason(failed, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN),
            TlsReason::unknown_ca);
  EXPECT_EQ(tls_failure_reason(failed, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT),
            TlsReason::self_signed);
  EXPECT_EQ(tls_failure_reason(failed, X509_V_ERR_CERT_REVOKED), TlsReason::certificate);
  EXPECT_EQ(tls_failure_reason(failed, X509_V_OK), TlsReason::certificate);
}

TEST(TlsFailureReason, WithoutAVerdictTheHandshakesErrorNamesIt) {
  EXPECT_EQ(tls_failure_reason(ssl_error(SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL), X509_V_OK),
            TlsReason::no_h2);
  EXPECT_EQ(tls_failure_reason(ssl_error(SSL_R_WRONG_VERSION_NUMBER), X509_V_OK),
            TlsReason::not_tls);
  EXPECT_EQ(tls_failure_reason(ssl_error(SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE), X509_V_OK),
            TlsReason::handshake);
  EXPECT_EQ(tls_failure_reason(boost::asio::ssl::error::stream_truncated, X509_V_OK),
            TlsReason::closed);
  EXPECT_EQ(tls_failure_reason(boost::asio::error::eof, X509_V_OK), TlsReason::closed);
  EXPECT_EQ(tls_failure_reason(boost::asio::error::connection_reset, X509_V_OK), TlsReason::closed);
  EXPECT_EQ(tls_failure_reason(boost::asio::error::operation_aborted, X509_V_OK), TlsReason::other);
}

TEST(TlsReasonNames, EveryReasonHasANameThatReadsBack) {
  for (int i = 1; i < kTlsReasonCount; ++i) {
    const auto reason = static_cast<TlsReason>(i);
    EXPECT_EQ(tls_reason_from_string(to_string(reason)), reason) << to_string(reason);
  }
  EXPECT_EQ(to_string(TlsReason::none), "other");
  EXPECT_EQ(tls_reason_from_string("nonsense"), TlsReason::none);
}

}  // namespace
}  // namespace ccload::net
