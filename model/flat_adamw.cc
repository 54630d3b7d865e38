#include "model/flat_adamw.h"

#include <cmath>
#include <unordered_set>

namespace xstilts {

bool ExcludedFromWeightDecay(const std::string& name) {
  auto ends_with = [&](const std::string& suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with("bias") || name.find("LayerNorm.weight") != std::string::npos ||
         name.find("layer_norm.weight") != std::string::npos;
}

FlatAdamW::FlatAdamW(const std::vector<std::pair<std::string, torch::Tensor>>& named_parameters,
                     AdamWOptions options, std::function<bool(const std::string&)> no_decay)
    : options_(options) {
  std::vector<torch::Tensor> members[2];  // [0] decay, [1] no decay
  std::unordered_set<const void*> seen;
  for (const auto& [name, p] : named_parameters) {
    if (!p.requires_grad() || !seen.insert(p.unsafeGetTensorImpl()).second) continue;
    members[no_decay(name) ? 1 : 0].push_back(p);
  }
  torch::NoGradGuard no_grad;
  for (int g = 0; g < 2; ++g) {
    if (members[g].empty()) continue;
    int64_t total = 0;
    for (const torch::Tensor& p : members[g]) total += p.numel();
    Group group;
    group.name = g == 0 ? "decay" : "no_decay";
    group.weight_decay = g == 0 ? options.weight_decay : 0.0;
    auto tensor_options = members[g][0].options();
    group.params = torch::empty({total}, tensor_options);
    group.exp_avg = torch::zeros({total}, tensor_options);
    group.exp_avg_sq = torch::zeros({total}, tensor_options);
    int64_t offset = 0;
    for (torch::Tensor p : members[g]) {
      const int64_t n = p.numel();
      torch::Tensor slot = group.params.narrow(0, offset, n).view(p.sizes());
      slot.copy_(p);
      p.set_data(slot);
      p.mutable_grad().reset();
      group.members.push_back({p, offset});
      offset += n;
    }
    groups_.push_back(std::move(group));
  }
}

int64_t FlatAdamW::num_parameters() const {
  int64_t n = 0;
  for (const Group& g : groups_) n += g.params.numel();
  return n;
}

void FlatAdamW::ZeroGrad() {
  for (Group& g : groups_) {
    for (Member& m : g.members) m.param.mutable_grad().reset();
  }
}

double FlatAdamW::ClipGradNorm(double max_norm) {
  torch::NoGradGuard no_grad;
  double squares = 0;
  for (const Group& g : groups_) {
    for (const Member& m : g.members) {
      if (!m.param.grad().defined()) continue;
      const double norm = m.param.grad().norm().item<double>();
      squares += norm * norm;
    }
  }
  const double total = std::sqrt(squares);
  pending_grad_scale_ = 1.0;
  if (max_norm > 0) {
    const double coefficient = max_norm / (total + 1e-6);
    if (coefficient < 1.0) pending_grad_scale_ = coefficient;
  }
  return total;
}

void FlatAdamW::Step(double lr) {
  ++steps_;
  for (Group& g : groups_) UpdateGroup(g, lr, pending_grad_scale_);
  pending_grad_scale_ = 1.0;
}

void FlatAdamW::UpdateGroup(Group& group, double lr, double grad_scale) {
  torch::NoGradGuard no_grad;
  const double bias_correction1 = 1.0 - std::pow(options_.beta1, static_cast<double>(steps_));
  const double bias_correction2 = 1.0 - std::pow(options_.beta2, static_cast<double>(steps_));
  const double step_size = lr / bias_correction1;
  const double bias_correction2_sqrt = std::sqrt(bias_correction2);
  const double decay = 1.0 - lr * group.weight_decay;
  const bool fused = group.params.device().is_cpu() && group.params.scalar_type() == torch::kFloat;
  for (Member& member : group.members) {
    torch::Tensor grad = member.param.grad();
    if (!grad.defined()) continue;
    const int64_t n = member.param.numel();
    if (!fused) {
      torch::Tensor g = (grad_scale != 1.0 ? grad * grad_scale : grad).reshape({-1});
      torch::Tensor p = group.params.narrow(0, member.offset, n);
      torch::Tensor m = group.exp_avg.narrow(0, member.offset, n);
      torch::Tensor v = group.exp_avg_sq.narrow(0, member.offset, n);
      p.mul_(decay);
      m.lerp_(g, 1.0 - options_.beta1);
      v.mul_(options_.beta2).addcmul_(g, g, 1.0 - options_.beta2);
      p.addcdiv_(m, (v.sqrt() / bias_correction2_sqrt).add_(options_.eps), -step_size);
      continue;
    }
    grad = grad.contiguous();
    float* p = group.params.data_ptr<float>() + member.offset;
    const float* g_ptr = grad.data_ptr<float>();
    float* m = group.exp_avg.data_ptr<float>() + member.offset;
    float* v = group.exp_avg_sq.data_ptr<float>() + member.offset;
    const float b1 = static_cast<float>(options_.beta1), b2 = static_cast<float>(options_.beta2);
    const float eps = static_cast<float>(options_.eps), scale = static_cast<float>(grad_scale);
    const float f_step = static_cast<float>(step_size), f_decay = static_cast<float>(decay);
    const float f_bc2 = static_cast<float>(bias_correction2_sqrt);
    // One pass over the four arrays: the update is memory bound, so this is what makes it cheap.
    // Element-wise, hence deterministic whatever the thread count.
    at::parallel_for(0, n, 1 << 15, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const float g = g_ptr[i] * scale;
        const float mi = m[i] + (1.0f - b1) * (g - m[i]);
        const float vi = b2 * v[i] + (1.0f - b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i] * f_decay - f_step * mi / (std::sqrt(vi) / f_bc2 + eps);
      }
    });
  }
}

std::vector<std::pair<std::string, torch::Tensor>> FlatAdamW::StateTensors() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const Group& g : groups_) {
    out.emplace_back(g.name + ".exp_avg", g.exp_avg);
    out.emplace_back(g.name + ".exp_avg_sq", g.exp_avg_sq);
  }
  out.emplace_back("step", torch::tensor({steps_}, torch::kLong));
  return out;
}

Status FlatAdamW::LoadStateTensors(const std::vector<std::pair<std::string, torch::Tensor>>& state,
                                   const std::string& source) {
  auto find = [&](const std::string& name) -> const torch::Tensor* {
    for (const auto& item : state) {
      if (item.first == name) return &item.second;
    }
    return nullptr;
  };
  torch::NoGradGuard no_grad;
  for (Group& g : groups_) {
    for (auto [suffix, target] : {std::pair<const char*, torch::Tensor*>{".exp_avg", &g.exp_avg},
                                  {".exp_avg_sq", &g.exp_avg_sq}}) {
      const std::string name = g.name + suffix;
      const torch::Tensor* value = find(name);
      if (!value) return Status::Error(ErrorKind::kCorrupt, source + ": missing optimizer tensor '" + name + "'");
      if (value->numel() != target->numel()) {
        return Status::Error(ErrorKind::kCorrupt, source + ": optimizer tensor '" + name + "' has " +
                                                      std::to_string(value->numel()) + " values, the model needs " +
                                                      std::to_string(target->numel()));
      }
      target->copy_(value->view_as(*target));
    }
  }
  const torch::Tensor* step = find("step");
  if (!step || step->numel() != 1) {
    return Status::Error(ErrorKind::kCorrupt, source + ": missing optimizer tensor 'step'");
  }
  steps_ = step->to(torch::kLong).item<int64_t>();
  return Status::Ok();
}

}  // namespace xstilts
