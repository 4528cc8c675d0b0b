#include "script/lua_script_detail.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <lua.hpp>
#include <string>

#include "net/listen_address.hpp"
#include "script/lua_data.hpp"

namespace ccload::script {

namespace {

// The parts of the `wrk` table written in Lua: wrk.format() as wrk builds a request (the Host
// field from wrk.headers when the given fields have none, Content-Length from the body), and the
// step after init() that makes wrk.request() give the request built from the table once.
constexpr const char* kPrelude = R"lua(
local wrk = ...
function wrk.format(method, path, headers, body)
  method = method or wrk.method
  path = path or wrk.path
  headers = headers or wrk.headers
  body = body or wrk.body
  local lines = { method .. " " .. path .. " HTTP/1.1" }
  local has_host = false
  for name, value in pairs(headers) do
    local lower = string.lower(name)
    if lower == "host" then has_host = true end
    if lower ~= "content-length" then lines[#lines + 1] = name .. ": " .. tostring(value) end
  end
  if not has_host and wrk.headers["Host"] then
    table.insert(lines, 2, "Host: " .. wrk.headers["Host"])
  end
  if body then lines[#lines + 1] = "Content-Length: " .. #body end
  lines[#lines + 1] = ""
  lines[#lines + 1] = body or ""
  return table.concat(lines, "\r\n")
end
function wrk.__after_init()
  local built = wrk.format()
  wrk.request = function() return built end
  return built
end
)lua";

// wrk.lookup(host, service): the addresses as "ip:port" strings.
int wrk_lookup(lua_State* L) {
  const char* host = luaL_checkstring(L, 1);
  const char* service = luaL_optstring(L, 2, "http");
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host, service, &hints, &found) != 0) {
    lua_newtable(L);
    return 1;
  }
  lua_newtable(L);
  int n = 0;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    char ip[INET6_ADDRSTRLEN] = {};
    int port = 0;
    if (a->ai_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(a->ai_addr);
      inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
      port = ntohs(in->sin_port);
    } else if (a->ai_family == AF_INET6) {
      const auto* in = reinterpret_cast<const sockaddr_in6*>(a->ai_addr);
      inet_ntop(AF_INET6, &in->sin6_addr, ip, sizeof ip);
      port = ntohs(in->sin6_port);
    } else {
      continue;
    }
    // fmt, not operator+: GCC 12 at -O3 reports a false -Wrestrict for "literal" + string.
    const std::string text = a->ai_family == AF_INET6 ? fmt::format("[{}]:{}", ip, port)
                                                      : fmt::format("{}:{}", ip, port);
    lua_pushlstring(L, text.data(), text.size());
    lua_rawseti(L, -2, ++n);
  }
  freeaddrinfo(found);
  return 1;
}

// wrk.connect(addr): whether a TCP connection to "ip:port" can be made.
int wrk_connect(lua_State* L) {
  const auto endpoint = net::numeric_endpoint(luaL_checkstring(L, 1));
  bool ok = false;
  if (endpoint) {
    const int fd = socket(endpoint->protocol().family(), SOCK_STREAM, 0);
    ok = fd >= 0 && ::connect(fd, endpoint->data(), endpoint->size()) == 0;
    if (fd >= 0) close(fd);
  }
  lua_pushboolean(L, ok ? 1 : 0);
  return 1;
}

}  // namespace

// A fresh state with the standard libraries and the `wrk` table of `source`, then the script
// run. Empty, or the error.
std::string detail::prepare(lua_State* L, const ScriptSource& source) {
  if (L == nullptr) return "cannot create a Lua state (out of memory)";
  luaL_openlibs(L);
  lua_newtable(L);
  auto field = [&](const char* name, const std::string& value) {
    lua_pushlstring(L, value.data(), value.size());
    lua_setfield(L, -2, name);
  };
  field("scheme", source.scheme);
  field("host", source.host);
  if (!source.port.empty()) field("port", source.port);
  field("method", source.method);
  field("path", source.request_path);
  if (!source.body.empty()) field("body", source.body);
  lua_newtable(L);
  bool has_host = false;
  for (const auto& [name, value] : source.headers) {
    has_host = has_host ||
               (name.size() == 4 && std::tolower(name[0]) == 'h' && std::tolower(name[1]) == 'o' &&
                std::tolower(name[2]) == 's' && std::tolower(name[3]) == 't');
    lua_pushlstring(L, value.data(), value.size());
    lua_setfield(L, -2, name.c_str());
  }
  if (!has_host) {
    const bool v6 = source.host.find(':') != std::string::npos;
    std::string host = v6 ? fmt::format("[{}]", source.host) : source.host;
    if (!source.port.empty()) host += fmt::format(":{}", source.port);
    lua_pushlstring(L, host.data(), host.size());
    lua_setfield(L, -2, "Host");
  }
  lua_setfield(L, -2, "headers");
  lua_pushcfunction(L, wrk_lookup);
  lua_setfield(L, -2, "lookup");
  lua_pushcfunction(L, wrk_connect);
  lua_setfield(L, -2, "connect");
  lua_pushvalue(L, -1);
  lua_setglobal(L, "wrk");
  install_ccload_table(L, source.data.get());
  if (luaL_loadbuffer(L, kPrelude, std::char_traits<char>::length(kPrelude), "=wrk") != 0) {
    return pop_error(L);
  }
  lua_insert(L, -2);  // the prelude, then the wrk table as its argument
  if (lua_pcall(L, 1, 0, 0) != 0) return pop_error(L);
  if (luaL_loadfile(L, source.path.c_str()) != 0) return pop_error(L);
  if (lua_pcall(L, 0, 0, 0) != 0) return pop_error(L);
  return {};
}

}  // namespace ccload::script
