#pragma once
// A trend in a few characters for the terminal: one character per value, its height the value's
// place between the smallest and the largest of them.

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ccload::report {

enum class Charset { unicode, ascii };

// Unicode block characters ▁▂▃▄▅▆▇█, or ASCII `_.-=^` (low to high). A missing value is a space;
// values that are all equal sit in the middle.
std::string sparkline(const std::vector<std::optional<double>>& values, Charset charset);

// Unicode when the locale's character set is UTF-8: the first of LC_ALL, LC_CTYPE and LANG that is
// set and not empty decides (as setlocale does), and must name "UTF-8" or "utf8" (any case).
// `getenv` is the environment to read (std::getenv in the program).
Charset terminal_charset(const std::function<const char*(const char*)>& getenv);

}  // namespace ccload::report
