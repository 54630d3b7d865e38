// xstilts_dataset_stats FORMAT PATH [JSON_OPTIONS]: reads a dataset with ReadDataset and prints
// SummarizeExamples, e.g.
//   xstilts_dataset_stats gettext /usr/share/locale '{"languages": ["de", "fr"]}'
#include <iostream>

#include <nlohmann/json.hpp>

#include "base/input_error.h"
#include "data/readers/dataset_summary.h"
#include "data/readers/read_dataset.h"

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::cerr << "usage: xstilts_dataset_stats FORMAT PATH [JSON_OPTIONS]\nformats:";
    for (const xstilts::DatasetFormat& f : xstilts::DatasetFormats()) std::cerr << ' ' << f.name;
    std::cerr << '\n';
    return 2;
  }
  try {
    const nlohmann::json params = argc == 4 ? nlohmann::json::parse(argv[3]) : nlohmann::json();
    std::cout << xstilts::SummarizeExamples(xstilts::ReadDatasetFromParams(argv[1], argv[2], params));
  } catch (const nlohmann::json::exception& e) {
    std::cerr << "JSON_OPTIONS: " << e.what() << '\n';
    return 2;
  } catch (const xstilts::InputError& e) {
    std::cerr << e.what() << '\n';
    return 2;
  }
  return 0;
}
