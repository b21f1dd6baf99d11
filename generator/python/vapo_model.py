"""vapo-stream's policy in plain PyTorch: the VAPOWTS2 weight codec, the network and batched,
KV-cached group sampling. No Kafka here; worker.py wraps it in the rollout protocol.

The network is the model module's (dev.vapostream.model: TransformerTrunk + PolicyModel, the same
architecture as bench/sampling_benchmark.py): learned token and position embeddings, pre-LayerNorm
blocks with fused QKV attention and a GELU MLP, a final LayerNorm and a bias-free LM head. Unlike the
benchmark it takes weights from the learner and batches prompts of different lengths the way the Java
sampler does (left padding, each row's prompt positions counted from its first real token, response
token j at position responseStart + j when the weight file's responseStart is non-zero), so that its
log-probabilities are the ones the learner recomputes.

    /usr/bin/python3 -c "import vapo_model; print(vapo_model.load_policy(open('policy.weights', 'rb').read()).config)"
"""
import hashlib
import math
import struct
from collections import namedtuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FORMAT = "VAPOWTS2"
KIND = "policy"
PAD, BOS, EOS = 0, 1, 2
FIRST_CHAR_ID = 3
BUILT_IN_ALPHABET = "0123456789+-=;#"
# Finite, not -inf: a padding query sees only padding keys, and an all -inf row would give NaN.
MASKED = -1e9
LAYER_NORM_EPSILON = 1e-5

ModelConfig = namedtuple("ModelConfig", "vocab_size context_length layers width heads mlp_width response_start")
Response = namedtuple("Response", "tokens log_probs finish_reason")


class WeightFormatError(ValueError):
    """A payload that is not a loadable VAPOWTS2 policy for this worker."""


# --- the weight file (model/src/main/java/dev/vapostream/model/weights/WeightCodec.java) ------------

class _Reader:
    def __init__(self, data):
        self.data = data
        self.at = 0

    def take(self, n):
        if n < 0 or self.at + n > len(self.data):
            raise WeightFormatError("truncated or corrupt weight file (wanted %d bytes at offset %d of %d)"
                                    % (n, self.at, len(self.data)))
        chunk = self.data[self.at:self.at + n]
        self.at += n
        return chunk

    def int32(self):
        return struct.unpack(">i", self.take(4))[0]

    def string(self):
        return bytes(self.take(self.int32())).decode("utf-8")


def decode_weights(payload):
    """The kind, ModelConfig and {name: float32 ndarray} of a VAPOWTS2 payload (all integers big-endian)."""
    reader = _Reader(memoryview(payload))
    magic = bytes(reader.take(8))
    if magic != FORMAT.encode("ascii"):
        raise WeightFormatError("not a %s weight file (magic %r)" % (FORMAT, magic))
    kind = reader.string()
    config = ModelConfig(*(reader.int32() for _ in range(7)))
    tensors = {}
    for _ in range(reader.int32()):
        name = reader.string()
        rank = reader.int32()
        if not 0 <= rank <= 8:
            raise WeightFormatError("%s: implausible rank %d" % (name, rank))
        shape = tuple(reader.int32() for _ in range(rank))
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        raw = reader.take(4 * count)
        tensors[name] = np.frombuffer(raw, dtype=">f4").astype(np.float32).reshape(shape)
    if reader.at != len(payload):
        raise WeightFormatError("weight file has %d trailing bytes" % (len(payload) - reader.at))
    return kind, config, tensors


def sha256_hex(payload):
    return hashlib.sha256(payload).hexdigest()


# --- the network ----------------------------------------------------------------------------------

class Block(nn.Module):
    """Pre-LayerNorm block: causal multi-head self-attention with a fused QKV projection, then a GELU MLP."""

    def __init__(self, config):
        super().__init__()
        self.heads = config.heads
        self.head_width = config.width // config.heads
        self.ln1 = nn.LayerNorm(config.width, eps=LAYER_NORM_EPSILON)
        self.qkv = nn.Linear(config.width, 3 * config.width)
        self.out = nn.Linear(config.width, config.width)
        self.ln2 = nn.LayerNorm(config.width, eps=LAYER_NORM_EPSILON)
        self.mlp_in = nn.Linear(config.width, config.mlp_width)
        self.mlp_out = nn.Linear(config.mlp_width, config.width)

    def forward(self, x, bias, cache, start):
        b, t, d = x.shape
        q, k, v = (part.view(b, t, self.heads, self.head_width).transpose(1, 2)
                   for part in self.qkv(self.ln1(x)).split(d, dim=2))
        if cache is not None:  # None: a teacher-forced pass over the whole sequence (training)
            keys, values = cache
            keys[:, :, start:start + t] = k
            values[:, :, start:start + t] = v
            k, v = keys[:, :, :start + t], values[:, :, :start + t]
        if t == 1:
            # One new query per row: broadcast products beat B x H tiny batched matmuls on a CPU.
            scores = (q * k).sum(-1).unsqueeze(2) / math.sqrt(self.head_width) + bias
            mixed = (scores.softmax(-1).transpose(2, 3) * v).sum(2).reshape(b, t, d)
        else:
            scores = q.matmul(k.transpose(2, 3)) / math.sqrt(self.head_width) + bias
            mixed = scores.softmax(-1).matmul(v).transpose(1, 2).reshape(b, t, d)
        x = x + self.out(mixed)
        return x + self.mlp_out(F.gelu(self.mlp_in(self.ln2(x))))


class Policy(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.tokens = nn.Embedding(config.vocab_size, config.width)
        self.positions = nn.Embedding(config.context_length, config.width)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.layers))
        self.final_ln = nn.LayerNorm(config.width, eps=LAYER_NORM_EPSILON)
        self.head = nn.Linear(config.width, config.vocab_size, bias=False)

    def forward(self, tokens, positions, bias, caches, start):
        """Logits (B, T, V) of tokens (B, T) at positions (B, T), written to the caches at columns [start, start + T)."""
        x = self.tokens(tokens) + self.positions(positions)
        for block, cache in zip(self.blocks, caches):
            x = block(x, bias, cache, start)
        return self.head(self.final_ln(x))

    def load_java_tensors(self, tensors):
        """Copies the weight file's tensors in. Java stores matrices as (in, out) for x @ W; nn.Linear wants (out, in)."""
        targets = {"embed.tokens": (self.tokens.weight, False), "embed.positions": (self.positions.weight, False),
                   "final_ln.gamma": (self.final_ln.weight, False), "final_ln.beta": (self.final_ln.bias, False),
                   "lm_head.weight": (self.head.weight, True)}
        for i, block in enumerate(self.blocks):
            p = "block%d." % i
            targets.update({p + "ln1.gamma": (block.ln1.weight, False), p + "ln1.beta": (block.ln1.bias, False),
                            p + "ln2.gamma": (block.ln2.weight, False), p + "ln2.beta": (block.ln2.bias, False)})
            for java, module in (("attn.qkv", block.qkv), ("attn.out", block.out), ("mlp.in", block.mlp_in),
                                 ("mlp.out", block.mlp_out)):
                targets[p + java + ".weight"] = (module.weight, True)
                targets[p + java + ".bias"] = (module.bias, False)
        if set(tensors) != set(targets):
            raise WeightFormatError("tensors do not match a %s of this shape: missing %s, unexpected %s" % (
                KIND, sorted(set(targets) - set(tensors)), sorted(set(tensors) - set(targets))))
        with torch.no_grad():
            for name, (parameter, transposed) in targets.items():
                value = torch.from_numpy(tensors[name])
                value = value.t() if transposed else value
                if tuple(value.shape) != tuple(parameter.shape):
                    raise WeightFormatError("%s: shape %s, expected %s" % (name, tuple(tensors[name].shape),
                                                                           tuple(parameter.shape)))
                parameter.copy_(value)


def load_policy(payload, vocab_size=None):
    """A Policy (eval mode) from a verified payload; WeightFormatError if it cannot serve this worker."""
    kind, config, tensors = decode_weights(payload)
    if kind != KIND:
        raise WeightFormatError("weights are for a %s model, not %s" % (kind, KIND))
    if min(config[:6]) <= 0 or config.width % config.heads != 0 or not 0 <= config.response_start < config.context_length:
        raise WeightFormatError("implausible model config %s" % (config,))
    if vocab_size is not None and config.vocab_size != vocab_size:
        raise WeightFormatError("policy vocabulary has %d tokens, the tokenizer has %d" % (config.vocab_size, vocab_size))
    policy = Policy(config)
    policy.load_java_tensors(tensors)
    return policy.eval()


# --- tokenizer (model/.../tokenizer/CharTokenizer.java) -------------------------------------------

class CharTokenizer:
    def __init__(self, alphabet=BUILT_IN_ALPHABET):
        if len(set(alphabet)) != len(alphabet) or any(ord(c) >= 128 for c in alphabet):
            raise ValueError("the alphabet must be distinct ASCII characters: %r" % alphabet)
        self.alphabet = alphabet
        self.ids = {c: FIRST_CHAR_ID + i for i, c in enumerate(alphabet)}

    @property
    def vocab_size(self):
        return FIRST_CHAR_ID + len(self.alphabet)

    def encode_prompt(self, text):
        """BOS then one id per character; ValueError for a character outside the alphabet."""
        unknown = sorted({c for c in text if c not in self.ids})
        if unknown:
            raise ValueError("characters %s are not in the alphabet %r" % (unknown, self.alphabet))
        return [BOS] + [self.ids[c] for c in text]

    def decode(self, tokens):
        """Alphabet characters up to the first EOS; PAD and BOS dropped."""
        text = []
        for t in tokens:
            if t == EOS:
                break
            if t >= FIRST_CHAR_ID:
                text.append(self.alphabet[t - FIRST_CHAR_ID])
        return "".join(text)


# --- sampling (model/.../sampling: KvDecoder, Sampler, TokenChooser) --------------------------------

def context_problem(config, prompt_length, max_new_tokens):
    """Why a prompt of this many tokens (BOS included) cannot be sampled with this budget, or None.

    The last sampled token is never fed back, so a row uses its prompt's positions plus
    max_new_tokens - 1 more; with a fixed response start, responses begin at response_start whatever
    the prompt's length, so the prompt must fit the positions before it."""
    if config.response_start > 0:
        if prompt_length > config.response_start:
            return ("prompt has %d tokens; the policy's responses start at position %d, so prompts may have at most %d"
                    % (prompt_length, config.response_start, config.response_start))
        used = config.response_start + max_new_tokens - 1
    else:
        used = prompt_length + max_new_tokens - 1
    if used > config.context_length:
        return ("prompt of %d tokens with max-new-tokens %d needs %d positions, the policy's context is %d"
                % (prompt_length, max_new_tokens, used, config.context_length))
    return None


def choose(logits, temperature, top_p, generator):
    """Next tokens (B,) by Gumbel-max at the temperature within the nucleus, and their temperature-1 log-probs."""
    log_probs = logits.log_softmax(-1)
    if temperature == 0:
        tokens = logits.argmax(-1)
    else:
        scaled = logits / temperature
        if top_p < 1:
            scaled = scaled + nucleus_penalty(scaled, top_p)
        uniform = torch.rand(logits.shape, generator=generator).clamp_min_(1e-20)
        tokens = (scaled - torch.log(-torch.log(uniform))).argmax(-1)
    return tokens, log_probs.gather(1, tokens.unsqueeze(1)).squeeze(1)


def nucleus_penalty(scaled, top_p):
    """0 inside the nucleus, MASKED outside: a token is kept iff the mass of strictly more probable tokens is < top_p."""
    probs = scaled.softmax(-1)
    descending = probs.sort(-1, descending=True).values
    inside = (descending.cumsum(-1) - descending) < top_p
    threshold = torch.where(inside, descending, torch.full_like(descending, 2.0)).min(-1, keepdim=True).values
    return torch.where(probs >= threshold, torch.zeros_like(probs), torch.full_like(probs, MASKED))


def sample(policy, prompts, max_new_tokens, temperature=1.0, top_p=1.0, generator=None):
    """One Response per prompt (lists of token ids starting with BOS), sampled together with a KV cache.

    Prompts are left-padded so that every row's response starts in the same column; finished rows keep
    being fed their last token (what they produce is discarded) until every row has sampled EOS or
    max_new_tokens steps have run."""
    config = policy.config
    batch, width = len(prompts), max(len(p) for p in prompts)
    padding = [width - len(p) for p in prompts]
    tokens = torch.tensor([[PAD] * pad + list(p) for p, pad in zip(prompts, padding)], dtype=torch.long)
    positions = torch.tensor([[max(0, c - pad) for c in range(width)] for pad in padding], dtype=torch.long)
    capacity = width + max_new_tokens - 1
    key_valid = torch.ones(batch, capacity, dtype=torch.bool)
    for row, pad in enumerate(padding):
        key_valid[row, :pad] = False
    masked = torch.zeros(batch, 1, 1, capacity).masked_fill(~key_valid.view(batch, 1, 1, capacity), MASKED)
    causal = torch.arange(width).view(width, 1) >= torch.arange(width).view(1, width)
    prefill_bias = masked[:, :, :, :width].masked_fill(~causal.view(1, 1, width, width), MASKED)
    shape = (batch, config.heads, capacity, config.width // config.heads)
    caches = [(torch.zeros(shape), torch.zeros(shape)) for _ in range(config.layers)]
    # Response token j sits at response_start + j (fixed start) or right after its prompt.
    first_response_position = torch.tensor(
        [[config.response_start if config.response_start > 0 else len(p)] for p in prompts], dtype=torch.long)
    out = torch.zeros(batch, max_new_tokens, dtype=torch.long)
    out_log_probs = torch.zeros(batch, max_new_tokens)
    done = torch.zeros(batch, dtype=torch.bool)
    ended_at = torch.full((batch,), max_new_tokens, dtype=torch.long)
    with torch.inference_mode():
        logits = policy(tokens, positions, prefill_bias, caches, 0)[:, -1]
        for step in range(max_new_tokens):
            chosen, log_probs = choose(logits, temperature, top_p, generator)
            out[:, step], out_log_probs[:, step] = chosen, log_probs
            newly = (chosen == EOS) & ~done
            ended_at[newly] = step + 1
            done |= newly
            if step + 1 == max_new_tokens or bool(done.all()):
                break
            column = width + step
            logits = policy(chosen.unsqueeze(1), first_response_position + step, masked[:, :, :, :column + 1], caches,
                            column)[:, -1]
    responses = []
    for row in range(batch):
        n = int(ended_at[row])
        finished = bool(done[row])
        responses.append(Response(out[row, :n].tolist(), out_log_probs[row, :n].tolist(),
                                  "EOS" if finished else "MAX_LENGTH"))
    return responses


def score(policy, prompt, response):
    """Teacher-forced temperature-1 log-probs of one response (what the learner recomputes), for checks."""
    config = policy.config
    sequence = list(prompt) + list(response[:-1])
    positions = list(range(len(prompt))) + [
        (config.response_start if config.response_start > 0 else len(prompt)) + j for j in range(len(response) - 1)]
    t = len(sequence)
    bias = torch.zeros(1, 1, t, t).masked_fill(torch.arange(t).view(1, 1, 1, t) > torch.arange(t).view(1, 1, t, 1), MASKED)
    shape = (1, config.heads, t, config.width // config.heads)
    caches = [(torch.zeros(shape), torch.zeros(shape)) for _ in range(config.layers)]
    with torch.inference_mode():
        logits = policy(torch.tensor([sequence]), torch.tensor([positions]), bias, caches, 0)[0]
        log_probs = logits[len(prompt) - 1:].log_softmax(-1)
        return log_probs.gather(1, torch.tensor(response).view(-1, 1)).view(-1).tolist()
