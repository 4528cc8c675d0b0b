#pragma once
// Where redirect hops that leave a connection's origin go: an HTTP/1.1 connection of its own,
// plain or TLS by the hop's scheme. Created on the first such hop. It keeps the address of the
// last origin it went to, so a target that always redirects to the same other origin is resolved
// once per connection, not once per request. The caller decides when it may be open (an
// HTTP/1.1 lane closes its own connection first, so c stays the limit of sockets).

#include "engine/exchange.hpp"
#include "engine/http1_session.hpp"
#include "engine/transport.hpp"

namespace ccload::engine {

class HopConnection {
 public:
  HopConnection(Worker& worker, SharedRun& run);

  // Sends `request` to `where` over HTTP/1.1, (re)connecting when it is not open to that origin
  // (the connect time is added to record.connect_ns; a failure to connect is record.error).
  Task<ExchangeOutcome> exchange(const net::Target& where, const RequestRef& request,
                                 Record& record, ExchangeTimes& times);
  // Closes the socket (also from the watchdog, on a timeout).
  void close();
  const std::string& location() const { return session_.location(); }
  // The last response as captured (core::RunPlan::needs) for the script and checks.
  core::ServerResponse response() { return session_.parser().response(); }

 private:
  // The address for `where`: one of the run's origins, or looked up (no endpoints when it fails,
  // so the hop fails as `resolve`).
  void resolve(const net::Target& where);

  Worker& worker_;
  SharedRun& run_;
  PlainTransport plain_;
  TlsTransport tls_;
  Http1Session session_;
  Address address_;
  bool resolved_ = false;  // `address_` holds a resolved origin
};

}  // namespace ccload::engine
