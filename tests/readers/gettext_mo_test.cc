#include "data/readers/gettext_mo.h"

#include <fstream>

#include <gtest/gtest.h>

#include "tests/readers/mo_builder.h"
#include "tests/readers/reader_test_util.h"

namespace xstilts {
namespace {

using namespace std::string_literals;
using testing::BuildMo;
using testing::InputErrorMessage;
using testing::MoEntry;
using testing::MoHeader;
using testing::TempDir;

std::vector<MoEntry> SampleEntries() {
  return {
      {"", MoHeader()},
      {"%d file\0%d files"s, "%d Datei\0%d Dateien"s},
      {"Hello", "Hallo"},
      {"menu\x04Open", "Öffnen"},
      {"Untranslated", ""},
  };
}

void ExpectSample(const MoCatalog& catalog) {
  EXPECT_EQ(catalog.charset, "UTF-8");
  EXPECT_EQ(catalog.header, MoHeader());
  ASSERT_EQ(catalog.messages.size(), 4u);
  const MoMessage& plural = catalog.messages[0];
  EXPECT_EQ(plural.msgid, "%d file");
  EXPECT_EQ(plural.msgid_plural, "%d files");
  EXPECT_EQ(plural.msgstr, (std::vector<std::string>{"%d Datei", "%d Dateien"}));
  EXPECT_EQ(catalog.messages[1].msgid, "Hello");
  EXPECT_EQ(catalog.messages[1].context, "");
  EXPECT_EQ(catalog.messages[1].msgstr, std::vector<std::string>{"Hallo"});
  EXPECT_EQ(catalog.messages[2].context, "menu");
  EXPECT_EQ(catalog.messages[2].msgid, "Open");
  EXPECT_EQ(catalog.messages[2].msgstr, std::vector<std::string>{"Öffnen"});
  EXPECT_EQ(catalog.messages[3].msgstr, std::vector<std::string>{""});
}

TEST(GettextMo, ParsesLittleEndianCatalog) {
  const MoCatalog catalog = ParseMo(BuildMo(SampleEntries()), "t.mo");
  EXPECT_FALSE(catalog.big_endian);
  EXPECT_EQ(catalog.revision, 0u);
  ExpectSample(catalog);
}

TEST(GettextMo, ParsesByteSwappedCatalog) {
  const std::string bytes = BuildMo(SampleEntries(), /*big_endian=*/true, /*revision=*/1);
  EXPECT_EQ(bytes.substr(0, 4), "\x95\x04\x12\xde");
  const MoCatalog catalog = ParseMo(bytes, "t.mo");
  EXPECT_TRUE(catalog.big_endian);
  EXPECT_EQ(catalog.revision, 1u);
  ExpectSample(catalog);
}

TEST(GettextMo, RejectsCorruptFiles) {
  EXPECT_EQ(InputErrorMessage([] { ParseMo("\xde\x12\x04\x95 short"s, "a.mo"); }),
            "a.mo: expected a .mo header of 28 bytes, got a file of 10 bytes");
  std::string bytes = BuildMo(SampleEntries());
  std::string bad_magic = bytes;
  bad_magic[0] = 'X';
  EXPECT_EQ(InputErrorMessage([&] { ParseMo(bad_magic, "a.mo"); }),
            "a.mo: expected the .mo magic number 0x950412de, got 0x95041258");
  EXPECT_EQ(InputErrorMessage([] { ParseMo(BuildMo(SampleEntries(), false, 0x00020000), "a.mo"); }),
            "a.mo: expected .mo major revision 0 or 1, got 2 (revision 0x00020000)");
  // Truncated in the middle of the strings: the last translation ends past the end.
  const std::string truncated = bytes.substr(0, bytes.size() - 10);
  EXPECT_EQ(InputErrorMessage([&] { ParseMo(truncated, "a.mo"); }),
            "a.mo: expected msgstr string 3 (offset " + std::to_string(bytes.size() - 9) +
            ", length 7) to end within the file (" + std::to_string(truncated.size()) + " bytes), got its end at byte " +
            std::to_string(bytes.size() - 2));
  // N larger than the tables the file holds.
  std::string too_many = bytes;
  too_many[8] = 100;
  EXPECT_EQ(InputErrorMessage([&] { ParseMo(too_many, "a.mo"); }),
            "a.mo: expected the msgid table (100 entries at offset 28) to end within the file (" +
            std::to_string(bytes.size()) + " bytes), got its end at byte 828");
}

TEST(GettextMo, ReadMoFileConvertsLegacyCharsets) {
  TempDir dir;
  const auto path = dir.Write("latin1.mo", BuildMo({{"", MoHeader("ISO-8859-1")}, {"Greetings", "Gr\xfc\xdf" "e"}}));
  const MoCatalog catalog = ReadMoFile(path);
  EXPECT_EQ(catalog.charset, "ISO-8859-1");
  ASSERT_EQ(catalog.messages.size(), 1u);
  EXPECT_EQ(catalog.messages[0].msgstr[0], "Grüße");
}

TEST(GettextMo, ReadMoFileRejectsInvalidUtf8AndUnknownCharsets) {
  TempDir dir;
  const auto bad = dir.Write("bad.mo", BuildMo({{"", MoHeader()}, {"a", "ok"}, {"b", "caf\xe9"}}));
  EXPECT_EQ(InputErrorMessage([&] { ReadMoFile(bad); }),
            bad.string() + ": message 1: expected UTF-8 text in the msgstr (charset \"UTF-8\"), got byte 0xe9 at byte 3");
  const auto unknown = dir.Write("unknown.mo", BuildMo({{"", MoHeader("KLINGON-1")}, {"a", "b"}}));
  EXPECT_EQ(InputErrorMessage([&] { ReadMoFile(unknown); }),
            unknown.string() + ": expected a charset iconv knows in the header, got \"KLINGON-1\"");
  const auto missing = dir.path() / "missing.mo";
  EXPECT_EQ(InputErrorMessage([&] { ReadMoFile(missing); }),
            missing.string() + ": cannot read: No such file or directory");
}

uint32_t StringCount(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char b[12];
  in.read(reinterpret_cast<char*>(b), 12);
  return b[8] | b[9] << 8 | b[10] << 16 | static_cast<uint32_t>(b[11]) << 24;
}

TEST(GettextMo, ReadsRealGermanSedCatalog) {
  const std::filesystem::path path = "/usr/share/locale/de/LC_MESSAGES/sed.mo";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path << " on this machine";
  const MoCatalog catalog = ReadMoFile(path);
  EXPECT_EQ(catalog.charset, "UTF-8");
  EXPECT_EQ(catalog.messages.size() + 1, StringCount(path));  // every entry but the header
  bool found = false;
  for (const MoMessage& m : catalog.messages) {
    if (m.msgid == "\":\" lacks a label") {
      found = true;
      EXPECT_EQ(m.msgstr, std::vector<std::string>{"»:« fehlt eine Bezeichnung"});
    }
  }
  EXPECT_TRUE(found);
}

TEST(GettextMo, ConvertsRealEucJpCatalog) {
  const std::filesystem::path path = "/usr/share/locale/ja/LC_MESSAGES/tar.mo";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path << " on this machine";
  const MoCatalog catalog = ReadMoFile(path);
  if (catalog.charset != "EUC-JP") GTEST_SKIP() << path << " is " << catalog.charset << ", not EUC-JP";
  bool found = false;
  for (const MoMessage& m : catalog.messages) {
    if (m.msgid == " link to %s\n") {
      found = true;
      EXPECT_EQ(m.msgstr[0], " %s へのリンク\n");
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace xstilts
