#include "eval/metrics_seqeval.h"

#include <set>
#include <stdexcept>
#include <string_view>
#include <tuple>

namespace xstilts {
namespace {

struct TagParts {
  std::string_view prefix;  // the first character (code point) of the tag
  std::string_view type;
};

std::size_t FirstCodePointLength(std::string_view tag) {
  if (tag.empty()) return 0;
  const unsigned char b = static_cast<unsigned char>(tag[0]);
  std::size_t n = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 4;
  return n > tag.size() ? tag.size() : n;
}

// seqeval 1.x: tag = chunk[0]; type_ = chunk[1:].split('-', maxsplit=1)[-1] or '_'
// seqeval 0.0.12: tag = chunk[0]; type_ = chunk.split('-')[-1]
TagParts Parse(std::string_view chunk, SeqevalVersion version) {
  const std::size_t n = FirstCodePointLength(chunk);
  TagParts parts;
  parts.prefix = chunk.substr(0, n);
  if (version == SeqevalVersion::k0_0_12) {
    const std::size_t last_dash = chunk.rfind('-');
    parts.type = last_dash == std::string_view::npos ? chunk : chunk.substr(last_dash + 1);
    return parts;
  }
  std::string_view rest = chunk.substr(n);
  const std::size_t dash = rest.find('-');
  if (dash != std::string_view::npos) rest = rest.substr(dash + 1);
  parts.type = rest.empty() ? std::string_view("_") : rest;
  return parts;
}

bool EndOfChunk(std::string_view prev_tag, std::string_view tag, std::string_view prev_type,
                std::string_view type) {
  if (prev_tag == "E" || prev_tag == "S") return true;
  if ((prev_tag == "B" || prev_tag == "I") && (tag == "B" || tag == "S" || tag == "O")) return true;
  return prev_tag != "O" && prev_tag != "." && prev_type != type;
}

bool StartOfChunk(std::string_view prev_tag, std::string_view tag, std::string_view prev_type,
                  std::string_view type) {
  if (tag == "B" || tag == "S") return true;
  if ((prev_tag == "E" || prev_tag == "S" || prev_tag == "O") && (tag == "E" || tag == "I")) {
    return true;
  }
  return tag != "O" && tag != "." && prev_type != type;
}

// seqeval 1.x's check_consistent_length (a ValueError there).
void CheckConsistentLength(const std::vector<std::vector<std::string>>& gold,
                           const std::vector<std::vector<std::string>>& predicted) {
  if (gold.size() != predicted.size()) {
    throw std::invalid_argument("seqeval: " + std::to_string(predicted.size()) +
                                " predicted sentences for " + std::to_string(gold.size()) +
                                " gold sentences");
  }
  for (std::size_t i = 0; i < gold.size(); ++i) {
    if (gold[i].size() != predicted[i].size()) {
      throw std::invalid_argument("seqeval: sentence " + std::to_string(i + 1) + " has " +
                                  std::to_string(predicted[i].size()) + " predicted tags for " +
                                  std::to_string(gold[i].size()) + " gold tags");
    }
  }
}

}  // namespace

const char* SeqevalVersionName(SeqevalVersion version) {
  switch (version) {
    case SeqevalVersion::k0_0_12:
      return "0.0.12";
    case SeqevalVersion::k1_2_2:
      return "1.2.2";
  }
  return "";
}

std::optional<SeqevalVersion> ParseSeqevalVersion(std::string_view name) {
  for (const SeqevalVersion version : {SeqevalVersion::k0_0_12, SeqevalVersion::k1_2_2}) {
    if (name == SeqevalVersionName(version)) return version;
  }
  return std::nullopt;
}

std::vector<std::string> SeqevalVersionNames() {
  return {SeqevalVersionName(kXtremeSeqevalVersion), SeqevalVersionName(SeqevalVersion::k1_2_2)};
}

std::vector<Chunk> GetEntities(const std::vector<std::string>& tags, SeqevalVersion version) {
  std::vector<Chunk> chunks;
  std::string_view prev_tag = "O";
  std::string_view prev_type = "";
  std::size_t begin_offset = 0;
  static const std::string kSentinel = "O";
  for (std::size_t i = 0; i <= tags.size(); ++i) {
    const TagParts parts = Parse(i < tags.size() ? tags[i] : kSentinel, version);
    if (EndOfChunk(prev_tag, parts.prefix, prev_type, parts.type)) {
      // i >= 1 here: at i == 0, prev_tag is "O" and prev_type "" differs only when the tag is
      // not O or '.', which EndOfChunk ignores because prev_tag is "O".
      chunks.push_back(Chunk{std::string(prev_type), begin_offset, i - 1});
    }
    if (StartOfChunk(prev_tag, parts.prefix, prev_type, parts.type)) begin_offset = i;
    prev_tag = parts.prefix;
    prev_type = parts.type;
  }
  return chunks;
}

std::vector<Chunk> GetEntities(const std::vector<std::vector<std::string>>& sentences,
                               SeqevalVersion version) {
  std::vector<std::string> joined;
  for (const auto& sentence : sentences) {
    joined.insert(joined.end(), sentence.begin(), sentence.end());
    joined.emplace_back("O");
  }
  return GetEntities(joined, version);
}

PrfScore SeqevalPrf(const std::vector<std::vector<std::string>>& gold,
                    const std::vector<std::vector<std::string>>& predicted,
                    SeqevalVersion version) {
  if (version == SeqevalVersion::k1_2_2) CheckConsistentLength(gold, predicted);
  using Key = std::tuple<std::string, std::size_t, std::size_t>;
  const auto as_set = [](const std::vector<Chunk>& chunks) {
    std::set<Key> keys;
    for (const Chunk& c : chunks) keys.emplace(c.type, c.begin, c.end);
    return keys;
  };
  const std::set<Key> gold_set = as_set(GetEntities(gold, version));
  const std::set<Key> pred_set = as_set(GetEntities(predicted, version));
  PrfScore score;
  score.num_gold = gold_set.size();
  score.num_predicted = pred_set.size();
  for (const Key& k : pred_set) score.num_correct += gold_set.count(k);
  const double correct = static_cast<double>(score.num_correct);
  const double p = score.num_predicted > 0 ? correct / static_cast<double>(score.num_predicted) : 0;
  const double r = score.num_gold > 0 ? correct / static_cast<double>(score.num_gold) : 0;
  const double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
  score.precision = p * 100;
  score.recall = r * 100;
  score.f1 = f1 * 100;
  return score;
}

}  // namespace xstilts
