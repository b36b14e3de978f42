// SPDX-License-Identifier: GPL-2.0
// JSON output of vmhost's tools (`-j`, `-p`), through nlohmann-json: the one
// place that decides how a document is written.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace vmhost::json
{

// Members keep the order they were added in, so output reads like the
// plain-text form.
using Json = nlohmann::ordered_json;

// `doc` on one line, or indented by two spaces with `pretty`; no newline.
std::string dump(const Json &doc, bool pretty = false);

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool valid_utf8(std::string_view s);

// Sets obj[key] to text that may hold any bytes, such as a file name: the
// string itself when it is valid UTF-8; otherwise the string with each
// invalid byte replaced by U+FFFD, and the exact bytes in lower-case
// hexadecimal under key + "_hex", so nothing is lost.
void put_text(Json &obj, const std::string &key, std::string_view bytes);

} // namespace vmhost::json
