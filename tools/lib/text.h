// SPDX-License-Identifier: GPL-2.0
// Plain-text output for vmhost's tools: byte counts for humans and
// column-aligned tables.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vmhost
{

// Bytes in the largest binary unit they reach: "0 B", "512 B", "4 KiB",
// "64 GiB", and with two decimals when not a whole number of that unit:
// "1.50 GiB".
std::string format_bytes(std::uint64_t bytes);

// A table printed with a header line and columns two spaces apart; the
// last column is not padded.
class Table {
    public:
	struct Column {
		std::string name;
		bool right = false; // right-aligned (numbers)
	};

	explicit Table(std::vector<Column> columns);
	// A row of as many cells as there are columns.
	void add(std::vector<std::string> row);
	bool empty() const
	{
		return rows_.empty();
	}
	std::string str() const;

    private:
	std::vector<Column> columns_;
	std::vector<std::vector<std::string> > rows_;
};

} // namespace vmhost
