#include "net/url.hpp"

#include <fmt/format.h>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <string>

namespace ccload::net {

std::string Target::origin() const {
  return fmt::format("{}://{}", tls ? "https" : "http", host_header);
}

Target parse_target(std::string_view text, bool default_https) {
  std::string candidate(text);
  if (candidate.empty()) {
    throw UrlError("the URL is empty: give one like http://127.0.0.1:8080/get");
  }
  if (default_https && candidate.find("://") == std::string::npos) {
    candidate.insert(0, "https://");
  }
  if (candidate.find("://") == std::string::npos) {
    throw UrlError(fmt::format("the URL '{}' has no scheme: write it as http://{} or https://{}",
                               text, text, text));
  }
  auto parsed = boost::urls::parse_uri(candidate);
  if (!parsed) {
    throw UrlError(
        fmt::format("the URL '{}' is not a valid URL ({}): check it for spaces and typos", text,
                    parsed.error().message()));
  }
  const boost::urls::url_view& url = *parsed;
  Target target;
  target.url = std::string(text);
  std::string scheme(url.scheme());
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme == "https") {
    target.tls = true;
  } else if (scheme != "http") {
    throw UrlError(
        fmt::format("the URL '{}' uses the scheme '{}': only http:// and https:// are supported",
                    text, scheme));
  }
  if (!url.has_authority() || url.encoded_host().empty()) {
    throw UrlError(
        fmt::format("the URL '{}' has no host: write it as {}://HOST[:PORT]/PATH", text, scheme));
  }
  bool ipv6 = url.host_type() == boost::urls::host_type::ipv6;
  target.host = ipv6 ? std::string(url.host_address()) : std::string(url.encoded_host());
  if (url.has_port()) {
    std::string port(url.port());
    unsigned long number = port.empty() || port.size() > 5 ? 0 : std::stoul(port);
    if (number == 0 || number > 65535) {
      throw UrlError(fmt::format("the URL '{}' has an invalid port: use 1-65535", text));
    }
    target.port = static_cast<std::uint16_t>(number);
  } else {
    target.port = target.tls ? 443 : 80;
  }
  const std::string host_for_header = ipv6 ? fmt::format("[{}]", target.host) : target.host;
  bool default_port = target.port == (target.tls ? 443 : 80);
  target.host_header =
      default_port ? host_for_header : fmt::format("{}:{}", host_for_header, target.port);
  // Boost.URL 1.81 takes "h:80x/" as port 80 and path "x/"; a path after an authority must be
  // empty or start with '/' (RFC 3986, path-abempty), else the request line would be invalid.
  if (!url.encoded_path().empty() && url.encoded_path().front() != '/') {
    throw UrlError(
        fmt::format("the URL '{}' has an invalid port or path: write it as {}://HOST[:PORT]/PATH",
                    text, scheme));
  }
  target.request_target = url.encoded_path().empty() ? "/" : std::string(url.encoded_path());
  if (url.has_query()) {
    target.request_target += '?';
    target.request_target += url.encoded_query();
  }
  return target;
}

std::string redact_password(std::string_view url) {
  const std::size_t scheme = url.find("://");
  const std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  const std::size_t end = url.find_first_of("/?#", start);
  const std::string_view authority =
      url.substr(start, end == std::string_view::npos ? end : end - start);
  const std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  const std::size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, start + colon + 1)) + "***" +
         std::string(url.substr(start + at));
}

}  // namespace ccload::net
