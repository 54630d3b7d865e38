// vocab.json and merges.txt parsing, and the errors a person reads for malformed files.
#include "tokenizer/bpe_files.h"

#include <string>

#include <gtest/gtest.h>

#include "base/input_error.h"
#include "tokenizer/bpe_model.h"

namespace xstilts {
namespace {

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

TEST(BpeFiles, VocabJsonReadsEscapesAndRawUtf8) {
  const auto entries = ParseVocabJson("\xEF\xBB\xBF{\"\\u0120the\": 5,\n \"\xC4\xA0" "a\": 6, \"\\\"q\\\\\": 7,"
                                      " \"\\ud83d\\ude00\": 8}\n",
                                      "vocab.json");
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].token, "\xC4\xA0the");
  EXPECT_EQ(entries[0].id, 5);
  EXPECT_EQ(entries[1].token, "\xC4\xA0" "a");
  EXPECT_EQ(entries[1].line, 2);
  EXPECT_EQ(entries[2].token, "\"q\\");
  EXPECT_EQ(entries[3].token, "\xF0\x9F\x98\x80");
  EXPECT_EQ(entries[3].id, 8);
  EXPECT_TRUE(ParseVocabJson(" {} ", "v").empty());
}

TEST(BpeFiles, MalformedVocabJsonNamesFileAndLine) {
  EXPECT_EQ(ErrorOf([] { ParseVocabJson("{\"a\": 0,\n\"b\" 1}", "m/vocab.json"); }),
            "m/vocab.json:2: expected ':' after the token");
  EXPECT_EQ(ErrorOf([] { ParseVocabJson("{\"a\": 0,\n\n\"b\": 1.5}", "m/vocab.json"); }),
            "m/vocab.json:3: the id of token 'b' must be an integer from 0 to 2147483646, got 1.5");
  EXPECT_EQ(ErrorOf([] { ParseVocabJson("{\"a\": -1}", "v.json"); }),
            "v.json:1: the id of token 'a' must be an integer from 0 to 2147483646, got -1");
  EXPECT_EQ(ErrorOf([] { ParseVocabJson("{\"a\": \"1\"}", "v.json"); }),
            "v.json:1: the id of token 'a' must be an integer from 0 to 2147483646, got a string");
  EXPECT_EQ(ErrorOf([] { ParseVocabJson("[\"a\"]", "v.json"); }),
            "v.json:1: expected '{' to start the JSON object of token -> id");
  EXPECT_EQ(ErrorOf([] { ParseVocabJson("{\"a\": 1\n\n", "v.json"); }), "v.json:3: expected ',' or '}' after the id");
  EXPECT_EQ(ErrorOf([] { ParseVocabJson("{\"a\\q\": 1}", "v.json"); }), "v.json:1: unknown escape \\q");
  EXPECT_EQ(ErrorOf([] { ParseVocabJson("{\"a\": 1} x", "v.json"); }), "v.json:1: unexpected text after the JSON object");
}

TEST(BpeFiles, MergesSkipVersionLineAndEmptyLines) {
  const auto merges = ParseMerges("#version: 0.2\r\n\xC4\xA0 l\r\n\nl o\n", "merges.txt");
  ASSERT_EQ(merges.size(), 2u);
  EXPECT_EQ(merges[0].left, "\xC4\xA0");
  EXPECT_EQ(merges[0].right, "l");
  EXPECT_EQ(merges[0].line, 2);
  EXPECT_EQ(merges[1].left, "l");
  EXPECT_EQ(merges[1].line, 4);
  // Without the version line the first line is a merge.
  EXPECT_EQ(ParseMerges("a b", "m").size(), 1u);
}

TEST(BpeFiles, MalformedMergesListEveryBadLine) {
  EXPECT_EQ(ErrorOf([] { ParseMerges("#version: 0.2\na b\nab\na  b\na b c\n", "dir/merges.txt"); }),
            "dir/merges.txt:3: expected two symbols separated by one space, got 'ab'\n"
            "dir/merges.txt:4: expected two symbols separated by one space, got 'a  b'\n"
            "dir/merges.txt:5: expected two symbols separated by one space, got 'a b c'");
}

TEST(BpeFiles, ModelRefusesMergesOutsideTheVocabularyAndRepeatedIds) {
  EXPECT_EQ(ErrorOf([] { BpeModel::Load("{\"a\": 0, \"b\": 1}", "#version: 0.2\na b\n", "vocab.json", "merges.txt"); }),
            "merges.txt:2: merge 'a b': 'ab' is not in vocab.json");
  EXPECT_EQ(ErrorOf([] { BpeModel::Load("{\"a\": 0, \"ab\": 1}", "a b\n", "vocab.json", "merges.txt"); }),
            "merges.txt:1: merge 'a b': 'b' is not in vocab.json");
  EXPECT_EQ(ErrorOf([] { BpeModel::Load("{\"a\": 0,\n\"b\": 0}", "", "vocab.json", "merges.txt"); }),
            "vocab.json:2: token 'b' has id 0, which token 'a' (line 1) already has");
  EXPECT_EQ(ErrorOf([] { BpeModel::Load("{}", "", "vocab.json", "merges.txt"); }), "vocab.json: the vocabulary is empty");
  // A repeated token keeps its last id (Python's json.load), so its first id is free again.
  const BpeModel model = BpeModel::Load("{\"a\": 0, \"b\": 1, \"a\": 2}", "", "v", "m");
  EXPECT_EQ(model.PieceToId("a"), 2);
  EXPECT_EQ(model.VocabSize(), 3);
}

}  // namespace
}  // namespace xstilts
