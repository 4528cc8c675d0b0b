// request::Template on any text, in every escape mode (the first byte picks it): compile either
// succeeds or throws TemplateError with one printable line; a compiled template fills within
// max_filled_size(), a static one fills its static_text(), and fill() refuses a row only in the
// header mode and only for a value with a control byte, leaving the buffer as it was.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "request/template.hpp"

namespace {

using ccload::request::DataSet;
using ccload::request::Escape;

const DataSet& data() {
  static const DataSet set = ccload::request::parse_data(
      "id,v,first name\n1,plain,a\n2,\"q\"\"\\ /?#%\r\n\",b\n3,\"\x01\xff\",\n",
      ccload::request::DataFormat::csv, "fuzz.csv");
  return set;
}

bool has_control(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size == 0) return 0;
  const auto escape = static_cast<Escape>(bytes[0] % 4);
  const std::string_view text(reinterpret_cast<const char*>(bytes) + 1, size - 1);
  const ccload::request::TemplateOptions options{
      .part = "the body",
      .escape = escape,
      .env = [](const std::string& name) -> std::optional<std::string> {
        if (name == "X") return "line\r\nbreak";
        if (name == "Y") return "a b/\"c\"";
        return std::nullopt;
      },
      .data = &data()};
  std::optional<ccload::request::Template> compiled;
  try {
    compiled.emplace(ccload::request::Template::compile(text, options));
  } catch (const ccload::request::TemplateError& error) {
    const std::string_view message = error.what();
    if (message.empty() || has_control(message)) __builtin_trap();
    return 0;
  }
  const auto& t = *compiled;
  ccload::request::Rng rng(size, bytes[0]);
  std::string out = "prefix";
  for (std::size_t row = 0; row < data().rows(); ++row) {
    out.resize(6);
    const bool filled = t.fill(out, rng, {.seq = row + 1, .now_ms = -1, .row = row});
    if (!filled) {
      if (escape != Escape::header || !t.uses_row() || out.size() != 6) __builtin_trap();
      bool control = false;
      for (std::size_t c = 0; c < data().columns(); ++c)
        control |= has_control(data().cell(row, c));
      if (!control) __builtin_trap();
      continue;
    }
    if (out.size() - 6 > t.max_filled_size()) __builtin_trap();
    if (t.is_static() && std::string_view(out).substr(6) != t.static_text()) __builtin_trap();
  }
  return 0;
}
