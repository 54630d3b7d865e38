#include "data/readers/gettext_mo.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "base/expected_content.h"
#include "base/input_error.h"
#include "base/utf8.h"
#include "data/readers/text_file.h"

namespace xstilts {
namespace {

constexpr uint32_t kMagic = 0x950412de;
constexpr uint32_t kMagicSwapped = 0xde120495;
constexpr size_t kHeaderBytes = 28;

uint32_t ReadU32(std::string_view bytes, size_t at, bool big_endian) {
  const auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + k])); };
  return big_endian ? (b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3))
                    : (b(3) << 24 | b(2) << 16 | b(1) << 8 | b(0));
}

std::vector<std::string> SplitOnNul(std::string_view s) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = s.find('\0', start);
    if (end == std::string_view::npos) {
      parts.emplace_back(s.substr(start));
      return parts;
    }
    parts.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
}

std::string CharsetOf(std::string_view header) {
  constexpr std::string_view kKey = "charset=";
  const size_t at = header.find(kKey);
  if (at == std::string_view::npos) return "";
  const size_t start = at + kKey.size();
  const size_t end = header.find_first_of(" \t\r\n;", start);
  return std::string(header.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
}

class StringTable {
 public:
  StringTable(std::string_view bytes, bool big_endian, const std::string& name, const char* what,
              uint32_t count, uint32_t offset)
      : bytes_(bytes), big_endian_(big_endian), name_(name), what_(what), offset_(offset) {
    const uint64_t end = static_cast<uint64_t>(offset) + static_cast<uint64_t>(count) * 8;
    if (end > bytes.size()) {
      throw InputError(name, 0, fmt::format("expected the {} table ({} entries at offset {}) to end within the "
                                            "file ({} bytes), got its end at byte {}",
                                            what, count, offset, bytes.size(), end));
    }
  }

  std::string_view Get(uint32_t i) const {
    const uint32_t length = ReadU32(bytes_, offset_ + 8 * size_t{i}, big_endian_);
    const uint32_t offset = ReadU32(bytes_, offset_ + 8 * size_t{i} + 4, big_endian_);
    if (static_cast<uint64_t>(offset) + length > bytes_.size()) {
      throw InputError(name_, 0, fmt::format("expected {} string {} (offset {}, length {}) to end within the file "
                                             "({} bytes), got its end at byte {}",
                                             what_, i, offset, length, bytes_.size(),
                                             static_cast<uint64_t>(offset) + length));
    }
    return bytes_.substr(offset, length);
  }

 private:
  std::string_view bytes_;
  bool big_endian_;
  const std::string& name_;
  const char* what_;
  uint32_t offset_;
};

}  // namespace

MoCatalog ParseMo(std::string_view bytes, const std::string& name) {
  if (bytes.size() < kHeaderBytes) {
    throw InputError(name, 0, fmt::format("expected a .mo header of {} bytes, got a file of {} bytes", kHeaderBytes,
                                          bytes.size()));
  }
  MoCatalog catalog;
  const uint32_t magic = ReadU32(bytes, 0, false);
  if (magic == kMagicSwapped) {
    catalog.big_endian = true;
  } else if (magic != kMagic) {
    throw InputError(name, 0, fmt::format("expected the .mo magic number 0x950412de, got 0x{:08x}", magic));
  }
  const bool be = catalog.big_endian;
  catalog.revision = ReadU32(bytes, 4, be);
  if ((catalog.revision >> 16) > 1) {
    throw InputError(name, 0, fmt::format("expected .mo major revision 0 or 1, got {} (revision 0x{:08x})",
                                          catalog.revision >> 16, catalog.revision));
  }
  const uint32_t count = ReadU32(bytes, 8, be);
  const StringTable originals(bytes, be, name, "msgid", count, ReadU32(bytes, 12, be));
  const StringTable translations(bytes, be, name, "msgstr", count, ReadU32(bytes, 16, be));
  catalog.messages.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view original = originals.Get(i);
    const std::string_view translation = translations.Get(i);
    MoMessage message;
    const size_t eot = original.find('\x04');
    if (eot != std::string_view::npos) {
      message.context = std::string(original.substr(0, eot));
      original.remove_prefix(eot + 1);
    }
    std::vector<std::string> ids = SplitOnNul(original);
    message.msgid = std::move(ids[0]);
    if (ids.size() > 1) message.msgid_plural = std::move(ids[1]);
    message.msgstr = SplitOnNul(translation);
    if (message.msgid.empty() && message.context.empty() && catalog.header.empty()) {
      catalog.header = message.msgstr[0];
      catalog.charset = CharsetOf(catalog.header);
      continue;
    }
    catalog.messages.push_back(std::move(message));
  }
  return catalog;
}

namespace {

bool IsUtf8Charset(std::string charset) {
  std::transform(charset.begin(), charset.end(), charset.begin(), [](unsigned char c) { return std::toupper(c); });
  // "CHARSET" is the placeholder of an unfilled PO header.
  return charset.empty() || charset == "UTF-8" || charset == "UTF8" || charset == "ASCII" ||
         charset == "US-ASCII" || charset == "CHARSET";
}

class Converter {
 public:
  Converter(const std::string& charset, const std::string& path) {
    cd_ = iconv_open("UTF-8", charset.c_str());
    if (cd_ == reinterpret_cast<iconv_t>(-1)) {
      throw InputError(path, 0, fmt::format("expected a charset iconv knows in the header, got \"{}\"", charset));
    }
  }
  ~Converter() { iconv_close(cd_); }
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;

  // Returns false when `text` is not valid in the charset.
  bool Convert(std::string& text) {
    iconv(cd_, nullptr, nullptr, nullptr, nullptr);  // reset the shift state
    std::string out(text.size() * 4 + 16, '\0');
    char* in_ptr = text.data();
    size_t in_left = text.size();
    char* out_ptr = out.data();
    size_t out_left = out.size();
    while (in_left > 0) {
      if (iconv(cd_, &in_ptr, &in_left, &out_ptr, &out_left) == static_cast<size_t>(-1)) {
        if (errno != E2BIG) return false;
        const size_t used = out.size() - out_left;
        out.resize(out.size() * 2);
        out_ptr = out.data() + used;
        out_left = out.size() - used;
      }
    }
    out.resize(out.size() - out_left);
    text = std::move(out);
    return true;
  }

 private:
  iconv_t cd_;
};

}  // namespace

MoCatalog ReadMoFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), 0, fmt::format("cannot read: {}", std::strerror(errno)));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = std::move(buffer).str();
  CheckExpectedContent(path, bytes);
  MoCatalog catalog = ParseMo(bytes, path.string());
  const bool convert = !IsUtf8Charset(catalog.charset);
  std::optional<Converter> converter;
  if (convert) converter.emplace(catalog.charset, path.string());
  const auto fix = [&](std::string& text, size_t index, const char* what) {
    if (convert && !converter->Convert(text)) {
      throw InputError(path.string(), 0, fmt::format("message {}: expected {} text in the {}, got bytes iconv cannot convert from it",
                                                     index, catalog.charset, what));
    }
    const size_t bad = FindInvalidUtf8(text);
    if (bad != std::string::npos) {
      throw InputError(path.string(), 0,
                       fmt::format("message {}: expected UTF-8 text in the {} (charset \"{}\"), got byte 0x{:02x} at byte {}",
                                   index, what, catalog.charset, static_cast<unsigned char>(text[bad]), bad));
    }
  };
  for (size_t i = 0; i < catalog.messages.size(); ++i) {
    MoMessage& m = catalog.messages[i];
    fix(m.context, i, "msgctxt");
    fix(m.msgid, i, "msgid");
    fix(m.msgid_plural, i, "msgid_plural");
    for (std::string& form : m.msgstr) fix(form, i, "msgstr");
  }
  if (convert) fix(catalog.header, 0, "header");
  return catalog;
}

}  // namespace xstilts
