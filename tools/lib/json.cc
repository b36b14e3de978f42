// SPDX-License-Identifier: GPL-2.0
#include "json.h"

namespace vmhost::json
{

std::string dump(const Json &doc, bool pretty)
{
	// Strings reach a document through put_text() or are our own ASCII;
	// replacing is the safe choice should one ever slip through.
	return doc.dump(pretty ? 2 : -1, ' ', false,
			Json::error_handler_t::replace);
}

bool valid_utf8(std::string_view s)
{
	std::size_t i = 0;

	while (i < s.size()) {
		auto c = static_cast<unsigned char>(s[i]);
		std::size_t len;
		char32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (i + len > s.size())
			return false;
		for (std::size_t k = 1; k < len; k++) {
			auto cc = static_cast<unsigned char>(s[i + k]);

			if ((cc & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (cc & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

void put_text(Json &obj, const std::string &key, std::string_view bytes)
{
	static const char digits[] = "0123456789abcdef";
	std::string s(bytes);

	if (valid_utf8(s)) {
		obj[key] = s;
		return;
	}
	// nlohmann's serialiser does the replacing; round-trip through it so
	// the stored value is valid UTF-8 from here on.
	obj[key] = Json::parse(
		Json(s).dump(-1, ' ', false, Json::error_handler_t::replace));
	std::string hex;
	for (unsigned char c : s) {
		hex += digits[c >> 4];
		hex += digits[c & 15];
	}
	obj[key + "_hex"] = hex;
}

} // namespace vmhost::json
