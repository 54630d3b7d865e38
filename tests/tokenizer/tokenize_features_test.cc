// FeatureBuilder on real benchmark files, one test per task. Expected ids of hand-picked examples
// were computed with python3-sentencepiece on the same model (ids + 1, as fairseq's layout).
#include "tokenizer/sentencepiece_model.h"
#include "tokenizer/tokenize_features.h"

#include <algorithm>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "base/input_error.h"
#include "base/utf8.h"
#include "data/readers/read_dataset.h"
#include "tests/readers/reader_test_util.h"
#include "tests/tokenizer/tokenizer_test_data.h"

namespace xstilts {
namespace {

using testing::InputErrorMessage;

constexpr char kModel[] = "spm/amr_nmt/sentencepiece.bpe.model";  // English BPE, 16000 pieces

SentencePieceModel LoadModel(const std::filesystem::path& path) {
  auto model = SentencePieceModel::LoadFile(path.string(), IdLayout::kFairseq);
  if (!model.ok()) throw std::runtime_error(model.status().message());
  return std::move(model.value());
}

TokenFeatures Build(const FeatureBuilder& builder, const Examples& examples, FeatureCounts* counts = nullptr) {
  TokenFeatures f;
  FeatureCounts local;
  for (size_t i = 0; i < examples.examples.size(); ++i) {
    builder.AddExample(examples.examples[i], static_cast<int64_t>(i), &f, counts ? counts : &local);
  }
  return f;
}

std::vector<int32_t> Ids(const TokenFeatures& f, size_t feature) {
  return std::vector<int32_t>(f.input_ids.begin() + f.offsets[feature], f.input_ids.begin() + f.offsets[feature + 1]);
}

template <typename T>
std::vector<T> Slice(const std::vector<T>& column, const TokenFeatures& f, size_t feature) {
  return std::vector<T>(column.begin() + f.offsets[feature], column.begin() + f.offsets[feature + 1]);
}

std::vector<int32_t> EncodeIds(const SentencePieceModel& model, const std::string& text) {
  auto encoded = model.Encode(text);
  if (!encoded.ok()) throw std::runtime_error(encoded.status().message());
  return encoded->ids;
}

TEST(TokenizeFeatures, XnliPairsAreEncodedAsRobertaPairs) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, kModel);
  XSTILTS_TOKENIZER_DATA_OR_SKIP(xnli, "xnli/xtreme/dev-de.tsv");
  const SentencePieceModel model = LoadModel(model_path);
  Examples examples = ReadDataset("xnli", xnli);
  examples.examples.resize(200);
  const FeatureBuilder builder(model, examples.task, examples.labels, TokenizeOptions());
  const TokenFeatures f = Build(builder, examples);
  ASSERT_EQ(f.size(), 200u);
  // "und er hat gesagt, Mama ich bin daheim." / "Er rief seine Mutter an, sobald er aus dem Schulbus stieg."
  EXPECT_EQ(Ids(f, 0), (std::vector<int32_t>{0,   64,   171, 387, 3388, 12788, 71,    4147, 395, 1829, 10595,
                                             12769, 80, 12789, 2, 2,   364,   152,   4039, 1356, 9480, 39,
                                             12788, 10029, 171, 280, 229, 3797, 6491, 159, 5667, 12789, 2}));
  EXPECT_EQ(f.label[0], 2);  // neutral in [contradiction, entailment, neutral]
  for (size_t i = 0; i < f.size(); ++i) {
    const Example& e = examples.examples[i];
    std::vector<int32_t> expected = {0};
    for (int32_t id : EncodeIds(model, e.text_a)) expected.push_back(id);
    expected.insert(expected.end(), {2, 2});
    for (int32_t id : EncodeIds(model, e.text_b)) expected.push_back(id);
    expected.push_back(2);
    ASSERT_LE(expected.size(), 128u) << "pair " << i << " would need truncation";
    EXPECT_EQ(Ids(f, i), expected) << "pair " << i;
    EXPECT_EQ(f.label[i], examples.LabelIndex(e.label)) << "pair " << i;
    EXPECT_EQ(f.example_index[i], static_cast<int64_t>(i));
  }
}

TEST(TokenizeFeatures, TruncationCutsTheLongerSegmentOrOnlyTheSecond) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, kModel);
  const SentencePieceModel model = LoadModel(model_path);
  Examples examples;
  examples.task = TaskType::kPairClassification;
  Example e;
  e.text_a = "one two three four five six seven eight nine ten";  // 10 tokens
  e.text_b = "alpha";
  examples.examples = {e};
  const std::vector<int32_t> a = EncodeIds(model, e.text_a), b = EncodeIds(model, e.text_b);
  ASSERT_EQ(a.size(), 10u);
  ASSERT_EQ(b.size(), 3u);

  TokenizeOptions options;
  options.max_length = 12;  // room for 8 of the 13 tokens: the first segment gives 5
  FeatureCounts counts;
  TokenFeatures f = Build(FeatureBuilder(model, examples.task, {}, options), examples, &counts);
  std::vector<int32_t> expected = {0, a[0], a[1], a[2], a[3], a[4], 2, 2, b[0], b[1], b[2], 2};
  EXPECT_EQ(Ids(f, 0), expected);
  EXPECT_EQ(counts.truncated, 1u);
  EXPECT_EQ(f.label, (std::vector<int32_t>{-1}));

  examples.examples[0].text_b = e.text_a;  // equal lengths: the second loses the odd token
  f = Build(FeatureBuilder(model, examples.task, {}, options), examples);
  EXPECT_EQ(Ids(f, 0), (std::vector<int32_t>{0, a[0], a[1], a[2], a[3], 2, 2, a[0], a[1], a[2], a[3], 2}));
  options.max_length = 13;
  f = Build(FeatureBuilder(model, examples.task, {}, options), examples);
  EXPECT_EQ(Ids(f, 0), (std::vector<int32_t>{0, a[0], a[1], a[2], a[3], a[4], 2, 2, a[0], a[1], a[2], a[3], 2}));

  options.truncation = Truncation::kOnlySecond;
  options.max_length = 16;
  f = Build(FeatureBuilder(model, examples.task, {}, options), examples);
  EXPECT_EQ(Ids(f, 0), (std::vector<int32_t>{0, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], 2, 2,
                                             a[0], a[1], 2}));
}

TEST(TokenizeFeatures, PanxLabelsTheFirstSubTokenOfEachWord) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, kModel);
  XSTILTS_TOKENIZER_DATA_OR_SKIP(panx, "panx/xtreme/dev-de.tsv");
  const SentencePieceModel model = LoadModel(model_path);
  const Examples examples = ReadDataset("panx", panx);
  ASSERT_EQ(examples.labels, (std::vector<std::string>{"B-LOC", "B-ORG", "B-PER", "I-LOC", "I-ORG", "I-PER", "O"}));
  const FeatureBuilder builder(model, examples.task, examples.labels, TokenizeOptions());
  TokenFeatures f;
  FeatureCounts counts;
  builder.AddExample(examples.examples.at(1), 1, &f, &counts);
  // Hinzu kommen die Zeugen Jehovas und zahlreiche andere Gruppen . / O O O B-ORG I-ORG O O O O O
  // ▁Hin zu | ▁kommen | ▁die | ▁Ze ugen | ▁Je h ov as | ▁und | ▁zahlreiche | ▁andere | ▁Gruppen | ▁.
  ASSERT_EQ(examples.examples[1].tokens.size(), 10u);
  EXPECT_EQ(Ids(f, 0), (std::vector<int32_t>{0, 1526, 643, 2221, 61, 5115, 2134, 6175, 12777, 536, 40, 64, 5812, 1536,
                                             5904, 16, 2}));
  EXPECT_EQ(f.token_labels, (std::vector<int32_t>{-100, 6, -100, 6, 6, 1, -100, 4, -100, -100, -100, 6, 6, 6, 6, 6,
                                                  -100}));
  EXPECT_EQ(f.word_index, (std::vector<int32_t>{-1, 0, -1, 1, 2, 3, -1, 4, -1, -1, -1, 5, 6, 7, 8, 9, -1}));

  TokenizeOptions all;
  all.label_all_subtokens = true;
  TokenFeatures g;
  FeatureBuilder(model, examples.task, examples.labels, all).AddExample(examples.examples[1], 1, &g, &counts);
  EXPECT_EQ(g.token_labels, (std::vector<int32_t>{-100, 6, 6, 6, 6, 1, 1, 4, 4, 4, 4, 6, 6, 6, 6, 6, -100}));
  EXPECT_EQ(g.word_index, f.word_index);
}

TEST(TokenizeFeatures, LongSentencesAreSplitAtWordsSoEveryWordKeepsItsLabel) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, kModel);
  XSTILTS_TOKENIZER_DATA_OR_SKIP(udpos, "udpos/xtreme/dev-de.tsv");
  const SentencePieceModel model = LoadModel(model_path);
  Examples examples = ReadDataset("udpos", udpos);
  examples.examples.resize(300);
  TokenizeOptions options;
  options.max_length = 16;
  FeatureCounts counts;
  const TokenFeatures f = Build(FeatureBuilder(model, examples.task, examples.labels, options), examples, &counts);
  EXPECT_GT(counts.split, 100u);
  // Every word of every example has exactly one labelled first sub-token, with its own tag.
  std::map<std::pair<int64_t, int32_t>, int32_t> first_tokens;
  for (size_t i = 0; i < f.size(); ++i) {
    EXPECT_LE(f.Length(i), 16);
    EXPECT_EQ(Ids(f, i).front(), 0);
    EXPECT_EQ(Ids(f, i).back(), 2);
    for (int64_t t = f.offsets[i]; t < f.offsets[i + 1]; ++t) {
      if (f.word_index[t] < 0) {
        EXPECT_EQ(f.token_labels[t], kIgnoredTokenLabel);
        continue;
      }
      const bool inserted = first_tokens.emplace(std::make_pair(f.example_index[i], f.word_index[t]), f.token_labels[t]).second;
      EXPECT_TRUE(inserted) << "word " << f.word_index[t] << " of example " << f.example_index[i] << " twice";
    }
  }
  size_t words = 0;
  for (size_t i = 0; i < examples.examples.size(); ++i) {
    const Example& e = examples.examples[i];
    for (size_t w = 0; w < e.tokens.size(); ++w, ++words) {
      const auto it = first_tokens.find({static_cast<int64_t>(i), static_cast<int32_t>(w)});
      ASSERT_NE(it, first_tokens.end()) << "example " << i << " word " << w;
      EXPECT_EQ(it->second, examples.LabelIndex(e.tags[w]));
    }
  }
  EXPECT_EQ(first_tokens.size(), words);
}

// For every XQuAD feature whose window holds the answer, the context text between the start
// token's and the end token's code-point offsets covers the gold answer, and no smaller span of
// whole tokens does. Every answer short enough to fit a window is in at least one.
void CheckQaWindows(const std::filesystem::path& path, const TokenizeOptions& options) {
  const SentencePieceModel model = LoadModel(::xstilts::testing::SharedDataDir() / kModel);
  Examples examples = ReadDataset("xquad", path);
  examples.examples.resize(500);
  FeatureCounts counts;
  const TokenFeatures f = Build(FeatureBuilder(model, examples.task, {}, options), examples, &counts);
  std::vector<int> windows_with_answer(examples.examples.size(), 0);
  std::vector<int> windows(examples.examples.size(), 0);
  for (size_t i = 0; i < f.size(); ++i) {
    const Example& e = examples.examples[f.example_index[i]];
    ++windows[f.example_index[i]];
    ASSERT_LE(f.Length(i), options.max_length);
    const std::vector<int32_t> cs = Slice(f.context_char_start, f, i), ce = Slice(f.context_char_end, f, i);
    const int32_t s = f.start_position[i], t = f.end_position[i];
    if (s == 0) {
      EXPECT_EQ(t, 0);
      continue;
    }
    ++windows_with_answer[f.example_index[i]];
    ASSERT_GE(cs[s], 0) << "start token is not a context token, feature " << i;
    ASSERT_GE(ce[t], 0) << "end token is not a context token, feature " << i;
    ASSERT_LE(s, t);
    const int64_t answer_begin = e.answers[0].start;
    const int64_t answer_end = answer_begin + CountCodePoints(e.answers[0].text);
    EXPECT_LE(cs[s], answer_begin) << "feature " << i;
    EXPECT_GE(ce[t], answer_end) << "feature " << i;
    if (s < t) {  // no smaller span of whole tokens holds the answer
      EXPECT_GT(cs[s + 1], answer_begin) << "feature " << i;
      EXPECT_LT(ce[t - 1], answer_end) << "feature " << i;
    }
    const std::string_view span = SubstrCodePoints(e.context, cs[s], ce[t] - cs[s]);
    EXPECT_NE(span.find(e.answers[0].text), std::string_view::npos)
        << "feature " << i << ": '" << span << "' does not hold '" << e.answers[0].text << "'";
  }
  EXPECT_GT(counts.split, examples.examples.size() / 2);
  // Windows hold at least max_length - max_query_length - 4 context tokens and start every
  // doc_stride tokens, so one of them holds every span of up to that minus doc_stride tokens; an
  // answer whose own encoding is well below that must be in a window.
  const auto fits = static_cast<size_t>(options.max_length - options.max_query_length - 4 - options.doc_stride - 4);
  size_t checked = 0;
  for (size_t x = 0; x < examples.examples.size(); ++x) {
    if (EncodeIds(model, examples.examples[x].answers[0].text).size() > fits) continue;
    ++checked;
    EXPECT_GE(windows_with_answer[x], 1) << "example " << x << " (" << windows[x] << " windows)";
  }
  EXPECT_GT(checked, examples.examples.size() * 9 / 10);  // Russian with an English model: 1 token a letter
}

TEST(TokenizeFeatures, XquadWindowsMapTheAnswerBackToItsText) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, kModel);
  XSTILTS_TOKENIZER_DATA_OR_SKIP(dir, "xquad");
  TokenizeOptions options;
  options.max_length = 128;
  options.doc_stride = 32;
  options.max_query_length = 32;
  for (const char* language : {"en", "de", "ru", "zh"}) {
    SCOPED_TRACE(language);
    CheckQaWindows(dir / (std::string("xquad.") + language + ".json"), options);
  }
}

TEST(TokenizeFeatures, QaWindowsStartEveryDocStrideAndCoverTheContext) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, kModel);
  XSTILTS_TOKENIZER_DATA_OR_SKIP(xquad, "xquad/xquad.en.json");
  const SentencePieceModel model = LoadModel(model_path);
  Examples examples = ReadDataset("xquad", xquad);
  examples.examples.resize(1);
  const Example& e = examples.examples[0];
  const std::vector<int32_t> question = EncodeIds(model, e.question), context = EncodeIds(model, e.context);
  TokenizeOptions options;
  options.max_length = 64;
  options.max_query_length = 32;
  options.doc_stride = 20;
  const TokenFeatures f = Build(FeatureBuilder(model, examples.task, {}, options), examples);
  ASSERT_LE(question.size(), 32u);
  const size_t window = 64 - question.size() - 4;
  ASSERT_EQ(f.size(), 1 + (context.size() - window + 19) / 20);
  for (size_t i = 0; i < f.size(); ++i) {
    std::vector<int32_t> expected = {0};
    expected.insert(expected.end(), question.begin(), question.end());
    expected.insert(expected.end(), {2, 2});
    const size_t begin = 20 * i, end = std::min(begin + window, context.size());
    expected.insert(expected.end(), context.begin() + begin, context.begin() + end);
    expected.push_back(2);
    EXPECT_EQ(Ids(f, i), expected) << "window " << i;
    const std::vector<int32_t> cs = Slice(f.context_char_start, f, i);
    EXPECT_EQ(std::count(cs.begin(), cs.end(), -1), static_cast<long>(question.size() + 4));
  }
}

TEST(TokenizeFeatures, HellaswagMakesOneFeaturePerChoice) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, kModel);
  XSTILTS_TOKENIZER_DATA_OR_SKIP(hellaswag, "hellaswag/specimen/hellaswag_val.jsonl");
  const SentencePieceModel model = LoadModel(model_path);
  const Examples examples = ReadDataset("hellaswag", hellaswag);
  ASSERT_EQ(examples.examples.size(), 2u);
  const TokenFeatures f = Build(FeatureBuilder(model, examples.task, examples.labels, TokenizeOptions()), examples);
  ASSERT_EQ(f.size(), 8u);
  EXPECT_EQ(f.example_index, (std::vector<int64_t>{0, 0, 0, 0, 1, 1, 1, 1}));
  EXPECT_EQ(f.choice_index, (std::vector<int32_t>{0, 1, 2, 3, 0, 1, 2, 3}));
  EXPECT_EQ(f.label, (std::vector<int32_t>{3, 3, 3, 3, 3, 3, 3, 3}));
  // "A man is sitting on a roof." / "he" + " " + "starts pulling up roofing on a roof."
  EXPECT_EQ(Ids(f, 3), (std::vector<int32_t>{0, 55, 378, 73, 7858, 131, 7, 506, 2637, 12789, 2, 2, 377, 12392, 42,
                                             928, 54, 629, 506, 2637, 54, 131, 7, 506, 2637, 12789, 2}));
}

TEST(TokenizeFeatures, TatoebaSentencesOfBothSides) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, kModel);
  XSTILTS_TOKENIZER_DATA_OR_SKIP(deu, "tatoeba/v1/tatoeba.deu-eng.deu");
  const SentencePieceModel model = LoadModel(model_path);
  const Examples examples = ReadDataset("tatoeba", deu);
  const ParallelSentences& p = examples.parallel;
  ASSERT_EQ(p.source_texts.size(), 1000u);
  const FeatureBuilder builder(model, examples.task, {}, TokenizeOptions());
  TokenFeatures f;
  FeatureCounts counts;
  builder.AddSentence(p.source_texts[0], 0, 0, 0, &f, &counts);
  builder.AddSentence(p.target_texts[0], 1, 0, 1000, &f, &counts);
  EXPECT_EQ(f.side, (std::vector<int32_t>{0, 1}));
  EXPECT_EQ(f.sentence_index, (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(f.example_index, (std::vector<int64_t>{0, 1000}));
  // "Mary said she didn't know where Tom was." (the apostrophe is not in this model: <unk> = 3)
  EXPECT_EQ(Ids(f, 1), (std::vector<int32_t>{0, 71, 514, 1956, 3004, 12738, 3, 12772, 1299, 1109, 10496, 308, 12789, 2}));
  std::vector<int32_t> german = {0};
  for (int32_t id : EncodeIds(model, p.source_texts[0])) german.push_back(id);
  german.push_back(2);
  EXPECT_EQ(Ids(f, 0), german);
}

TEST(TokenizeFeatures, UnlabelledAndImpossibleExamplesGetTheirMarkers) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, kModel);
  const SentencePieceModel model = LoadModel(model_path);
  FeatureCounts counts;
  TokenizeOptions options;
  options.max_length = 16;
  options.max_query_length = 4;
  options.doc_stride = 4;
  Example qa;
  qa.question = "Who?";
  qa.context = "The quick brown fox jumps over the lazy dog again and again and again.";
  const FeatureBuilder qa_builder(model, TaskType::kSpanQa, {}, options);
  TokenFeatures unlabelled, impossible;
  qa_builder.AddExample(qa, 0, &unlabelled, &counts);
  qa.is_impossible = true;
  qa.plausible_answers = {Answer{"fox", 16, 16}};
  qa_builder.AddExample(qa, 0, &impossible, &counts);
  ASSERT_GT(unlabelled.size(), 1u);
  EXPECT_EQ(unlabelled.start_position, std::vector<int32_t>(unlabelled.size(), -1));
  EXPECT_EQ(unlabelled.end_position, std::vector<int32_t>(unlabelled.size(), -1));
  EXPECT_EQ(impossible.start_position, std::vector<int32_t>(impossible.size(), 0));
  EXPECT_EQ(impossible.end_position, std::vector<int32_t>(impossible.size(), 0));
  EXPECT_EQ(impossible.input_ids, unlabelled.input_ids);

  Example sentence;
  sentence.tokens = {"Berlin", "", "calling"};  // an empty word still gets a token: <unk>
  TokenFeatures tagged;
  FeatureBuilder(model, TaskType::kTagging, {"O"}, TokenizeOptions()).AddExample(sentence, 0, &tagged, &counts);
  const std::vector<int32_t> berlin = EncodeIds(model, "Berlin"), calling = EncodeIds(model, "calling");
  std::vector<int32_t> expected = {0};
  expected.insert(expected.end(), berlin.begin(), berlin.end());
  expected.push_back(3);
  expected.insert(expected.end(), calling.begin(), calling.end());
  expected.push_back(2);
  EXPECT_EQ(tagged.input_ids, expected);
  EXPECT_EQ(tagged.token_labels, std::vector<int32_t>(expected.size(), kIgnoredTokenLabel));
  EXPECT_EQ(std::count_if(tagged.word_index.begin(), tagged.word_index.end(), [](int32_t w) { return w >= 0; }), 3);
  EXPECT_EQ(tagged.word_index[1 + berlin.size()], 1);
}

TEST(TokenizeFeatures, RejectsOptionsAndLabelsWithAMessage) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, kModel);
  const SentencePieceModel model = LoadModel(model_path);
  TokenizeOptions options;
  options.max_length = 64;
  options.max_query_length = 60;
  options.doc_stride = 0;
  EXPECT_EQ(InputErrorMessage([&] { FeatureBuilder(model, TaskType::kSpanQa, {}, options); }),
            "param 'max_query_length': 60 leaves no room for the context in max_length 64 (question + 4 special "
            "tokens + at least 1 context token); param 'doc_stride': expected at least 1, got 0");
  options.max_length = 4;
  EXPECT_EQ(InputErrorMessage([&] { FeatureBuilder(model, TaskType::kTagging, {"O"}, options); }),
            "param 'max_length': expected at least 8, got 4");

  Example e;
  e.id = "7";
  e.language = "de";
  e.tokens = {"Berlin"};
  e.tags = {"B-LOC"};
  const FeatureBuilder builder(model, TaskType::kTagging, {"O", "B-PER"}, TokenizeOptions());
  TokenFeatures f;
  FeatureCounts counts;
  EXPECT_EQ(InputErrorMessage([&] { builder.AddExample(e, 3, &f, &counts); }),
            "example 3 (id '7', de): label 'B-LOC' is not in the label set [O, B-PER]");
}

}  // namespace
}  // namespace xstilts
