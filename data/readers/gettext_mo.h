// Parser for GNU gettext message catalogs (.mo files), written from the format description in
// the GNU gettext manual ("The Format of GNU MO Files"):
//
//   offset 0   magic 0x950412de in the writer's byte order (0xde120495 read the other way)
//          4   revision: major << 16 | minor; major 0 or 1 is readable, minor 1 adds
//              system-dependent strings (their tables are not read here)
//          8   N, the number of strings
//         12   O, offset of the table of original strings: N x (length, offset)
//         16   T, offset of the table of translations: N x (length, offset)
//         20   hash table size and offset (not needed to read every entry)
//
// An original string is `msgctxt \x04 msgid` (context optional) and, for plural entries,
// `msgid \0 msgid_plural`; a translation is its plural forms separated by \0. The entry with an
// empty msgid is the header ("Content-Type: text/plain; charset=UTF-8\n...").
//
// Pure functions, thread-safe. Malformed input throws InputError naming the file:
// `de/LC_MESSAGES/sed.mo: expected a .mo header of 28 bytes, got a file of 10 bytes`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace xstilts {

struct MoMessage {
  std::string context;              // msgctxt; "" when the entry has none
  std::string msgid;                // the source (English) string
  std::string msgid_plural;         // "" unless this is a plural entry
  std::vector<std::string> msgstr;  // the translation; one string per plural form
};

struct MoCatalog {
  uint32_t revision = 0;           // major << 16 | minor
  bool big_endian = false;         // the byte order the file was written in
  std::string header;              // the translation of the empty msgid; "" when absent
  std::string charset;             // from the header's Content-Type, as written; "" when absent
  std::vector<MoMessage> messages; // every entry but the header, in file order
};

// Parses the bytes of a .mo file; `name` (usually its path) starts every error message. Strings
// are returned as stored, in the catalog's charset.
MoCatalog ParseMo(std::string_view bytes, const std::string& name);

// Reads and parses `path`, then converts every string (header included) to UTF-8 from the
// header's charset with iconv (no conversion for UTF-8 / ASCII or a missing or placeholder
// "CHARSET" charset) and checks that the result is UTF-8; `charset` keeps the declared name.
// Errors name the file and, for text errors, the message index:
// `path: message 12: expected UTF-8 text in the msgstr (charset "UTF-8"), got byte 0xe9 at byte 3`.
MoCatalog ReadMoFile(const std::filesystem::path& path);

}  // namespace xstilts
