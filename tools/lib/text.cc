// SPDX-License-Identifier: GPL-2.0
#include "text.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace vmhost
{

std::string format_bytes(std::uint64_t bytes)
{
	static const char *const units[] = { "B",   "KiB", "MiB", "GiB",
					     "TiB", "PiB", "EiB" };
	unsigned u = 0;
	char buf[32];

	while (u + 1 < std::size(units) && bytes >> (10 * (u + 1)))
		u++;
	std::uint64_t unit = std::uint64_t{ 1 } << (10 * u);
	if (bytes % unit == 0)
		std::snprintf(buf, sizeof(buf), "%llu %s",
			      static_cast<unsigned long long>(bytes / unit),
			      units[u]);
	else
		std::snprintf(buf, sizeof(buf), "%.2f %s",
			      static_cast<double>(bytes) /
				      static_cast<double>(unit),
			      units[u]);
	return buf;
}

Table::Table(std::vector<Column> columns)
	: columns_(std::move(columns))
{
}

void Table::add(std::vector<std::string> row)
{
	if (row.size() != columns_.size())
		throw std::logic_error(
			"table row with " + std::to_string(row.size()) +
			" cells for " + std::to_string(columns_.size()) +
			" columns");
	rows_.push_back(std::move(row));
}

std::string Table::str() const
{
	std::vector<std::size_t> width(columns_.size());
	std::string out;

	for (std::size_t c = 0; c < columns_.size(); c++) {
		width[c] = columns_[c].name.size();
		for (const auto &r : rows_)
			width[c] = std::max(width[c], r[c].size());
	}
	auto line = [&](auto cell) {
		std::string l;

		for (std::size_t c = 0; c < columns_.size(); c++) {
			const std::string &s = cell(c);
			std::string pad(width[c] - s.size(), ' ');
			bool last = c + 1 == columns_.size();

			if (c)
				l += "  ";
			if (columns_[c].right)
				l += pad + s;
			else
				l += last ? s : s + pad;
		}
		return l + "\n";
	};
	out = line([&](std::size_t c) -> const std::string & {
		return columns_[c].name;
	});
	for (const auto &r : rows_)
		out += line([&](std::size_t c) -> const std::string & {
			return r[c];
		});
	return out;
}

} // namespace vmhost
