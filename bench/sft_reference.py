#!/usr/bin/python3
"""PyTorch reference for the Java supervised pretraining (model/.../pretrain/Pretrainer.java) on two-term problems.

Same architecture as bench/sampling_benchmark.py (= TransformerTrunk + PolicyModel), initialised like
TransformerTrunk.initialise (N(0, 0.02), residual projections N(0, 0.02 / sqrt(2 * layers)), zero biases,
LayerNorm 1/0), trained like Pretrainer.trainStep: mean NLL over all response tokens (EOS included),
global-norm clipping, AdamW (decay on rank-2 tensors only) with linear warm-up then constant lr.
Data: all 162 two-term prompts "a+b=" / "a-b=", target "#<sum>" + EOS. Every prompt is BOS + 4 chars, so
there is no left padding; responses are right-padded with PAD and masked out of the loss (causal attention
means trailing padding never affects earlier columns).

Prints every --eval-every steps: loss, greedy accuracy, sampled temperature-1 accuracy, and the mean
probability of the exact reference response (the noise-free expectation of T=1 accuracy, a lower bound).

Run: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/sft_reference.py --seed 1
"""
import argparse
import math
import os
import re
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sampling_benchmark import Policy, BOS, EOS  # noqa: E402

PAD = 0
ALPHABET = "0123456789+-=;#"
TOKEN = {c: 3 + i for i, c in enumerate(ALPHABET)}


def encode(text):
    return [TOKEN[c] for c in text]


def decode(ids):
    out = []
    for i in ids:
        if i == EOS:
            break
        if i >= 3:
            out.append(ALPHABET[i - 3])
    return "".join(out)


def judge(response, answer):
    if "#" not in response:
        return False
    final = response[response.rindex("#") + 1:].strip()
    return re.fullmatch(r"-?[0-9]+", final) is not None and int(final) == answer


def problems():
    out = []
    for a in range(1, 10):
        for b in list(range(-9, 0)) + list(range(1, 10)):
            prompt = f"{a}{'-' if b < 0 else '+'}{abs(b)}="
            out.append((prompt, a + b))
    return out


def init_like_java(model, layers):
    residual_std = 0.02 / math.sqrt(2.0 * layers)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() > 1:
                std = residual_std if (name.endswith("out.weight") and "blocks" in name) else 0.02
                p.normal_(0.0, std)
            elif "ln" in name and name.endswith("weight"):
                p.fill_(1.0)
            else:
                p.zero_()


class Data:
    def __init__(self, context):
        self.problems = problems()
        assert len(self.problems) == 162
        prompts = [[BOS] + encode(p) for p, _ in self.problems]
        responses = [encode(f"#{s}") + [EOS] for _, s in self.problems]
        assert len({len(p) for p in prompts}) == 1  # no left padding needed
        self.prompt_len = len(prompts[0])
        self.resp_width = max(len(r) for r in responses)
        n = len(prompts)
        # Full teacher-forcing rows: prompt + response[:-1], right padded.
        cols = self.prompt_len + self.resp_width - 1
        self.inputs = torch.full((n, cols), PAD, dtype=torch.long)
        self.targets = torch.full((n, self.resp_width), PAD, dtype=torch.long)
        self.mask = torch.zeros(n, self.resp_width)
        for i, (p, r) in enumerate(zip(prompts, responses)):
            seq = p + r[:-1]
            self.inputs[i, :len(seq)] = torch.tensor(seq)
            self.targets[i, :len(r)] = torch.tensor(r)
            self.mask[i, :len(r)] = 1
        self.prompts = torch.tensor(prompts)
        self.answers = [s for _, s in self.problems]
        self.resp_len = torch.tensor([len(r) for r in responses])

    def response_log_probs(self, model, idx):
        logits = model(self.inputs[idx], 0, None)
        first = self.prompt_len - 1
        logits = logits[:, first:first + self.resp_width]
        lp = logits.log_softmax(-1).gather(2, self.targets[idx].unsqueeze(2)).squeeze(2)
        return lp * self.mask[idx]


class PooledBatches:
    """Mimics LengthPooledBatches: 8 batches' worth drawn uniformly, sorted by length, cut, shuffled."""

    def __init__(self, data, batch, generator):
        self.data, self.batch, self.g, self.ready = data, batch, generator, []

    def next(self):
        if not self.ready:
            pool = torch.randint(0, len(self.data.problems), (self.batch * 8,), generator=self.g).tolist()
            pool.sort(key=lambda i: int(self.data.resp_len[i]))  # stable sort, like Java's
            batches = [pool[s:s + self.batch] for s in range(0, len(pool), self.batch)]
            order = torch.randperm(len(batches), generator=self.g).tolist()
            self.ready = [batches[o] for o in order]
        return torch.tensor(self.ready.pop())


@torch.no_grad()
def evaluate(model, data, generator, max_new=6):
    model.eval()
    results = {}
    for mode in ("greedy", "t1"):
        seq = data.prompts.clone()
        out = []
        for _ in range(max_new):
            logits = model(seq, 0, None)[:, -1]
            if mode == "greedy":
                tok = logits.argmax(-1)
            else:
                tok = torch.multinomial(logits.softmax(-1), 1, generator=generator).squeeze(1)
            out.append(tok)
            seq = torch.cat([seq, tok.unsqueeze(1)], 1)
        out = torch.stack(out, 1).tolist()
        correct = sum(judge(decode(o), a) for o, a in zip(out, data.answers))
        results[mode] = correct / len(data.answers)
    idx = torch.arange(len(data.problems))
    results["p_exact"] = data.response_log_probs(model, idx).sum(1).exp().mean().item()
    model.train()
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--eval-every", type=int, default=50)
    ap.add_argument("--stop-greedy", type=float, default=0.98)
    ap.add_argument("--pooled", action="store_true", help="length-pooled batches like LengthPooledBatches")
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--context", type=int, default=129)
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    model = Policy(args.layers, args.width, args.heads, args.context)
    init_like_java(model, args.layers)
    model.train()
    data = Data(args.context)

    decay = [p for p in model.parameters() if p.dim() == 2]
    no_decay = [p for p in model.parameters() if p.dim() != 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    batch_gen = torch.Generator().manual_seed(1000 + args.seed)
    eval_gen = torch.Generator().manual_seed(2000 + args.seed)
    pooled = PooledBatches(data, args.batch, batch_gen) if args.pooled else None

    print(f"seed {args.seed} lr {args.lr} batch {args.batch} warmup {args.warmup} wd {args.weight_decay} "
          f"clip {args.clip} pooled {args.pooled} params {sum(p.numel() for p in model.parameters())} "
          f"threads {torch.get_num_threads()}", flush=True)
    first = {}
    running = 0.0
    for step in range(1, args.steps + 1):
        lr = args.lr * min(1.0, step / args.warmup) if args.warmup > 0 else args.lr
        for g in opt.param_groups:
            g["lr"] = lr
        idx = pooled.next() if pooled else torch.randint(0, len(data.problems), (args.batch,), generator=batch_gen)
        lp = data.response_log_probs(model, idx)
        loss = -lp.sum() / data.mask[idx].sum()
        opt.zero_grad(set_to_none=False)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        opt.step()
        running = loss.item()
        if step % args.eval_every == 0 or step == args.steps:
            r = evaluate(model, data, eval_gen)
            for key in ("t1", "p_exact", "greedy"):
                for th in (0.6, 0.88, 0.98):
                    if r[key] >= th and (key, th) not in first:
                        first[(key, th)] = step
            print(f"step {step:5d} loss {running:.4f} greedy {r['greedy']:.3f} t1 {r['t1']:.3f} "
                  f"p_exact {r['p_exact']:.3f}", flush=True)
            if r["greedy"] >= args.stop_greedy and step >= 50 and ("t1", 0.88) in first:
                break
    summary = " ".join(f"{k}>={th}:{first.get((k, th), '-')}" for k in ("t1", "p_exact", "greedy")
                       for th in (0.6, 0.88, 0.98))
    print(f"SUMMARY seed {args.seed} lr {args.lr} batch {args.batch} pooled {args.pooled}: {summary}", flush=True)


if __name__ == "__main__":
    main()
