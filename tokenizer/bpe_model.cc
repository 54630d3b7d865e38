#include "tokenizer/bpe_model.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>
#include <unordered_map>

#include "base/input_error.h"
#include "base/unicode.h"
#include "tokenizer/bpe_files.h"
#include "tokenizer/gpt2_pretokenizer.h"

namespace xstilts {
namespace {

constexpr size_t kMaxProblems = 20;
// The cache holds at most kCacheShards * kCacheShardEntries pieces of at most kCacheMaxPiece
// bytes (a shard that fills up is emptied): enough for the distinct words of a large corpus
// without growing with it. Longer pieces are rare and not worth keeping.
constexpr size_t kCacheShards = 64;
constexpr size_t kCacheShardEntries = 4096;
constexpr size_t kCacheMaxPiece = 128;

bool IsPrintableByte(int b) { return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF); }

struct ByteTables {
  char32_t to_unicode[256];
  int16_t to_byte[0x144];  // code point -> byte, -1 for none
  ByteTables() {
    std::fill(std::begin(to_byte), std::end(to_byte), int16_t{-1});
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      to_unicode[b] = IsPrintableByte(b) ? static_cast<char32_t>(b) : next++;
      to_byte[to_unicode[b]] = static_cast<int16_t>(b);
    }
  }
};

const ByteTables& Bytes() {
  static const ByteTables tables;
  return tables;
}

// The bytes a vocab.json token stands for; characters outside the byte table (no encoding
// produces them) keep their UTF-8.
std::string TokenBytes(const std::string& token) {
  std::string out;
  for (size_t i = 0; i < token.size();) {
    const auto b0 = static_cast<unsigned char>(token[i]);
    size_t length = b0 < 0x80 ? 1 : (b0 & 0xE0) == 0xC0 ? 2 : (b0 & 0xF0) == 0xE0 ? 3 : 4;
    length = std::min(length, token.size() - i);
    char32_t c = length == 1 ? b0 : b0 & (0x3F >> (length - 1));
    for (size_t k = 1; k < length; ++k) c = (c << 6) | (static_cast<unsigned char>(token[i + k]) & 0x3F);
    if (c < 0x144 && Bytes().to_byte[c] >= 0) {
      out.push_back(static_cast<char>(Bytes().to_byte[c]));
    } else {
      out.append(token, i, length);
    }
    i += length;
  }
  return out;
}

// The first code point of non-empty UTF-8 text (an ill-formed lead byte: itself; it is no space).
char32_t FirstCodePoint(std::string_view text) {
  const auto b0 = static_cast<unsigned char>(text[0]);
  const size_t length = b0 < 0x80 ? 1 : (b0 & 0xE0) == 0xC0 ? 2 : (b0 & 0xF0) == 0xE0 ? 3 : (b0 & 0xF8) == 0xF0 ? 4 : 1;
  if (length == 1 || length > text.size()) return b0;
  char32_t c = b0 & (0x3F >> (length - 1));
  for (size_t k = 1; k < length; ++k) c = (c << 6) | (static_cast<unsigned char>(text[k]) & 0x3F);
  return c;
}

std::string Quoted(const std::string& s) { return "'" + s + "'"; }

[[noreturn]] void ThrowProblems(const std::vector<std::string>& problems, size_t total) {
  std::string message;
  for (const std::string& p : problems) message += (message.empty() ? "" : "\n") + p;
  if (total > problems.size()) message += "\n(" + std::to_string(total - problems.size()) + " more problems)";
  throw InputError(message);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, "cannot read the file");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(path, 0, "read error");
  return bytes;
}

struct CachedToken {
  int32_t id;       // -1: a byte vocab.json has no symbol for
  uint32_t length;  // bytes of the piece it covers
};

uint64_t PairKey(int32_t left, int32_t right) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
}

}  // namespace

struct BpeModel::State {
  struct Merge {
    int32_t rank;
    int32_t merged;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, std::vector<CachedToken>> pieces;
  };

  std::unordered_map<std::string, int32_t> token_to_id;
  std::vector<std::string> id_to_token;  // "" for ids vocab.json skips
  std::vector<std::string> id_to_bytes;
  std::array<int32_t, 256> byte_id{};
  std::unordered_map<uint64_t, Merge> merges;
  int32_t merge_count = 0;
  SpecialIds specials;
  std::array<Shard, kCacheShards> cache;

  void Bpe(std::string_view piece, std::vector<CachedToken>* out) const;
  void Tokens(std::string_view piece, std::vector<CachedToken>* out);
  bool IsSpecial(int32_t id) const {
    return id == specials.bos || id == specials.eos || id == specials.pad || id == specials.mask ||
           id == specials.unk;
  }
};

void BpeModel::State::Bpe(std::string_view piece, std::vector<CachedToken>* out) const {
  struct Symbol {
    int32_t id;
    uint32_t length;  // 0: merged into the symbol before it
    int32_t prev;
    int32_t next;
  };
  // A pair that may merge: symbols[pos] and the symbol after it, as they were when it was found.
  struct Candidate {
    int32_t rank;
    int32_t pos;
    int32_t left;
    int32_t right;
    // std::push_heap keeps the largest on top: lowest rank first, then leftmost.
    bool operator<(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  thread_local std::vector<Symbol> symbols;
  thread_local std::vector<Candidate> heap;
  symbols.clear();
  heap.clear();
  const auto n = static_cast<int32_t>(piece.size());
  for (int32_t i = 0; i < n; ++i) {
    symbols.push_back(Symbol{byte_id[static_cast<unsigned char>(piece[i])], 1, i - 1, i + 1 < n ? i + 1 : -1});
  }
  const auto consider = [&](int32_t pos) {
    if (pos < 0) return;
    const int32_t next = symbols[pos].next;
    if (next < 0 || symbols[pos].id < 0 || symbols[next].id < 0) return;
    const auto it = merges.find(PairKey(symbols[pos].id, symbols[next].id));
    if (it == merges.end()) return;
    heap.push_back(Candidate{it->second.rank, pos, symbols[pos].id, symbols[next].id});
    std::push_heap(heap.begin(), heap.end());
  };
  for (int32_t i = 0; i + 1 < n; ++i) consider(i);
  // Merging the lowest-ranked pair first, leftmost first among equals, gives what GPT-2's loop
  // (merge every occurrence of the lowest-ranked pair, left to right, repeat) gives.
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end());
    const Candidate c = heap.back();
    heap.pop_back();
    Symbol& left = symbols[c.pos];
    if (left.length == 0 || left.id != c.left || left.next < 0 || symbols[left.next].id != c.right) continue;
    Symbol& right = symbols[left.next];
    left.id = merges.at(PairKey(c.left, c.right)).merged;
    left.length += right.length;
    right.length = 0;
    left.next = right.next;
    if (left.next >= 0) symbols[left.next].prev = c.pos;
    consider(left.prev);
    consider(c.pos);
  }
  for (int32_t i = n > 0 ? 0 : -1; i >= 0; i = symbols[i].next) {
    out->push_back(CachedToken{symbols[i].id, symbols[i].length});
  }
}

void BpeModel::State::Tokens(std::string_view piece, std::vector<CachedToken>* out) {
  out->clear();
  if (piece.size() > kCacheMaxPiece) return Bpe(piece, out);
  std::string key(piece);
  Shard& shard = cache[std::hash<std::string>()(key) % kCacheShards];
  {
    std::lock_guard<std::mutex> lock(shard.mu);
    const auto it = shard.pieces.find(key);
    if (it != shard.pieces.end()) {
      *out = it->second;
      return;
    }
  }
  Bpe(piece, out);
  std::lock_guard<std::mutex> lock(shard.mu);
  if (shard.pieces.size() >= kCacheShardEntries) shard.pieces.clear();
  shard.pieces.emplace(std::move(key), *out);
}

BpeModel BpeModel::Load(std::string_view vocab_json, std::string_view merges_txt, const std::string& vocab_name,
                        const std::string& merges_name) {
  const std::vector<VocabEntry> entries = ParseVocabJson(vocab_json, vocab_name);
  const std::vector<MergeRule> rules = ParseMerges(merges_txt, merges_name);
  auto state = std::make_shared<State>();

  // A repeated token keeps its last id, as Python's json.load; ids must then be unique.
  std::unordered_map<std::string, size_t> last;
  for (size_t i = 0; i < entries.size(); ++i) last[entries[i].token] = i;
  std::vector<std::string> problems;
  size_t total = 0;
  const auto problem = [&](std::string message) {
    if (++total <= kMaxProblems) problems.push_back(std::move(message));
  };
  std::unordered_map<int32_t, size_t> owner;
  int32_t max_id = -1;
  for (size_t i = 0; i < entries.size(); ++i) {
    const VocabEntry& e = entries[i];
    if (last[e.token] != i) continue;
    const auto [it, fresh] = owner.emplace(e.id, i);
    if (!fresh) {
      const VocabEntry& first = entries[it->second];
      problem(vocab_name + ":" + std::to_string(e.line) + ": token " + Quoted(e.token) + " has id " +
              std::to_string(e.id) + ", which token " + Quoted(first.token) + " (line " + std::to_string(first.line) +
              ") already has");
      continue;
    }
    state->token_to_id.emplace(e.token, e.id);
    max_id = std::max(max_id, e.id);
  }
  if (problems.empty() && max_id < 0) problem(vocab_name + ": the vocabulary is empty");
  if (!problems.empty()) ThrowProblems(problems, total);

  state->id_to_token.resize(static_cast<size_t>(max_id) + 1);
  state->id_to_bytes.resize(static_cast<size_t>(max_id) + 1);
  for (const auto& [token, id] : state->token_to_id) {
    state->id_to_token[id] = token;
    state->id_to_bytes[id] = TokenBytes(token);
  }
  for (int b = 0; b < 256; ++b) {
    std::string symbol;
    unicode::AppendUtf8(Bytes().to_unicode[b], symbol);
    const auto it = state->token_to_id.find(symbol);
    state->byte_id[b] = it == state->token_to_id.end() ? -1 : it->second;
  }
  const auto special = [&](const char* name) {
    const auto it = state->token_to_id.find(name);
    return it == state->token_to_id.end() ? -1 : it->second;
  };
  state->specials = SpecialIds{special("<unk>"), special("<s>"), special("</s>"), special("<pad>"), special("<mask>")};

  for (size_t rank = 0; rank < rules.size(); ++rank) {
    const MergeRule& r = rules[rank];
    const auto left = state->token_to_id.find(r.left);
    const auto right = state->token_to_id.find(r.right);
    const auto merged = state->token_to_id.find(r.left + r.right);
    std::string missing;
    if (left == state->token_to_id.end()) missing = r.left;
    else if (right == state->token_to_id.end()) missing = r.right;
    else if (merged == state->token_to_id.end()) missing = r.left + r.right;
    if (!missing.empty()) {
      problem(merges_name + ":" + std::to_string(r.line) + ": merge " + Quoted(r.left + " " + r.right) + ": " +
              Quoted(missing) + " is not in " + vocab_name);
      continue;
    }
    // A repeated merge takes its last rank, as Python's dict(zip(merges, range(...))).
    state->merges[PairKey(left->second, right->second)] = State::Merge{static_cast<int32_t>(rank), merged->second};
  }
  if (!problems.empty()) ThrowProblems(problems, total);
  state->merge_count = static_cast<int32_t>(rules.size());
  return BpeModel(std::move(state));
}

BpeModel BpeModel::LoadDirectory(const std::string& dir) {
  const std::string vocab = dir + "/vocab.json";
  const std::string merges = dir + "/merges.txt";
  return Load(ReadFile(vocab), ReadFile(merges), vocab, merges);
}

int32_t BpeModel::VocabSize() const { return static_cast<int32_t>(state_->id_to_token.size()); }
const SpecialIds& BpeModel::special_ids() const { return state_->specials; }
int32_t BpeModel::merge_count() const { return state_->merge_count; }

int32_t BpeModel::PieceToId(std::string_view piece) const {
  const auto it = state_->token_to_id.find(std::string(piece));
  return it == state_->token_to_id.end() ? state_->specials.unk : it->second;
}

Result<std::string> BpeModel::IdToPiece(int32_t id) const {
  if (id < 0 || id >= VocabSize()) {
    return Status::Error(ErrorKind::kInvalidInput, "id " + std::to_string(id) + " is outside the vocabulary [0, " +
                                                       std::to_string(VocabSize()) + ")");
  }
  return state_->id_to_token[id];
}

Status BpeModel::EncodeAppend(std::string_view text, Encoding* out) const {
  thread_local std::vector<PretokenSpan> spans;
  thread_local std::vector<CachedToken> tokens;
  spans.clear();
  Gpt2PreTokenize(text, &spans);
  for (const PretokenSpan& span : spans) {
    state_->Tokens(text.substr(span.begin, span.end - span.begin), &tokens);
    uint32_t begin = span.begin;
    for (const CachedToken& t : tokens) {
      int32_t id = t.id;
      if (id < 0) {
        id = state_->specials.unk;
        if (id < 0) {
          return Status::Error(ErrorKind::kInvalidInput,
                               "byte " + std::to_string(static_cast<unsigned char>(text[begin])) + " at offset " +
                                   std::to_string(begin) + " has no symbol in vocab.json, which has no <unk>");
        }
      }
      out->ids.push_back(id);
      out->begins.push_back(begin);
      begin += t.length;
      out->ends.push_back(begin);
    }
  }
  return Status::Ok();
}

Status BpeModel::EncodeWordAppend(std::string_view word, Encoding* out) const {
  if (word.empty()) return Status::Ok();
  // Hugging Face tests text[0].isspace(): White_Space, and U+001C..U+001F.
  const char32_t first = FirstCodePoint(word);
  const bool starts_with_space = (first >= 0x1C && first <= 0x1F) || Gpt2CharClass(first) == PretokenClass::kSpace;
  if (starts_with_space) return EncodeAppend(word, out);
  thread_local std::string spaced;
  spaced.assign(1, ' ');
  spaced.append(word);
  const size_t old = out->size();
  XSTILTS_RETURN_IF_ERROR(EncodeAppend(spaced, out));
  for (size_t i = old; i < out->size(); ++i) {
    out->begins[i] = out->begins[i] > 0 ? out->begins[i] - 1 : 0;
    out->ends[i] = out->ends[i] > 0 ? out->ends[i] - 1 : 0;
  }
  return Status::Ok();
}

Result<Encoding> BpeModel::Encode(std::string_view text) const {
  Encoding encoding;
  XSTILTS_RETURN_IF_ERROR(EncodeAppend(text, &encoding));
  return encoding;
}

Result<std::string> BpeModel::Decode(const std::vector<int32_t>& ids) const {
  std::string text;
  for (size_t i = 0; i < ids.size(); ++i) {
    const int32_t id = ids[i];
    if (id < 0 || id >= VocabSize()) {
      return Status::Error(ErrorKind::kInvalidInput, "id " + std::to_string(id) + " at position " + std::to_string(i) +
                                                         " is outside the vocabulary [0, " +
                                                         std::to_string(VocabSize()) + ")");
    }
    if (!state_->IsSpecial(id)) text += state_->id_to_bytes[id];
  }
  return text;
}

char32_t Gpt2ByteToUnicode(uint8_t b) { return Bytes().to_unicode[b]; }

}  // namespace xstilts
