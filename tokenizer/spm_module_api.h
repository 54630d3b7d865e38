// The C interface of the sentencepiece module (libxstilts_spm.so).
//
// Why a module: Debian's libsentencepiece.so.0 carries its own protobuf-lite 3.14 and exports its
// symbols, while LibTorch links libprotobuf.so.32 (3.21). Linked into one executable the two
// protobufs bind to each other's symbols and the process crashes before main()
// (docs/tokenizer.md). The module links sentencepiece privately and is opened with
// dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND), so sentencepiece resolves protobuf inside itself.
// Nothing but plain C types crosses this boundary: no std::string, no exceptions, no protobuf.
//
// Contract for every function:
// - Thread safety: a loaded XspmModel is immutable; encode/decode/lookup functions may be called
//   from any number of threads at once. xspm_free must not race with other calls on that model.
// - Errors: functions that can fail take an XspmError* (never null), return 0 on success and
//   non-zero on failure with err->code and a NUL-terminated err->message filled in.
// - Output: variable-sized results are handed to caller callbacks; pointers passed to a callback
//   are valid only during that call.
// - Nothing throws across this boundary; C++ exceptions inside the module become XspmError.
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Bumped whenever a signature below changes; the loader refuses a module with another version.
#define XSTILTS_SPM_ABI_VERSION 1u

typedef struct XspmModel XspmModel;

enum {
  XSPM_OK = 0,
  XSPM_INVALID_ARGUMENT = 1,  // the model bytes, ids or options are wrong
  XSPM_INTERNAL = 2,          // sentencepiece failed for another reason
};

typedef struct XspmError {
  int code;
  char message[2048];  // truncated if longer
} XspmError;

enum {
  XSPM_SPECIAL_UNK = 0,
  XSPM_SPECIAL_BOS = 1,
  XSPM_SPECIAL_EOS = 2,
  XSPM_SPECIAL_PAD = 3,
};

enum {
  XSPM_PIECE_NORMAL = 0,
  XSPM_PIECE_UNKNOWN = 1,
  XSPM_PIECE_CONTROL = 2,
  XSPM_PIECE_UNUSED = 3,
  XSPM_PIECE_BYTE = 4,
  XSPM_PIECE_OUT_OF_RANGE = -1,
};

// Receives bytes (model proto, decoded text).
typedef void (*XspmBytesFn)(void* ctx, const char* data, size_t size);
// Asked once per encoded text for room for `count` tokens: sets *ids, *begins and *ends to arrays
// of `count` elements that the module fills in. Returns 0 when it cannot provide them.
typedef int (*XspmReserveFn)(void* ctx, size_t count, int32_t** ids, uint32_t** begins,
                             uint32_t** ends);
// Receives one piece of an encoding: its text, sentencepiece id and byte span in the input.
typedef void (*XspmPieceFn)(void* ctx, const char* piece, size_t size, int32_t id, uint32_t begin,
                            uint32_t end);

uint32_t xspm_abi_version(void);

// Addresses of std::cout, std::cin, std::cerr, std::clog and glibc's __libc_single_threaded as
// the module sees them (5 entries). The loader compares them with its own view to detect an
// executable that carries copy-relocated duplicates of those objects (see docs/tokenizer.md).
void xspm_shared_object_addresses(const void** out, size_t count);

// Loads a serialized ModelProto. Returns null and fills err on failure.
XspmModel* xspm_load_bytes(const char* data, size_t size, XspmError* err);
void xspm_free(XspmModel* model);

// Serialized ModelProto of a loaded model (the artifact form).
void xspm_serialize(const XspmModel* model, XspmBytesFn out, void* ctx);

int32_t xspm_piece_size(const XspmModel* model);
// One of XSPM_SPECIAL_*; returns -1 when the model has no such piece.
int32_t xspm_special_id(const XspmModel* model, int which);
// The id of `piece`, or the unknown id when the model does not have it.
int32_t xspm_piece_to_id(const XspmModel* model, const char* piece, size_t size);
// Sets *piece/*size to the piece text (owned by the model). Returns 0, or 1 if id is out of range.
int xspm_id_to_piece(const XspmModel* model, int32_t id, const char** piece, size_t* size);
// One of XSPM_PIECE_*.
int xspm_piece_type(const XspmModel* model, int32_t id);

// Encodes UTF-8 text into sentencepiece ids with [begin, end) byte offsets into `text`.
int xspm_encode(const XspmModel* model, const char* text, size_t size, XspmReserveFn reserve,
                void* ctx, XspmError* err);
// Same, reporting each piece's text as well.
int xspm_encode_pieces(const XspmModel* model, const char* text, size_t size, XspmPieceFn piece,
                       void* ctx, XspmError* err);
// Decodes sentencepiece ids into UTF-8 text.
int xspm_decode(const XspmModel* model, const int32_t* ids, size_t count, XspmBytesFn out,
                void* ctx, XspmError* err);

// Trains a model from `count` sentences (not copied; read during the call) with sentencepiece
// trainer options given as key/value strings (e.g. "vocab_size" = "8000"). The caller must not
// pass "input" or "model_prefix": sentences come from the arrays and the model is returned
// through `out` as a serialized ModelProto. Not thread-safe with another xspm_train (sentencepiece
// keeps its log level in a global).
int xspm_train(const char* const* sentences, const size_t* sizes, size_t count,
               const char* const* option_keys, const char* const* option_values,
               size_t option_count, XspmBytesFn out, void* ctx, XspmError* err);

#ifdef __cplusplus
}  // extern "C"
#endif
