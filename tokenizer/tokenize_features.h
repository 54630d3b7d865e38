// FeatureBuilder: turns one example into model input rows ("features", data/token_dataset.h) the
// way XLM-R / RoBERTa fine-tuning in XTREME and Hugging Face does:
//
//   classification   <s> a </s>  or  <s> a </s></s> b </s>, truncated to max_length
//                    (longest_first: drop the last token of the longer segment until it fits;
//                    only_second: cut the second segment, and the first only if it alone is
//                    too long); label = index of the label, -1 when unlabelled.
//   tagging          every word is encoded on its own with Tokenizer::EncodeWordAppend (bpe: with
//                    a space before it, as Hugging Face's is_split_into_words=True with
//                    add_prefix_space=True; a word that yields no token becomes one
//                    <unk>, as XTREME's utils_tag does); the word's label goes on its first
//                    sub-token (on all of them with label_all_subtokens), kIgnoredTokenLabel
//                    elsewhere; word_index = the word's index in the example on its first
//                    sub-token, -1 elsewhere. A sentence longer than max_length - 2 sub-tokens is
//                    split at word boundaries into several features, so every word keeps its
//                    first sub-token (a single word longer than that is cut).
//   span QA          <s> question </s></s> context window </s>: the question is cut to
//                    max_query_length tokens; windows of at most max_length - |question| - 4
//                    context tokens start every min(doc_stride, window size) tokens until one
//                    reaches the end of the context (so consecutive windows never leave a gap).
//                    The context is encoded whole; context_char_start/end give each context
//                    token's span in code points of the context (leading whitespace that a
//                    "▁" piece covers is left out), -1 on question and special tokens.
//                    start/end_position: the tokens holding the first answer's first and last
//                    characters when the window covers the whole answer, else 0 (<s>); 0 for
//                    SQuAD 2.0 impossible questions; -1 for unlabelled examples.
//   multiple choice  one feature per choice: <s> context </s></s> question + " " + choice </s>
//                    (HellaSwag: ctx_a, then ctx_b + ending, as Hugging Face's run_swag; with no
//                    context the question is the first segment); label = index of the right
//                    choice, -1 when unlabelled; choice_index = k.
//   parallel         <s> sentence </s> for each sentence, side 0 (source) or 1 (target).
//
// Ownership: the builder keeps a reference to the model, which must outlive it.
// Threads: a FeatureBuilder is immutable after construction; its const methods may be called
// from many threads at once (each with its own output). Errors: InputError for bad options or
// labels the label set does not hold (naming the example); std::runtime_error when the tokenizer
// fails on a text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "data/readers/examples.h"
#include "data/token_dataset.h"
#include "tokenizer/tokenizer.h"

namespace xstilts {

enum class Truncation { kLongestFirst, kOnlySecond };
const char* TruncationName(Truncation truncation);  // "longest_first", "only_second"

struct TokenizeOptions {
  int64_t max_length = 128;
  Truncation truncation = Truncation::kLongestFirst;
  int64_t doc_stride = 128;       // span QA
  int64_t max_query_length = 64;  // span QA
  bool label_all_subtokens = false;
};

// What building features did besides the features themselves.
struct FeatureCounts {
  uint64_t truncated = 0;  // examples (sentences) with tokens cut off
  uint64_t split = 0;      // examples spread over several features (QA windows, long sentences)

  void Add(const FeatureCounts& other) {
    truncated += other.truncated;
    split += other.split;
  }
};

class FeatureBuilder {
 public:
  // `labels` is the label set the ids refer to: an example's label (or tag) must be in it. The
  // model must have <s> and </s>. Throws InputError listing every problem with the options.
  FeatureBuilder(const Tokenizer& model, TaskType task, std::vector<std::string> labels,
                 const TokenizeOptions& options);

  TaskType task() const { return task_; }
  const std::vector<std::string>& labels() const { return labels_; }
  const TokenizeOptions& options() const { return options_; }

  // Appends the features of `example` (row `index` of its artifact) to `out`.
  void AddExample(const Example& example, int64_t index, TokenFeatures* out, FeatureCounts* counts) const;
  // Parallel sentences: appends the feature of one sentence; `index` is its example row.
  void AddSentence(std::string_view text, int32_t side, int64_t sentence_index, int64_t index, TokenFeatures* out,
                   FeatureCounts* counts) const;

 private:
  void AddClassification(const Example& e, int64_t index, TokenFeatures* out, FeatureCounts* counts) const;
  void AddTagging(const Example& e, int64_t index, TokenFeatures* out, FeatureCounts* counts) const;
  void AddSpanQa(const Example& e, int64_t index, TokenFeatures* out, FeatureCounts* counts) const;
  void AddMultipleChoice(const Example& e, int64_t index, TokenFeatures* out, FeatureCounts* counts) const;
  // Appends <s> a </s> (b empty and !pair) or <s> a </s></s> b </s>, cut to fit max_length.
  void AddSegments(const Encoding& a, const Encoding& b, bool pair, int64_t index, TokenFeatures* out,
                   FeatureCounts* counts) const;
  Encoding Encode(std::string_view text, const Example* example) const;
  int32_t LabelId(const std::string& label, const Example& e, int64_t index) const;

  const Tokenizer& model_;
  TaskType task_;
  std::vector<std::string> labels_;
  std::unordered_map<std::string, int32_t> label_ids_;
  TokenizeOptions options_;
  int32_t bos_ = -1;
  int32_t eos_ = -1;
  int32_t unk_ = -1;
};

}  // namespace xstilts
