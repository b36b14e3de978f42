// SPDX-License-Identifier: GPL-2.0
// pfctl: plain text and JSON for what the module reports. Plain output is
// for people; JSON carries the attributes under their names in snake_case,
// with null for what the module did not report.
#pragma once

#include <string>
#include <vector>

#include "objects.h"

namespace pfctl
{

enum class Style { Text, Json, Pretty };

// `dev show`: a table ("" with no PF), or a JSON array.
std::string format_pfs(const std::vector<Pf> &pfs, Style style);
// `dev show PF`: every attribute, or a JSON object.
std::string format_pf(const Pf &p, Style style);
// `vf show`: a table ("" with no VF), or a JSON array; `vf show PF VF`:
// the same with one VF (JSON: the object).
std::string format_vfs(const std::vector<Vf> &vfs, Style style);
std::string format_vf(const Vf &v, Style style);
// `ns show`: a table ("" with no namespace), or a JSON array.
std::string format_nss(const std::vector<Ns> &nss, Style style);
// `slot show`: a table ("" with no port), or a JSON array; `slot show PF
// PORT`: the same with one port (JSON: the object).
std::string format_slots(const std::vector<Slot> &slots, Style style);
std::string format_slot(const Slot &s, Style style);
// "8 GT/s x4", or "down".
std::string format_link(const Slot &s);
// `monitor`: one line per event, "PF KIND [vf N] [ns N] ..."; or one JSON
// object per line (-j; -p indents it).
std::string format_event(const Event &e, Style style);

} // namespace pfctl
