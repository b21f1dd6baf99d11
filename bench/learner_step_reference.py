#!/usr/bin/python3
"""PyTorch reference for one learner update step (learner/.../algo/VapoUpdate.java, step(batch, trainPolicy, i)).

The Java side is dev.vapostream.learner.bench.LearnerStepBenchmark (learner/src/test/java); this script times
the same step in plain PyTorch on one intra-op and one inter-op thread:

  policy: `epochs` passes, each a random permutation of the rows cut into `mini_batches` parts; per part one
          differentiable teacher-forced pass (PolicyModel.score), the clipped token-level surrogate with
          Clip-Higher (PolicyLoss.clipped), the entropy's masked mean (a number for the metrics), the positive-
          example LM loss times mu (LmLoss.positiveExamples), one backward, the global-norm clip
          (GradientClipping.clipGlobalNorm), one AdamW step (training/AdamW.java) and zeroed gradients;
  critic: `critic_epochs` passes, each a new permutation cut into `critic_mini_batches` parts; per part one
          differentiable pass (ValueModel.score), the clipped value loss (ValueLoss.clipped), one backward,
          the clip, one AdamW step.

The input of a pass is laid out as ResponseBatch/PromptLayout do it: prompts left-padded to the part's longest,
positions counted from each prompt's first token, responses at the fixed positions response_start + j,
responses right-padded to the part's longest, the last response column never fed; the attention bias is
(causal x key-valid - 1) * 1e9 (AttentionBias); the outputs are read at columns prompt_width - 1 + j. The
mini-batch rows come from a port of java.util.SplittableRandom seeded as VapoUpdate seeds it (checked against
the rows the Java program dumps), so both programs train on the same parts in the same order.

Model: Policy (and Block) from bench/sampling_benchmark.py = TransformerTrunk + PolicyModel; the critic is the
same trunk with a value head Linear(width, 1) with bias (ValueModel). AdamW: betas 0.9/0.999, eps 1e-8, decay
on rank-2 tensors only (0.0 by default, as the vapo preset has it).

    # same rows and same initial weights as the Java program (recommended):
    java ... dev.vapostream.learner.bench.LearnerStepBenchmark --dump-batch target/learner-step-batch.json
    /usr/bin/python3 bench/learner_step_reference.py --batch target/learner-step-batch.json

Without --batch a batch of the same distributions is generated here (shapes then differ from the Java
program's). Prints each timed step, the median, and one JSON line {"program":"pytorch","median_ms":...}.
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sampling_benchmark import Block, Policy, BOS, EOS, VOCAB  # noqa: E402
from sft_reference import init_like_java  # noqa: E402  (TransformerTrunk.initialise)
from torch_blas import require_optimised_blas  # noqa: E402

PAD = 0
MASKED = -1e9
ALPHABET = "0123456789+-=;#"

# The defaults of a plain `./vapo train` (Algorithm.fromProperties of nothing: preset vapo), used only without
# --batch; with --batch everything comes from the Java program's dump.
DEFAULT_UPDATE = dict(aggregation="TOKEN", eps_low=0.2, eps_high=0.28, lm_coefficient=0.1, value_clip=0.2,
                      actor_lr=3e-4, critic_lr=1e-3, weight_decay=0.0, max_grad_norm=1.0, epochs=1, mini_batches=2,
                      critic_epochs=2, critic_mini_batches=4, critic_replay=1, seed=1)
# blind-spots (BuiltInTask.DEFAULT): 2-16 terms, prompts 1 + 2n tokens, responses (n - 1) * 6 + 3 tokens.
DEFAULT_MODEL = dict(vocab_size=VOCAB, context_length=33 + 93 - 1, layers=2, width=64, heads=4, mlp_width=256,
                     response_start=33)

M64 = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


def to_int32(x):
    return ((x + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


class SplittableRandom:
    """java.util.SplittableRandom(seed): nextInt() and nextInt(bound) (RandomSupport.boundedNextInt)."""

    def __init__(self, seed):
        self.seed = seed & M64

    def next_int(self):
        self.seed = (self.seed + GOLDEN_GAMMA) & M64
        z = self.seed
        z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & M64
        z = ((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & M64
        return to_int32(z >> 32)

    def next_bounded(self, bound):
        r = self.next_int()
        m = bound - 1
        if bound & m == 0:
            return r & m
        u = (r & 0xFFFFFFFF) >> 1
        while True:
            r = u % bound
            if to_int32(u + m - r) >= 0:
                return r
            u = (self.next_int() & 0xFFFFFFFF) >> 1


def permutation(n, random):
    """Permutations.of: Fisher-Yates from the top."""
    p = list(range(n))
    for i in range(n - 1, 0, -1):
        j = random.next_bounded(i + 1)
        p[i], p[j] = p[j], p[i]
    return p


def mini_batches(n, count, random):
    order = permutation(n, random)
    parts = min(count, n)
    return [order[p * n // parts:(p + 1) * n // parts] for p in range(parts)]


def step_random(seed, step_index):
    """VapoUpdate's shuffle: new SplittableRandom(seed * 0x9E3779B97F4A7C15L + stepIndex), long arithmetic."""
    return SplittableRandom((seed * GOLDEN_GAMMA + step_index) & M64)


class Critic(nn.Module):
    """ValueModel: the trunk of Policy (same Block) with a scalar head on every position."""

    def __init__(self, layers, width, heads, context):
        super().__init__()
        self.tokens = nn.Embedding(VOCAB, width)
        self.positions = nn.Embedding(context, width)
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.final_ln = nn.LayerNorm(width)
        self.value_head = nn.Linear(width, 1)


def java_name(name):
    """The Java parameter name of a torch parameter, and whether the Java tensor is stored (in, out)."""
    parts = name.split(".")
    if name == "tokens.weight":
        return "embed.tokens", False
    if name == "positions.weight":
        return "embed.positions", False
    if parts[0] == "final_ln":
        return "final_ln." + {"weight": "gamma", "bias": "beta"}[parts[1]], False
    if name == "head.weight":
        return "lm_head.weight", True
    if parts[0] == "value_head":
        return name, parts[1] == "weight"
    if parts[0] == "blocks":
        layer, module, kind = parts[1], parts[2], parts[3]
        prefix = f"block{layer}."
        if module in ("ln1", "ln2"):
            return prefix + module + "." + {"weight": "gamma", "bias": "beta"}[kind], False
        java_module = {"qkv": "attn.qkv", "out": "attn.out", "mlp_in": "mlp.in", "mlp_out": "mlp.out"}[module]
        return prefix + java_module + "." + kind, kind == "weight"
    raise ValueError("no Java name for " + name)


def load_java_weights(model, tensors):
    used = set()
    with torch.no_grad():
        for name, p in model.named_parameters():
            key, transposed = java_name(name)
            t = tensors[key]
            value = torch.tensor(t["values"], dtype=torch.float32).view(t["shape"])
            if transposed:
                value = value.t()
            if value.shape != p.shape:
                raise ValueError(f"{name} <- {key}: shape {tuple(value.shape)} vs {tuple(p.shape)}")
            p.copy_(value)
            used.add(key)
    if used != set(tensors):
        raise ValueError(f"Java tensors not loaded: {sorted(set(tensors) - used)}")


class Batch:
    """The TrainingBatch as padded tensors: prompts left-padded to the batch's longest, per-token rows right-padded."""

    def __init__(self, rows):
        prompts, responses = rows["prompts"], rows["responses"]
        n = len(responses)
        self.n = n
        self.prompt_len = torch.tensor([len(p) for p in prompts])
        self.resp_len = torch.tensor([len(r) for r in responses])
        self.prompt_width = int(self.prompt_len.max())
        self.resp_width = int(self.resp_len.max())
        self.prompts = torch.zeros(n, self.prompt_width, dtype=torch.long)
        self.responses = torch.zeros(n, self.resp_width, dtype=torch.long)
        for i, (p, r) in enumerate(zip(prompts, responses)):
            self.prompts[i, self.prompt_width - len(p):] = torch.tensor(p)
            self.responses[i, :len(r)] = torch.tensor(r)
        for key in ("behaviour", "advantages", "returns", "old_values", "weights"):
            t = torch.zeros(n, self.resp_width)
            for i, values in enumerate(rows[key]):
                t[i, :len(values)] = torch.tensor(values)
            setattr(self, key, t)
        self.positive = torch.tensor([bool(b) for b in rows["positive"]])
        self.tokens = int(self.resp_len.sum())

    def part(self, rows, response_start):
        """ResponseBatch(prompts, responses, context, response_start) of `rows`, plus the rows' per-token data."""
        idx = torch.tensor(rows)
        plen, rlen = self.prompt_len[idx], self.resp_len[idx]
        width, resp = int(plen.max()), int(rlen.max())
        prompt_cols = self.prompts[idx, self.prompt_width - width:]
        resp_cols = self.responses[idx, :resp]
        tokens = torch.cat([prompt_cols, resp_cols[:, :resp - 1]], 1)
        columns = width + resp - 1
        col = torch.arange(columns).unsqueeze(0)
        padding = (width - plen).unsqueeze(1)
        in_prompt = col < width
        if response_start > 0:
            later = response_start + (col - width)
        else:
            later = col - padding
        positions = torch.where(in_prompt, (col - padding).clamp_min(0), later)
        valid = torch.where(in_prompt, col >= padding, (col - width) < rlen.unsqueeze(1)).float()
        causal = (col.view(1, columns) <= col.view(columns, 1)).float().view(1, 1, columns, columns)
        bias = (causal * valid.view(-1, 1, 1, columns) - 1.0) * -MASKED
        mask = (torch.arange(resp).unsqueeze(0) < rlen.unsqueeze(1)).float()
        data = {key: getattr(self, key)[idx, :resp] for key in
                ("behaviour", "advantages", "returns", "old_values", "weights")}
        return dict(tokens=tokens, positions=positions, bias=bias, first=width - 1, resp=resp, targets=resp_cols,
                    mask=mask, positive=self.positive[idx], **data)


def response_hidden(net, part):
    """TransformerNetwork.responseHidden: trunk over all columns, hidden states at prompt_width - 1 + j."""
    x = net.tokens(part["tokens"]) + net.positions(part["positions"])
    for block in net.blocks:
        x = block(x, part["bias"], None, 0)
    x = net.final_ln(x)
    return x[:, part["first"]:part["first"] + part["resp"]]


def policy_scores(policy, part):
    """PolicyModel.score: chosen log-probs, entropy, both masked."""
    logits = policy.head(response_hidden(policy, part))
    log_probs = logits.log_softmax(-1)
    mask = part["mask"]
    chosen = log_probs.gather(2, part["targets"].unsqueeze(2)).squeeze(2)
    entropy = -(log_probs.exp() * log_probs).sum(2)
    return chosen * mask, entropy * mask


def critic_values(critic, part):
    """ValueModel.score: V(state before token j), masked."""
    return critic.value_head(response_hidden(critic, part)).squeeze(2) * part["mask"]


def masked_mean(x, mask):
    return (x * mask).sum() / mask.sum()


def aggregate(x, mask, aggregation):
    if aggregation == "TOKEN":
        return masked_mean(x, mask)
    return ((x * mask).sum(1) / mask.sum(1)).mean()


class Update:
    def __init__(self, policy, critic, u, response_start):
        self.policy, self.critic, self.u, self.response_start = policy, critic, u, response_start
        self.actor_opt = adamw(policy, u["actor_lr"], u["weight_decay"])
        self.critic_opt = adamw(critic, u["critic_lr"], u["weight_decay"])

    def step(self, batch, train_policy, step_index, lr_scale=1.0):
        u = self.u
        shuffle = step_random(u["seed"], step_index)
        policy_stats = []
        if train_policy:
            for _ in range(u["epochs"]):
                for rows in mini_batches(batch.n, u["mini_batches"], shuffle):
                    policy_stats.append(self.policy_part(batch.part(rows, self.response_start),
                                                         u["actor_lr"] * lr_scale))
        critic_stats = []
        for _ in range(u["critic_epochs"]):
            for rows in mini_batches(batch.n, u["critic_mini_batches"], shuffle):
                critic_stats.append(self.critic_part(batch.part(rows, self.response_start)))
        p, c = mean(policy_stats), mean(critic_stats)
        return dict(policy_loss=p.get("policy_loss", 0.0), lm_loss=p.get("lm_loss", 0.0),
                    value_loss=c.get("value_loss", 0.0), entropy=p.get("entropy", 0.0),
                    clip_low=p.get("clip_low", 0.0), clip_high=p.get("clip_high", 0.0),
                    approx_kl=p.get("approx_kl", 0.0), actor_grad_norm=p.get("grad_norm", 0.0),
                    critic_grad_norm=c.get("grad_norm", 0.0))

    def policy_part(self, part, lr):
        u = self.u
        log_probs, entropy = policy_scores(self.policy, part)
        mask, adv = part["mask"], part["advantages"]
        # PolicyLoss.clipped
        ratio = (log_probs - part["behaviour"]).exp()
        clipped = ratio.clamp(1.0 - u["eps_low"], 1.0 + u["eps_high"])
        surrogate = torch.minimum(ratio * adv, clipped * adv)
        loss = aggregate(-surrogate * part["weights"], mask, u["aggregation"])
        with torch.no_grad():
            real = mask > 0
            tokens = max(int(real.sum()), 1)
            clip_low = int((real & (adv < 0) & (ratio < 1.0 - u["eps_low"])).sum()) / tokens
            clip_high = int((real & (adv > 0) & (ratio > 1.0 + u["eps_high"])).sum()) / tokens
            approx_kl = float((((ratio - 1.0) - ratio.log()) * mask).sum()) / tokens
        entropy_mean = masked_mean(entropy, mask).item()
        total = loss
        lm_loss = 0.0
        if u["lm_coefficient"] > 0:
            # LmLoss.positiveExamples
            if bool(part["positive"].any()):
                positive_mask = mask * part["positive"].float().unsqueeze(1)
                lm = -(log_probs * positive_mask).sum() / positive_mask.sum()
            else:
                lm = torch.zeros(())
            total = total + lm * u["lm_coefficient"]
            lm_loss = lm.item()
        total.backward()
        norm = clip(self.policy, u["max_grad_norm"])
        optimizer_step(self.actor_opt, lr)
        return dict(policy_loss=loss.item(), lm_loss=lm_loss, entropy=entropy_mean, clip_low=clip_low,
                    clip_high=clip_high, approx_kl=approx_kl, grad_norm=norm)

    def critic_part(self, part):
        u = self.u
        values = critic_values(self.critic, part)
        old, returns = part["old_values"], part["returns"]
        # ValueLoss.clipped
        clipped_values = old + (values - old).clamp(-u["value_clip"], u["value_clip"])
        per_token = torch.maximum((values - returns).square(), (clipped_values - returns).square()) * 0.5
        loss = masked_mean(per_token, part["mask"])
        loss.backward()
        norm = clip(self.critic, u["max_grad_norm"])
        optimizer_step(self.critic_opt, u["critic_lr"])
        return dict(value_loss=loss.item(), grad_norm=norm)


def adamw(model, lr, weight_decay):
    """training/AdamW.java: decay on rank-2 tensors only, betas 0.9/0.999, eps 1e-8."""
    decay = [p for p in model.parameters() if p.dim() == 2]
    rest = [p for p in model.parameters() if p.dim() != 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": rest, "weight_decay": 0.0}], lr=lr, betas=(0.9, 0.999), eps=1e-8)


def clip(model, max_norm):
    """GradientClipping.clipGlobalNorm: scale by max / (norm + 1e-6) when the global norm exceeds max."""
    norm = float(torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm))
    if not math.isfinite(norm):
        raise RuntimeError(f"gradient norm is {norm}")
    return norm


def optimizer_step(opt, lr):
    for group in opt.param_groups:
        group["lr"] = lr
    opt.step()
    # AdamW.java zeroes the gradients in place after its step (the engine accumulates them).
    opt.zero_grad(set_to_none=False)


def mean(stats):
    if not stats:
        return {}
    return {k: sum(s[k] for s in stats) / len(stats) for k in stats[0]}


def generated_batch(args, model):
    """A batch of the Java program's distributions (not its rows): real prompts, task-length responses."""
    g = torch.Generator().manual_seed(args.seed)
    token = {c: 3 + i for i, c in enumerate(ALPHABET)}
    prompts, responses = [], []
    for _ in range(args.prompts):
        n = int(torch.randint(2, 17, (1,), generator=g))
        terms = torch.randint(1, 10, (n,), generator=g).tolist()
        prompt = [BOS] + [token[c] for c in "+".join(map(str, terms)) + "="]
        for _ in range(args.group):
            length = (n - 1) * 6 + 3 if args.lengths == "task" else int(torch.randint(8, 94, (1,), generator=g))
            response = (torch.randint(3, VOCAB, (length - 1,), generator=g).tolist()) + [EOS]
            prompts.append(prompt)
            responses.append(response)
    rows = len(responses)

    def per_token(draw):
        return [draw(len(r)).tolist() for r in responses]

    positive = (torch.rand(rows, generator=g) < args.correct).tolist()
    return dict(prompts=prompts, responses=responses,
                behaviour=per_token(lambda k: -3.0 * torch.rand(k, generator=g)),
                advantages=per_token(lambda k: torch.randn(k, generator=g)),
                returns=per_token(lambda k: torch.rand(k, generator=g)),
                old_values=per_token(lambda k: torch.rand(k, generator=g)),
                weights=per_token(lambda k: torch.ones(k)),
                rewards=[1.0 if p else 0.0 for p in positive], positive=positive)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", help="JSON written by LearnerStepBenchmark --dump-batch (rows, weights, settings)")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--value-only", action="store_true", help="critic only (value pretraining)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--no-stats", action="store_true")
    ap.add_argument("--lockstep", action="store_true",
                    help="wait for a line on standard input before each step, so that vapo bench can step this "
                         "program and the Java one alternately")
    ap.add_argument("--profile", help="record the timed steps with torch.autograd.profiler and write a Chrome trace "
                                      "here (bench/profile_summary.py totals it by operator)")
    # Only without --batch:
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prompts", type=int, default=8)
    ap.add_argument("--group", type=int, default=16)
    ap.add_argument("--lengths", choices=("task", "uniform"), default="task")
    ap.add_argument("--correct", type=float, default=0.18)
    args = ap.parse_args()

    blas = require_optimised_blas()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.threads)

    if args.batch:
        with open(args.batch) as f:
            dump = json.load(f)
        m, u = dump["model"], dump["update"]
    else:
        dump, m, u = None, dict(DEFAULT_MODEL), dict(DEFAULT_UPDATE)
        u["seed"] = args.seed
    if m["vocab_size"] != VOCAB or m["mlp_width"] != 4 * m["width"]:
        raise SystemExit(f"sampling_benchmark.Policy has vocabulary {VOCAB} and MLP width 4d, the model is {m}")
    if u["critic_replay"] != 1:
        raise SystemExit("critic replay > 1 (a no-grad critic pass over drawn rows) is not replicated here")

    torch.manual_seed(u["seed"])
    policy = Policy(m["layers"], m["width"], m["heads"], m["context_length"])
    critic = Critic(m["layers"], m["width"], m["heads"], m["context_length"])
    if dump:
        load_java_weights(policy, dump["policy_weights"])
        load_java_weights(critic, dump["critic_weights"])
        rows = dump["batch"]
    else:
        init_like_java(policy, m["layers"])
        init_like_java(critic, m["layers"])
        with torch.no_grad():  # the critic's trunk starts as a copy of the policy's
            for (name, p), (_, q) in zip(policy.named_parameters(), critic.named_parameters()):
                if not name.startswith("head"):
                    q.copy_(p)
        rows = generated_batch(args, policy)
    policy.train()
    critic.train()
    batch = Batch(rows)
    if not dump:
        with torch.no_grad():  # behaviour log-probs: the policy's own, as in the Java program
            lp, _ = policy_scores(policy, batch.part(list(range(batch.n)), m["response_start"]))
            batch.behaviour = lp

    train_policy = not args.value_only
    if dump and "mini_batch_check" in dump:
        check = dump["mini_batch_check"]
        r = step_random(u["seed"], check["step_index"])
        mine_policy = [rows_ for _ in range(u["epochs"]) for rows_ in mini_batches(batch.n, u["mini_batches"], r)] \
            if check["policy"] else []
        mine_critic = [rows_ for _ in range(u["critic_epochs"])
                       for rows_ in mini_batches(batch.n, u["critic_mini_batches"], r)]
        if mine_policy != check["policy"] or mine_critic != check["critic"]:
            raise SystemExit("the SplittableRandom port draws other mini-batches than VapoUpdate")
        print("mini-batch rows of step 0: identical to VapoUpdate's")
        if bool(check["policy"]) != train_policy:
            print("note: the dump was written with the other --value-only setting; rows of the critic-only or "
                  "policy+critic step then differ after the first permutation")

    prompt_tokens = int(batch.prompt_len.sum())
    shape = dict(rows=batch.n, prompts=dump["prompts_per_step"] if dump else args.prompts,
                 group=dump["group_size"] if dump else args.group, tokens=batch.tokens, prompt_tokens=prompt_tokens,
                 widest_response=batch.resp_width, shortest_response=int(batch.resp_len.min()),
                 widest_prompt=batch.prompt_width, positive=int(batch.positive.sum()),
                 lengths=dump.get("lengths", "?") if dump else args.lengths,
                 source=args.batch if dump else "generated here",
                 mode="value-only" if args.value_only else "policy+critic", epochs=u["epochs"],
                 mini_batches=u["mini_batches"], critic_epochs=u["critic_epochs"],
                 critic_mini_batches=u["critic_mini_batches"], critic_replay=u["critic_replay"])
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()} (interop {torch.get_num_interop_threads()}), "
          f"BLAS {blas}")
    print(f"model {m}")
    print(f"update {u}")
    print("batch " + json.dumps(shape, separators=(",", ":")))
    print(f"policy {sum(p.numel() for p in policy.parameters())} parameters, "
          f"critic {sum(p.numel() for p in critic.parameters())} parameters")

    update = Update(policy, critic, u, m["response_start"])
    times = []
    profiler = None
    for i in range(args.warmup + args.runs):
        if args.lockstep and not sys.stdin.readline():
            raise SystemExit(f"--lockstep: input closed before step {i}")
        if i == args.warmup and args.profile:
            profiler = torch.autograd.profiler.profile(record_shapes=True)
            profiler.__enter__()
        begin = time.perf_counter()
        s = update.step(batch, train_policy, i)
        ms = (time.perf_counter() - begin) * 1000
        if i == 0 and not args.no_stats:
            print("step 0 stats: " + " ".join(
                f"{k} {v:.3e}" if k == "approx_kl" else f"{k} {v:.6f}" for k, v in s.items()))
        if i < args.warmup:
            print(f"warm-up step {i}: {ms:.1f} ms", flush=True)
        else:
            times.append(ms)
            print(f"step {i}: {ms:.1f} ms", flush=True)
    if profiler:
        profiler.__exit__(None, None, None)
        profiler.export_chrome_trace(args.profile)
        print(f"wrote the profile of the timed steps to {args.profile}")
    median = statistics.median(times)
    print(f"median {median:.1f} ms over {args.runs} steps ({'critic only' if args.value_only else 'policy + critic'})")
    print(json.dumps(dict(program="pytorch", median_ms=round(median, 2), runs_ms=[round(t, 2) for t in times],
                          batch=shape, threads=torch.get_num_threads()), separators=(",", ":")))


if __name__ == "__main__":
    main()
