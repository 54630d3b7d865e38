#include "tokenizer/tokenizer_artifact.h"

#include <cstdint>
#include <optional>
#include <stdexcept>

#include "base/input_error.h"
#include "data/h5_file.h"
#include "tokenizer/bpe_model.h"

namespace xstilts {
namespace {

// Just enough of the protobuf wire format to find ModelProto.trainer_spec (field 2) and in it
// TrainerSpec.model_type (field 3, enum UNIGRAM = 1, BPE = 2, WORD = 3, CHAR = 4). sentencepiece
// itself lives behind the module's C interface, which does not expose the trainer spec.
class WireReader {
 public:
  explicit WireReader(std::string_view bytes) : bytes_(bytes) {}
  bool done() const { return pos_ == bytes_.size(); }

  std::optional<uint64_t> Varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64 && pos_ < bytes_.size(); shift += 7) {
      const auto byte = static_cast<uint8_t>(bytes_[pos_++]);
      value |= uint64_t{byte & 0x7fu} << shift;
      if ((byte & 0x80u) == 0) return value;
    }
    return std::nullopt;
  }

  // Reads one field: its number, wire type and, for length-delimited fields, its bytes.
  bool Field(uint32_t* number, uint32_t* wire_type, uint64_t* varint, std::string_view* bytes) {
    const auto key = Varint();
    if (!key) return false;
    *number = static_cast<uint32_t>(*key >> 3);
    *wire_type = static_cast<uint32_t>(*key & 7);
    switch (*wire_type) {
      case 0: {
        const auto v = Varint();
        if (!v) return false;
        *varint = *v;
        return true;
      }
      case 1:
        return Skip(8);
      case 5:
        return Skip(4);
      case 2: {
        const auto length = Varint();
        if (!length || *length > bytes_.size() - pos_) return false;
        *bytes = bytes_.substr(pos_, *length);
        pos_ += *length;
        return true;
      }
      default:
        return false;
    }
  }

 private:
  bool Skip(size_t n) {
    if (n > bytes_.size() - pos_) return false;
    pos_ += n;
    return true;
  }
  std::string_view bytes_;
  size_t pos_ = 0;
};

// Bad model bytes are the user's data; a missing sentencepiece module is not.
[[noreturn]] void ThrowLoadError(const Status& status) {
  if (status.kind() == ErrorKind::kInvalidInput || status.kind() == ErrorKind::kCorrupt) {
    throw InputError(status.message());
  }
  throw std::runtime_error(status.message());
}

const char* ModelTypeName(uint64_t value) {
  switch (value) {
    case 1: return "unigram";
    case 2: return "bpe";
    case 3: return "word";
    case 4: return "char";
    default: return "";
  }
}

}  // namespace

std::string SentencePieceModelType(std::string_view model_proto) {
  WireReader model(model_proto);
  std::string type = "unigram";
  while (!model.done()) {
    uint32_t number = 0, wire = 0;
    uint64_t varint = 0;
    std::string_view bytes;
    if (!model.Field(&number, &wire, &varint, &bytes)) return "";
    if (number != 2 || wire != 2) continue;
    WireReader spec(bytes);
    while (!spec.done()) {
      if (!spec.Field(&number, &wire, &varint, &bytes)) return "";
      if (number == 3 && wire == 0) type = ModelTypeName(varint);
    }
  }
  return type;
}

std::shared_ptr<const Tokenizer> LoadTokenizer(const TokenizerArtifact& artifact, const std::string& name) {
  if (artifact.format == TokenizerFormat::kBpe) {
    return std::make_shared<const BpeModel>(
        BpeModel::Load(artifact.vocab_json, artifact.merges, name + "/vocab.json", name + "/merges.txt"));
  }
  auto model = SentencePieceModel::LoadBytes(artifact.model_proto, artifact.id_layout, name);
  if (!model.ok()) ThrowLoadError(model.status());
  return std::make_shared<const SentencePieceModel>(std::move(model.value()));
}

namespace {

void WriteBytes(H5File& file, const std::string& dataset, const std::string& bytes) {
  file.Write(dataset, H5Type::kUInt8, {bytes.size()}, bytes.data());
}

std::string ReadBytes(H5File& file, const std::string& dataset, const std::string& where) {
  const H5Array array = file.Read(dataset);
  if (array.type != H5Type::kUInt8 || array.shape.size() != 1) {
    throw InputError(where, 0, "dataset '" + dataset + "' must be a 1-d uint8 array");
  }
  return std::string(reinterpret_cast<const char*>(array.bytes.data()), array.bytes.size());
}

}  // namespace

void WriteTokenizerArtifact(const TokenizerArtifact& artifact, const std::filesystem::path& path,
                            const std::string& name) {
  const std::shared_ptr<const Tokenizer> model = LoadTokenizer(artifact, name);
  const bool bpe = artifact.format == TokenizerFormat::kBpe;
  std::string model_type = artifact.model_type;
  if (model_type.empty()) model_type = bpe ? "byte_level_bpe" : SentencePieceModelType(artifact.model_proto);
  const int64_t pieces = bpe ? model->VocabSize() : static_cast<const SentencePieceModel&>(*model).piece_size();
  H5File file(path, H5File::Mode::kCreate);
  file.SetAttribute("/", "kind", std::string(kTokenizerArtifactKind));
  file.SetAttribute("/", "version", int64_t{kTokenizerArtifactVersion});
  file.SetAttribute("/", "format", std::string(TokenizerFormatName(artifact.format)));
  file.SetAttribute("/", "id_layout", std::string(model->id_layout_name()));
  file.SetAttribute("/", "model_type", model_type);
  file.SetAttribute("/", "vocab_size", int64_t{model->VocabSize()});
  file.SetAttribute("/", "piece_size", pieces);
  const SpecialIds& ids = model->special_ids();
  file.SetAttribute("/", "pad_id", int64_t{ids.pad});
  file.SetAttribute("/", "bos_id", int64_t{ids.bos});
  file.SetAttribute("/", "eos_id", int64_t{ids.eos});
  file.SetAttribute("/", "unk_id", int64_t{ids.unk});
  file.SetAttribute("/", "mask_id", int64_t{ids.mask});
  if (bpe) {
    WriteBytes(file, "vocab_json", artifact.vocab_json);
    WriteBytes(file, "merges", artifact.merges);
  } else {
    WriteBytes(file, "model", artifact.model_proto);
  }
  if (!artifact.sample.empty()) {
    std::vector<std::string> languages;
    std::vector<int64_t> available, sampled;
    for (const LanguageQuota& q : artifact.sample) {
      languages.push_back(q.language);
      available.push_back(static_cast<int64_t>(q.available));
      sampled.push_back(static_cast<int64_t>(q.quota));
    }
    file.WriteStrings("sample/language", languages);
    file.WriteVector("sample/available", available);
    file.WriteVector("sample/sampled", sampled);
  }
  file.Close();
}

TokenizerArtifact ReadTokenizerArtifact(const std::filesystem::path& path) {
  const std::string where = path.string();
  H5File file(path, H5File::Mode::kReadOnly);
  const std::string kind = file.HasAttribute("/", "kind") ? file.GetStringAttribute("/", "kind") : "";
  if (kind != kTokenizerArtifactKind) throw InputError(where, 0, "expected a tokenizer artifact, got kind '" + kind + "'");
  const int64_t version = file.GetIntAttribute("/", "version");
  if (version < 1 || version > kTokenizerArtifactVersion) {
    throw InputError(where, 0, "tokenizer artifact has layout version " + std::to_string(version) +
                                   "; this program reads versions 1 to " + std::to_string(kTokenizerArtifactVersion));
  }
  TokenizerArtifact artifact;
  const std::string format =
      file.HasAttribute("/", "format") ? file.GetStringAttribute("/", "format") : std::string("sentencepiece");
  const auto parsed_format = ParseTokenizerFormat(format);
  if (!parsed_format) throw InputError(where, 0, "tokenizer artifact has unknown format '" + format + "'");
  artifact.format = *parsed_format;
  artifact.model_type = file.GetStringAttribute("/", "model_type");
  if (artifact.format == TokenizerFormat::kBpe) {
    artifact.vocab_json = ReadBytes(file, "vocab_json", where);
    artifact.merges = ReadBytes(file, "merges", where);
  } else {
    const std::string layout = file.GetStringAttribute("/", "id_layout");
    const auto parsed = ParseIdLayout(layout);
    if (!parsed) throw InputError(where, 0, "tokenizer artifact has unknown id_layout '" + layout + "'");
    artifact.id_layout = *parsed;
    artifact.model_proto = ReadBytes(file, "model", where);
  }
  if (file.Exists("sample/language")) {
    const std::vector<std::string> languages = file.ReadStrings("sample/language");
    const std::vector<int64_t> available = file.ReadVector<int64_t>("sample/available");
    const std::vector<int64_t> sampled = file.ReadVector<int64_t>("sample/sampled");
    if (available.size() != languages.size() || sampled.size() != languages.size()) {
      throw InputError(where, 0, "datasets under 'sample' have different lengths");
    }
    for (size_t i = 0; i < languages.size(); ++i) {
      LanguageQuota q;
      q.language = languages[i];
      q.available = static_cast<size_t>(available[i]);
      q.quota = static_cast<size_t>(sampled[i]);
      artifact.sample.push_back(q);
    }
  }
  return artifact;
}

std::shared_ptr<const Tokenizer> LoadTokenizer(const std::filesystem::path& path) {
  return LoadTokenizer(ReadTokenizerArtifact(path), path.string());
}

}  // namespace xstilts
