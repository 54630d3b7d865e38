#include "model/mlm_masking.h"

#include <ATen/CPUGeneratorImpl.h>

#include "model/task_sampler.h"

namespace xstilts {

MaskedTokens MaskTokensForMlm(const torch::Tensor& input_ids, const torch::Tensor& attention_mask,
                              const MlmMaskingOptions& options, torch::Generator& generator) {
  torch::NoGradGuard no_grad;
  torch::Tensor eligible = attention_mask.defined() ? attention_mask.to(torch::kBool)
                                                    : torch::ones_like(input_ids, torch::kBool);
  for (int64_t id : options.special_token_ids) eligible &= input_ids.ne(id);
  auto uniform = [&] { return torch::rand(input_ids.sizes(), generator, torch::kFloat); };
  torch::Tensor selected = uniform().lt(options.mask_probability) & eligible;
  // Draw both decisions for every position, then keep them only where selected: the number of
  // draws does not depend on the data, so the generator advances the same way for every batch.
  torch::Tensor decision = uniform();
  torch::Tensor to_mask = selected & decision.lt(options.mask_token_fraction);
  torch::Tensor to_random =
      selected & decision.ge(options.mask_token_fraction) &
      decision.lt(options.mask_token_fraction + options.random_token_fraction);
  torch::Tensor random_ids = torch::randint(options.vocab_size, input_ids.sizes(), generator,
                                            torch::TensorOptions().dtype(torch::kLong));
  MaskedTokens out;
  out.labels = torch::where(selected, input_ids, torch::full_like(input_ids, kIgnoreLabel));
  out.input_ids = torch::where(to_mask, torch::full_like(input_ids, options.mask_token_id), input_ids);
  out.input_ids = torch::where(to_random, random_ids, out.input_ids);
  return out;
}

MlmBatchSource::MlmBatchSource(std::unique_ptr<BatchSource> inner, MlmMaskingOptions options, uint64_t seed)
    : inner_(std::move(inner)), options_(std::move(options)), seed_(seed) {}

Batch MlmBatchSource::Next() {
  Batch batch = inner_->Next();
  torch::Generator generator =
      at::make_generator<at::CPUGeneratorImpl>(MixSeed(seed_, static_cast<uint64_t>(batches_++)));
  MaskedTokens masked = MaskTokensForMlm(batch.input_ids.cpu(), batch.attention_mask.defined()
                                                                  ? batch.attention_mask.cpu()
                                                                  : torch::Tensor(),
                                         options_, generator);
  batch.input_ids = masked.input_ids;
  batch.labels = masked.labels;
  return batch;
}

std::vector<int64_t> MlmBatchSource::State() const {
  std::vector<int64_t> state = inner_->State();
  state.push_back(batches_);
  return state;
}

Status MlmBatchSource::Restore(const std::vector<int64_t>& state) {
  if (state.empty()) return Status::Error(ErrorKind::kInvalidInput, "MLM batch source: empty state");
  batches_ = state.back();
  return inner_->Restore(std::vector<int64_t>(state.begin(), state.end() - 1));
}

}  // namespace xstilts
