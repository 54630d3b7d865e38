#include "model/encoder_flops.h"

namespace xstilts {

double EncoderFlops(const EncoderConfig& config, int64_t parameters, double tokens, int64_t sequence_length,
                    bool training) {
  const double per_token = 2.0 * static_cast<double>(parameters) +
                           2.0 * static_cast<double>(config.num_hidden_layers * sequence_length * config.hidden_size);
  return (training ? 3.0 : 1.0) * per_token * tokens;
}

int64_t HeadParameterCount(const EncoderConfig& config, const HeadShape& head) {
  const int64_t h = config.hidden_size;
  const int64_t dense = h * h + h;  // a hidden x hidden Linear with its bias
  if (head.kind == "sequence_classification") return dense + h * head.num_labels + head.num_labels;
  if (head.kind == "token_classification") return h * head.num_labels + head.num_labels;
  if (head.kind == "question_answering") return h * 2 + 2;
  if (head.kind == "multiple_choice") return dense + h + 1;
  if (head.kind == "masked_lm") return dense + 2 * h + config.vocab_size;  // dense, LayerNorm, bias
  return 0;
}

int64_t TaskModelParameterCount(const EncoderConfig& config, const std::vector<HeadShape>& heads, bool with_pooler) {
  int64_t count = config.EncoderParameterCount(with_pooler);
  for (const HeadShape& head : heads) count += HeadParameterCount(config, head);
  return count;
}

}  // namespace xstilts
