#include "nodes/language_params.h"

#include <string>

#include "data/readers/language.h"

namespace xstilts {

std::vector<ParamProblem> CheckLanguageCodes(const nlohmann::json& params, std::initializer_list<const char*> names) {
  std::vector<ParamProblem> problems;
  for (const char* name : names) {
    const nlohmann::json& value = params[name];
    std::vector<std::string> codes;
    if (value.is_string()) codes.push_back(value.get<std::string>());
    if (value.is_array()) codes = value.get<std::vector<std::string>>();
    for (const std::string& code : codes) {
      if (code.empty()) continue;
      const std::string base = code.substr(0, code.find_first_of("_-"));
      if (!IsKnownLanguageCode(base)) {
        problems.push_back({name, std::string(name) + ": unknown language '" + code +
                                      "' (an ISO 639-1 code such as en, de or zh, optionally with a region: pt_BR)"});
      }
    }
  }
  return problems;
}

}  // namespace xstilts
