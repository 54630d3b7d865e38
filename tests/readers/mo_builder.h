// Builds .mo files byte by byte for tests, following the layout in data/readers/gettext_mo.h:
// a 28-byte header, the msgid and msgstr tables of (length, offset) pairs, no hash table, then
// the NUL-terminated strings.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace xstilts::testing {

struct MoEntry {
  std::string original;     // msgctxt "\x04" msgid ["\0" msgid_plural]
  std::string translation;  // forms separated by "\0"
};

inline std::string BuildMo(const std::vector<MoEntry>& entries, bool big_endian = false,
                           uint32_t revision = 0) {
  std::string out;
  const auto u32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) {
      const int shift = big_endian ? 24 - 8 * i : 8 * i;
      out += static_cast<char>((v >> shift) & 0xff);
    }
  };
  const uint32_t n = static_cast<uint32_t>(entries.size());
  const uint32_t originals = 28;
  const uint32_t translations = originals + 8 * n;
  uint32_t offset = translations + 8 * n;
  u32(0x950412de);
  u32(revision);
  u32(n);
  u32(originals);
  u32(translations);
  u32(0);  // hash table size
  u32(0);  // hash table offset
  std::string strings;
  std::vector<std::pair<uint32_t, uint32_t>> original_table, translation_table;
  for (const MoEntry& e : entries) {
    original_table.emplace_back(static_cast<uint32_t>(e.original.size()), offset + static_cast<uint32_t>(strings.size()));
    strings += e.original;
    strings += '\0';
  }
  for (const MoEntry& e : entries) {
    translation_table.emplace_back(static_cast<uint32_t>(e.translation.size()),
                                   offset + static_cast<uint32_t>(strings.size()));
    strings += e.translation;
    strings += '\0';
  }
  for (const auto& [length, at] : original_table) {
    u32(length);
    u32(at);
  }
  for (const auto& [length, at] : translation_table) {
    u32(length);
    u32(at);
  }
  return out + strings;
}

inline std::string MoHeader(const std::string& charset = "UTF-8") {
  return "Project-Id-Version: test 1.0\nContent-Type: text/plain; charset=" + charset +
         "\nPlural-Forms: nplurals=2; plural=(n != 1);\n";
}

}  // namespace xstilts::testing
