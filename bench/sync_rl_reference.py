#!/usr/bin/python3
"""`vapo train`'s algorithm as the synchronous loop a user would write in plain PyTorch (baseline (c) of
docs/benchmarks.md, "The pipeline's cost, side by side").

Each step samples P x G responses from the current policy (generator/python/vapo_model.py: the same network,
weight file and KV-cached sampler as the Python rollout worker), judges them (the final answer after the last
'#', as the built-in scorer does), values each group with the critic (one no-gradient pass per group),
computes VAPO's advantages (reward on the last token, gamma 1, critic lambda 1, policy lambda 1 - 1/(alpha l)
with alpha 1 as `vapo train` sets it for the built-in tasks), drops all-equal groups (dynamic sampling, on in
`vapo train` by default, without refill), scales the advantages by their token standard deviation (whitening
`scale`), and runs the learner's update (bench/learner_step_reference.py: the same losses, mini-batches,
AdamW, clipping, and the actor's cosine decay to `--actor-lr-final`). Value pretraining ends by the learner's
gate (moving average of the explained variance over 5 steps, patience 10, at least 10 and at most 100 steps).
The critic starts as a copy of the policy's trunk with a fresh head (std 0.02), as ValueModel.fromTrunk.

Writes one JSON line per step (with the seconds of each phase) to --out and the final policy as a VAPOWTS2
file to --save, which `./vapo eval --policy FILE` scores with the same evaluator as the Java runs. One intra-op
and one inter-op thread, as the Java benchmarks run.

    /usr/bin/python3 bench/sync_rl_reference.py --seed 1 --max-steps 60 --out runs/sync-py-1/metrics.jsonl \
        --save runs/sync-py-1/policy.weights
"""
import argparse
import json
import math
import os
import random
import re
import struct
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "generator", "python"))
import vapo_model  # noqa: E402
from learner_step_reference import Batch, Update, critic_values, DEFAULT_UPDATE  # noqa: E402
from torch_blas import require_optimised_blas  # noqa: E402

ANSWER = re.compile(r"-?[0-9]+")


class Critic(nn.Module):
    """ValueModel: the policy's trunk (copied) with a scalar head on every position."""

    def __init__(self, policy, head_seed):
        super().__init__()
        config = policy.config
        self.tokens = nn.Embedding(config.vocab_size, config.width)
        self.positions = nn.Embedding(config.context_length, config.width)
        self.blocks = nn.ModuleList(vapo_model.Block(config) for _ in range(config.layers))
        self.final_ln = nn.LayerNorm(config.width, eps=vapo_model.LAYER_NORM_EPSILON)
        self.value_head = nn.Linear(config.width, 1)
        trunk = {k: v for k, v in policy.state_dict().items() if not k.startswith("head.")}
        self.load_state_dict(trunk, strict=False)
        generator = torch.Generator().manual_seed(head_seed)
        with torch.no_grad():
            self.value_head.weight.normal_(0.0, 0.02, generator=generator)
            self.value_head.bias.zero_()


def correct(text, answer):
    """FinalAnswer.judge: the text after the last '#' must be the answer, an integer."""
    if "#" not in text:
        return False
    final = text[text.rindex("#") + 1:].strip()
    return ANSWER.fullmatch(final) is not None and int(final) == int(answer)


def terminal_gae(reward, values, lam):
    """GAE with gamma 1 and the reward on the last token (advantage kernel Gae.terminalReward)."""
    out = [0.0] * len(values)
    adv = reward - values[-1]
    out[-1] = adv
    for t in range(len(values) - 2, -1, -1):
        adv = values[t + 1] - values[t] + lam * adv
        out[t] = adv
    return out


def explained_variance(returns, values):
    g = [x for row in returns for x in row]
    d = [x - v for rr, vv in zip(returns, values) for x, v in zip(rr, vv)]
    n = len(g)
    var_g = sum(x * x for x in g) / n - (sum(g) / n) ** 2
    var_d = sum(x * x for x in d) / n - (sum(d) / n) ** 2
    return float("nan") if var_g <= 1e-12 else 1 - var_d / var_g


class Gate:
    """ValuePretrainGate with `vapo train`'s defaults."""

    def __init__(self, min_steps=10, max_steps=100, window=5, patience=10, min_delta=0.01):
        self.min_steps, self.max_steps, self.window, self.patience, self.min_delta = \
            min_steps, max_steps, window, patience, min_delta
        self.history, self.best, self.best_at, self.done = [], float("-inf"), 0, max_steps == 0

    def average(self):
        defined = [x for x in self.history if not math.isnan(x)][-self.window:]
        return sum(defined) / len(defined) if defined else float("nan")

    def record(self, ev):
        self.history.append(ev)
        average = self.average()
        if not math.isnan(average) and average > self.best + self.min_delta:
            self.best, self.best_at = average, len(self.history)
        steps = len(self.history)
        if steps >= self.max_steps or (steps >= self.min_steps and steps - self.best_at >= self.patience):
            self.done = True
        return self.done


def cosine(final_fraction, done, total):
    progress = 1.0 if total == 1 else min(1.0, done / (total - 1))
    return final_fraction + (1 - final_fraction) * 0.5 * (1 + math.cos(math.pi * progress))


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def encode_weights(policy):
    """A VAPOWTS2 policy file (vapo_model.decode_weights reads it; so does the Java WeightCodec)."""
    config = policy.config
    out = [vapo_model.FORMAT.encode("ascii")]

    def string(s):
        b = s.encode("utf-8")
        out.append(struct.pack(">i", len(b)) + b)

    string(vapo_model.KIND)
    out.append(struct.pack(">7i", *config))
    tensors = java_tensors(policy)
    out.append(struct.pack(">i", len(tensors)))
    for name, value in tensors:
        string(name)
        out.append(struct.pack(">i", value.dim()) + struct.pack(">%di" % value.dim(), *value.shape))
        out.append(value.detach().contiguous().numpy().astype(">f4").tobytes())
    return b"".join(out)


def java_tensors(policy):
    """(Java name, tensor) in Java's layout: matrices (in, out)."""
    pairs = [("embed.tokens", policy.tokens.weight), ("embed.positions", policy.positions.weight)]
    for i, block in enumerate(policy.blocks):
        p = "block%d." % i
        pairs += [(p + "ln1.gamma", block.ln1.weight), (p + "ln1.beta", block.ln1.bias)]
        for java, module in (("attn.qkv", block.qkv), ("attn.out", block.out)):
            pairs += [(p + java + ".weight", module.weight.t()), (p + java + ".bias", module.bias)]
        pairs += [(p + "ln2.gamma", block.ln2.weight), (p + "ln2.beta", block.ln2.bias)]
        for java, module in (("mlp.in", block.mlp_in), ("mlp.out", block.mlp_out)):
            pairs += [(p + java + ".weight", module.weight.t()), (p + java + ".bias", module.bias)]
    pairs += [("final_ln.gamma", policy.final_ln.weight), ("final_ln.beta", policy.final_ln.bias),
              ("lm_head.weight", policy.head.weight.t())]
    return pairs


def values_of(critic, prompts, responses, response_start):
    """One no-gradient pass over a group: V before each response token."""
    rows = dict(prompts=prompts, responses=responses, positive=[False] * len(responses))
    for key in ("behaviour", "advantages", "returns", "old_values", "weights"):
        rows[key] = [[0.0] * len(r) for r in responses]
    batch = Batch(rows)
    with torch.no_grad():
        v = critic_values(critic, batch.part(list(range(batch.n)), response_start))
    return [v[i, :len(r)].tolist() for i, r in enumerate(responses)]


def step_rows(groups, dynamic_sampling):
    """The batch's rows: advantages, returns and values per response, all-equal groups dropped when asked."""
    rows = {k: [] for k in ("prompts", "responses", "behaviour", "advantages", "returns", "old_values", "weights",
                            "positive")}
    filtered = 0
    for g in groups:
        if dynamic_sampling and len(set(g["correct"])) == 1:
            filtered += 1
            continue
        for tokens, log_probs, ok, values in zip(g["responses"], g["log_probs"], g["correct"], g["values"]):
            length, reward = len(tokens), 1.0 if ok else 0.0
            lam = max(0.0, 1.0 - 1.0 / length)
            rows["prompts"].append(g["prompt"])
            rows["responses"].append(tokens)
            rows["behaviour"].append(log_probs)
            rows["advantages"].append(terminal_gae(reward, values, lam))
            critic_adv = terminal_gae(reward, values, 1.0)
            rows["returns"].append([a + v for a, v in zip(critic_adv, values)])
            rows["old_values"].append(values)
            rows["weights"].append([1.0] * length)
            rows["positive"].append(ok)
    return rows, filtered


def scale(advantages):
    flat = [x for row in advantages for x in row]
    mean = sum(flat) / len(flat)
    std = math.sqrt(sum((x - mean) ** 2 for x in flat) / len(flat))
    return [[x / (std + 1e-8) for x in row] for row in advantages]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--policy", default="runs/base/blind-spots/policy.weights")
    ap.add_argument("--train", default="data/blind-spots/train.jsonl")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-steps", type=int, default=300, help="policy updates")
    ap.add_argument("--prompts", type=int, default=8)
    ap.add_argument("--group", type=int, default=16)
    ap.add_argument("--max-new-tokens", type=int, default=93, help="the blind-spots task's response budget")
    ap.add_argument("--value-pretrain-min-steps", type=int, default=10)
    ap.add_argument("--value-pretrain-steps", type=int, default=100, help="the gate's cap; 0: none")
    ap.add_argument("--actor-lr-final", type=float, default=0.1)
    ap.add_argument("--dynamic-sampling", choices=("true", "false"), default="true")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", required=True, help="JSONL, one line per step")
    ap.add_argument("--save", help="the final policy, a VAPOWTS2 file")
    args = ap.parse_args()
    require_optimised_blas()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    tokenizer = vapo_model.CharTokenizer()
    with open(args.policy, "rb") as f:
        policy = vapo_model.load_policy(f.read())
    start = policy.config.response_start
    critic = Critic(policy, args.seed)
    settings = dict(DEFAULT_UPDATE, seed=args.seed)
    update = Update(policy, critic, settings, start)
    train = read_jsonl(args.train)
    gate = Gate(min(args.value_pretrain_min_steps, args.value_pretrain_steps), args.value_pretrain_steps)
    dynamic = args.dynamic_sampling == "true"
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    step = policy_updates = samples = filtered_total = 0
    began = time.perf_counter()
    with open(args.out, "w") as out:
        while policy_updates < args.max_steps:
            policy_phase = gate.done
            t0 = time.perf_counter()
            examples = [train[rng.randrange(len(train))] for _ in range(args.prompts)]
            prompts = [tokenizer.encode_prompt(e["prompt"]) for e in examples for _ in range(args.group)]
            sampled = vapo_model.sample(policy, prompts, args.max_new_tokens, generator=generator)
            t1 = time.perf_counter()
            judged = [correct(tokenizer.decode(r.tokens), examples[i // args.group]["answer"])
                      for i, r in enumerate(sampled)]
            t2 = time.perf_counter()
            groups = []
            for p, example in enumerate(examples):
                part = slice(p * args.group, (p + 1) * args.group)
                responses = [r.tokens for r in sampled[part]]
                groups.append(dict(prompt=prompts[p * args.group], responses=responses,
                                   log_probs=[r.log_probs for r in sampled[part]], correct=judged[part],
                                   values=values_of(critic, prompts[part], responses, start)))
            t3 = time.perf_counter()
            rows, filtered = step_rows(groups, dynamic)
            samples += len(sampled)
            filtered_total += filtered
            if not rows["responses"]:
                continue
            ev = explained_variance(rows["returns"], rows["old_values"])
            rows["advantages"] = scale(rows["advantages"])
            batch = Batch(rows)
            t4 = time.perf_counter()
            stats = update.step(batch, policy_phase, step, cosine(args.actor_lr_final, policy_updates, args.max_steps))
            t5 = time.perf_counter()
            step += 1
            if policy_phase:
                policy_updates += 1
            elif gate.record(ev):
                print("value pretraining done after %d steps: explained variance %.3f" % (len(gate.history),
                                                                                          gate.average()))
            record = dict(step=step, phase="POLICY" if policy_phase else "VALUE_PRETRAIN", policyVersion=policy_updates,
                          timestampMs=int(time.time() * 1000), rewardMean=sum(judged) / len(judged),
                          explainedVariance=None if math.isnan(ev) else ev, samplesDrawn=samples,
                          filteredGroups=filtered_total, responseLengthMean=sum(len(r.tokens) for r in sampled) / len(sampled),
                          trainedTokens=batch.tokens,
                          sampleSeconds=t1 - t0, scoreSeconds=t2 - t1, criticSeconds=t3 - t2, advantagesSeconds=t4 - t3,
                          updateSeconds=t5 - t4, stepSeconds=t5 - t0, **stats)
            out.write(json.dumps(record) + "\n")
            out.flush()
            if step % 10 == 0:
                print("step %d %s %d reward %.3f ev %.3f (%.1f min)" % (step, record["phase"], policy_updates,
                                                                        record["rewardMean"], ev,
                                                                        (time.perf_counter() - began) / 60))
    if args.save:
        with open(args.save, "wb") as f:
            f.write(encode_weights(policy))
    print(json.dumps(dict(program="pytorch-sync", steps=step, policy_updates=policy_updates,
                          seconds=time.perf_counter() - began)))


if __name__ == "__main__":
    main()
