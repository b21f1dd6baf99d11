#!/usr/bin/python3
"""Sampling throughput of vapo-stream's policy architecture in PyTorch, with and without a KV cache.

The same model as model/ (dev.vapostream.model.TransformerTrunk + PolicyModel): learned token and
position embeddings, pre-LayerNorm blocks with fused QKV attention and a GELU MLP of width 4d, a
final LayerNorm and a bias-free LM head; batched Gumbel-max sampling at temperature 1 with the
behaviour log-probability of every chosen token, stopping when every row has sampled EOS or after
--new-tokens steps. It is the reference for the Java harness
dev.vapostream.generator.bench.SamplingBenchmark (same sizes, same prompts shape, same counting:
batch x new tokens per run). See docs/benchmarks.md for the commands and figures.

Run with Debian's PyTorch: /usr/bin/python3 bench/sampling_benchmark.py --threads 1
"""
import argparse
import math
import os
import statistics
import sys
import time

# OpenBLAS (Debian's torch uses the system BLAS) starts its own threads when loaded: bound them to
# --threads before torch is imported, or the "1 thread" figures would use every core.
_threads = argparse.ArgumentParser(add_help=False)
_threads.add_argument("--threads", type=int, default=1)
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(_threads.parse_known_args(sys.argv[1:])[0].threads))

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch_blas import require_optimised_blas  # noqa: E402

BOS, EOS = 1, 2
VOCAB = 3 + len("0123456789+-=;#")  # PAD, BOS, EOS, then the built-in task's alphabet


class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.head_width = width // heads
        self.ln1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)
        self.ln2 = nn.LayerNorm(width)
        self.mlp_in = nn.Linear(width, 4 * width)
        self.mlp_out = nn.Linear(4 * width, width)

    def split_heads(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.head_width).transpose(1, 2)

    def forward(self, x, bias, cache, start):
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q, k, v = self.split_heads(q), self.split_heads(k), self.split_heads(v)
        if cache is not None:
            keys, values = cache
            # Preallocated cache written in place, as the Java KvCache does.
            keys[:, :, start:start + t] = k
            values[:, :, start:start + t] = v
            k, v = keys[:, :, :start + t], values[:, :, :start + t]
        scores = q.matmul(k.transpose(2, 3)) / math.sqrt(self.head_width) + bias
        mixed = scores.softmax(-1).matmul(v).transpose(1, 2).reshape(b, t, d)
        x = x + self.out(mixed)
        return x + self.mlp_out(F.gelu(self.mlp_in(self.ln2(x))))


class Policy(nn.Module):
    def __init__(self, layers, width, heads, context):
        super().__init__()
        self.tokens = nn.Embedding(VOCAB, width)
        self.positions = nn.Embedding(context, width)
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.final_ln = nn.LayerNorm(width)
        self.head = nn.Linear(width, VOCAB, bias=False)
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.normal_(p, std=0.02)

    def forward(self, tokens, start, caches):
        b, t = tokens.shape
        positions = torch.arange(start, start + t).unsqueeze(0)
        x = self.tokens(tokens) + self.positions(positions)
        # Causal bias over all columns seen so far: a single new query sees everything before it.
        query = torch.arange(start, start + t).view(t, 1)
        key = torch.arange(0, start + t).view(1, start + t)
        bias = torch.zeros(t, start + t).masked_fill(key > query, -1e9)
        for block, cache in zip(self.blocks, caches or [None] * len(self.blocks)):
            x = block(x, bias, cache, start)
        return self.head(self.final_ln(x))


def choose(logits, generator):
    """Gumbel-max sample at temperature 1 and the chosen tokens' log-probabilities."""
    uniform = torch.rand(logits.shape, generator=generator).clamp_min_(1e-20)
    tokens = (logits - torch.log(-torch.log(uniform))).argmax(-1)
    log_probs = logits.log_softmax(-1).gather(1, tokens.unsqueeze(1)).squeeze(1)
    return tokens, log_probs


def sample_cached(model, prompts, new_tokens, generator, args):
    batch, prompt_len = prompts.shape
    capacity = prompt_len + new_tokens - 1
    shape = (batch, args.heads, capacity, args.width // args.heads)
    caches = [(torch.zeros(shape), torch.zeros(shape)) for _ in range(args.layers)]
    out = torch.zeros(batch, new_tokens, dtype=torch.long)
    log_probs = torch.zeros(batch, new_tokens)
    done = torch.zeros(batch, dtype=torch.bool)
    logits = model(prompts, 0, caches)[:, -1]
    for step in range(new_tokens):
        tokens, lp = choose(logits, generator)
        out[:, step], log_probs[:, step] = tokens, lp
        done |= tokens == EOS
        if step + 1 == new_tokens or bool(done.all()):
            return out, log_probs, step + 1
        logits = model(tokens.unsqueeze(1), prompt_len + step, caches)[:, -1]


def sample_recompute(model, prompts, new_tokens, generator, args):
    batch = prompts.shape[0]
    sequence = prompts
    log_probs = torch.zeros(batch, new_tokens)
    done = torch.zeros(batch, dtype=torch.bool)
    for step in range(new_tokens):
        tokens, lp = choose(model(sequence, 0, None)[:, -1], generator)
        log_probs[:, step] = lp
        sequence = torch.cat([sequence, tokens.unsqueeze(1)], dim=1)
        done |= tokens == EOS
        if bool(done.all()):
            return sequence[:, prompts.shape[1]:], log_probs, step + 1
    return sequence[:, prompts.shape[1]:], log_probs, new_tokens


def await_step(args, step):
    if args.lockstep and not sys.stdin.readline():
        raise SystemExit(f"--lockstep: input closed before step {step}")


def measure(name, sampler, model, prompts, args):
    generator = torch.Generator().manual_seed(1)
    for i in range(args.warmup):
        await_step(args, i)
        begin = time.perf_counter()
        sampler(model, prompts, args.new_tokens, generator, args)
        if args.lockstep:
            print(f"warm-up step {i}: {(time.perf_counter() - begin) * 1000:.1f} ms", flush=True)
    times = []
    for i in range(args.runs):
        await_step(args, args.warmup + i)
        begin = time.perf_counter()
        _, _, steps = sampler(model, prompts, args.new_tokens, generator, args)
        times.append((time.perf_counter() - begin) * 1000)
        if steps != args.new_tokens:
            raise SystemExit(f"every row ended with EOS after {steps} steps; use a larger batch")
        if args.lockstep:
            print(f"step {args.warmup + i}: {times[-1]:.1f} ms", flush=True)
    median = statistics.median(times)
    tokens_per_second = args.batch * args.new_tokens / (median / 1000)
    print(f"{name:9} runs (ms): {[round(t, 1) for t in times]}")
    print(f"{name:9} median {median:.1f} ms, {tokens_per_second:.0f} tokens/s")
    return tokens_per_second


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--context", type=int, default=128)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--prompt-tokens", type=int, default=16)
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--mode", choices=["both", "cached", "recompute"], default="both")
    parser.add_argument("--lockstep", action="store_true",
                        help="wait for a line on standard input before each run (warm-up runs included) and print "
                             "'step N: X ms' after it, so that vapo bench can step this program and the Java one alternately")
    args = parser.parse_args()

    blas = require_optimised_blas()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    model = Policy(args.layers, args.width, args.heads, args.context).eval()
    with torch.no_grad():
        # EOS made practically impossible so every run takes all steps (the Java harness does the same):
        # the final LayerNorm's output has zero mean, so beta = 1 and EOS weights = -1 give an EOS logit of -width.
        model.final_ln.bias.fill_(1.0)
        model.head.weight[EOS].fill_(-1.0)
    # BOS then random alphabet characters, every prompt the same length, as in the Java harness.
    prompts = torch.randint(EOS + 1, VOCAB, (args.batch, args.prompt_tokens), generator=torch.Generator().manual_seed(7))
    prompts[:, 0] = BOS
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()} (interop 1, OpenBLAS {os.environ['OPENBLAS_NUM_THREADS']}), BLAS {blas}, "
          f"{sum(p.numel() for p in model.parameters())} parameters, layers {args.layers}, width {args.width}, "
          f"heads {args.heads}, batch {args.batch} x ({args.prompt_tokens} prompt + {args.new_tokens} new tokens)")
    with torch.inference_mode():
        cached = measure("kv-cache", sample_cached, model, prompts, args) if args.mode != "recompute" else None
        recompute = measure("recompute", sample_recompute, model, prompts, args) if args.mode != "cached" else None
    if cached and recompute:
        print(f"kv-cache / recompute speed-up: {cached / recompute:.2f}x")


if __name__ == "__main__":
    main()
