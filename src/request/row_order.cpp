#include "request/row_order.hpp"

#include <fmt/format.h>

#include "core/text.hpp"

namespace ccload::request {

std::optional<RowOrder> parse_row_order(std::string_view text) {
  if (text == "sequential") return RowOrder::sequential;
  if (text == "random") return RowOrder::random;
  if (text == "once") return RowOrder::once;
  return std::nullopt;
}

std::string_view row_order_name(RowOrder order) {
  switch (order) {
    case RowOrder::sequential:
      return "sequential";
    case RowOrder::random:
      return "random";
    case RowOrder::once:
      return "once";
  }
  return "sequential";
}

std::optional<std::string> once_requests_problem(std::uint64_t requests, std::uint64_t rows,
                                                 std::string_view file) {
  if (requests <= rows) return std::nullopt;
  return fmt::format(
      "-n {} is more than the {} rows of {}, and --data-order once sends each row once; use -n {} "
      "or less, or leave -n out to send every row",
      requests, rows, printable(file), rows);
}

}  // namespace ccload::request
