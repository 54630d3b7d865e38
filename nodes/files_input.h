// The optional `files` input of node types that read local files named by a `path` param
// (dataset, tokenizer, import_hf). Connect `download` or `files` nodes to it and `path` names a
// file inside those bundles instead of one next to the pipeline file:
//
//   xnli_zip:  {type: download, params: {urls: [...], sha256: ...}}
//   xnli_test: {type: dataset, inputs: {files: xnli_zip}, params: {format: xnli_raw, path: XNLI-1.0/xnli.test.tsv}}
//
// The port is declared with PortSpec::rebases_paths, so the cache key takes the bundles' keys in
// place of the type's extra_key (hashes of local files).
#pragma once

#include <functional>
#include <string>

#include "graph/node_type.h"

namespace xstilts {

// The port to add to a type's inputs.
PortSpec FilesInputPort();

// Calls `body` with a context whose base_dir() is a scratch folder holding the connected bundles'
// files that `path` needs (the folder of its first component with a `{` placeholder, or of the
// file itself; `path` "." takes everything), unpacked in input order; or with `ctx` itself when
// the `files` input is not connected. An absolute `path` or one with ".." is an InputError when
// the input is connected; a file that two bundles both hold is an InputError naming it.
void RunWithFilesInput(NodeContext& ctx, const std::string& path, const std::function<void(NodeContext&)>& body);

}  // namespace xstilts
