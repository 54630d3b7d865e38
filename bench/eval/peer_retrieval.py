"""The same retrieval in plain PyTorch: blocked x @ y.T and topk (top-1), and utils_retrieve.py's
mine_bitext with the ratio margin over k=4 neighbours (max retrieval, duplicates removed).
Prints `peer <what> <seconds>` lines like retrieval_bench."""
import argparse
import time

import torch


def knn(x, y, k, block=4096):
    scores, indices = [], []
    yt = y.t().contiguous()
    for b in range(0, x.shape[0], block):
        s, i = torch.topk(x[b:b + block] @ yt, k, dim=1)
        scores.append(s)
        indices.append(i)
    return torch.cat(scores), torch.cat(indices)


def mine(x, y, k):
    x2y_sim, x2y_ind = knn(x, y, k)
    y2x_sim, y2x_ind = knn(y, x, k)
    x2y_mean, y2x_mean = x2y_sim.mean(1), y2x_sim.mean(1)
    fwd = x2y_sim / ((x2y_mean[:, None] + y2x_mean[x2y_ind]) / 2)
    bwd = y2x_sim / ((y2x_mean[:, None] + x2y_mean[y2x_ind]) / 2)
    fwd_max, fwd_arg = fwd.max(1)
    bwd_max, bwd_arg = bwd.max(1)
    fwd_best = x2y_ind.gather(1, fwd_arg[:, None])[:, 0]
    bwd_best = y2x_ind.gather(1, bwd_arg[:, None])[:, 0]
    src = torch.cat((torch.arange(x.shape[0]), bwd_best)).tolist()
    trg = torch.cat((fwd_best, torch.arange(y.shape[0]))).tolist()
    scores = torch.cat((fwd_max, bwd_max)).double()
    order = torch.sort(-scores, stable=True).indices.tolist()
    scores = scores.tolist()
    seen_src, seen_trg, out = set(), set(), []
    for i in order:
        if src[i] not in seen_src and trg[i] not in seen_trg:
            seen_src.add(src[i])
            seen_trg.add(trg[i])
            out.append((src[i], trg[i], scores[i]))
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=10000)
    p.add_argument("--dim", type=int, default=768)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    x = torch.nn.functional.normalize(torch.randn(a.n, a.dim), dim=1)
    y = torch.nn.functional.normalize(torch.randn(a.n, a.dim), dim=1)
    with torch.no_grad():
        for what, f in (("top1", lambda: knn(x, y, 1)), ("mine_k4", lambda: mine(x, y, 4))):
            best = min(_timed(f) for _ in range(a.repeats))
            print(f"peer {what} {best:.4f}")


def _timed(f):
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
