#!/usr/bin/python3
"""A vapo-stream rollout worker in Python: follows the policy on the weights topic, samples G
responses per prompt with plain PyTorch, and writes each ResponseGroup together with the consumed
prompt offsets in one Kafka transaction, as docs/protocol.md describes.

It uses only what an outside client has: Debian's python3-confluent-kafka (1.7) with its legacy Avro
API (CachedSchemaRegistryClient and MessageSerializer over the registry's Confluent-compatible URL),
python3-avro and python3-torch.
The Avro schemas come from the repository's schemas/src/main/avro (--schemas-dir), inlined into the
self-contained form the Java stages register. It joins the same consumer group as the Java workers
(vapo-generator by default), so both kinds can share one pipeline.

    /usr/bin/python3 generator/python/worker.py --bootstrap 127.0.0.1:19092 \
        --registry http://127.0.0.1:18080/apis/ccompat/v7 --worker-id py-1

Stop it with SIGTERM or Ctrl-C: the batch in progress is committed or aborted first. Exit status 0
when stopped that way, 1 when it stopped on an error, 2 on bad arguments. A log line on stderr every
--metrics-interval seconds and at exit gives groups, generated tokens, their rates, dead letters and
the policy version in use.
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True  # never leave __pycache__ beside the sources
# OpenBLAS (Debian's torch uses the system BLAS) starts its threads when loaded: bound them first.
_threads = argparse.ArgumentParser(add_help=False)
_threads.add_argument("--threads", type=int, default=1)
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(_threads.parse_known_args(sys.argv[1:])[0].threads))

import datetime  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import random  # noqa: E402
import signal  # noqa: E402
import struct  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
import zlib  # noqa: E402

import avro.io  # noqa: E402
import avro.schema  # noqa: E402
import torch  # noqa: E402
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition  # noqa: E402
from confluent_kafka.avro.cached_schema_registry_client import CachedSchemaRegistryClient  # noqa: E402
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer  # noqa: E402

import vapo_model  # noqa: E402

LOG = logging.getLogger("vapo-python-worker")
PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
DEFAULT_SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas", "src", "main", "avro")
# The built-in task's longest reference response, EOS included (15 lines of 6 tokens, "#d", EOS), as
# the Java worker's default max.new.tokens (GeneratorConfig.DEFAULT_MAX_NEW_TOKENS).
DEFAULT_MAX_NEW_TOKENS = 93
MAX_ERROR_CHARS = 4000
CATCH_UP_SECONDS = 2.0
PROMPT_POLL_SECONDS = 0.2


# --- schemas ---------------------------------------------------------------------------------------

def load_definitions(schemas_dir):
    """Every named type of the .avsc files under schemas_dir, by full name."""
    definitions = {}
    for folder, _, files in os.walk(schemas_dir):
        for name in files:
            if name.endswith(".avsc"):
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    schema = json.load(f)
                definitions[full_name(schema["name"], schema.get("namespace", ""))] = schema
    return definitions


def full_name(name, namespace):
    return name if "." in name or not namespace else namespace + "." + name


def self_contained(root, definitions):
    """The schema of root with every named type it uses inlined at its first use and named after that:
    what the Java stages register (ResponseGroup.getClassSchema()), readable without references."""
    defined = set()

    def inline(node, namespace):
        if isinstance(node, str):
            if node in PRIMITIVES:
                return node
            name = full_name(node, namespace)
            return name if name in defined else inline(definitions[name], namespace)
        if isinstance(node, list):
            return [inline(n, namespace) for n in node]
        kind = node["type"]
        if kind in ("record", "enum", "fixed"):
            inner = node.get("namespace", namespace)
            defined.add(full_name(node["name"], inner))
            if kind == "record":
                return dict(node, fields=[dict(f, type=inline(f["type"], inner)) for f in node["fields"]])
            return dict(node)
        if kind == "array":
            return dict(node, items=inline(node["items"], namespace))
        if kind == "map":
            return dict(node, values=inline(node["values"], namespace))
        if not isinstance(kind, str) or kind not in PRIMITIVES:  # a named or nested type with attributes
            return dict(node, type=inline(kind, namespace))
        return node  # a primitive with attributes, e.g. {"type": "long", "logicalType": "timestamp-millis"}

    return avro.schema.parse(json.dumps(inline(definitions[root], "")))


class Serdes:
    """Confluent wire format over the registry's ccompat API; Prompt and WeightChunk resolved to the repo's schemas."""

    def __init__(self, registry_url, schemas_dir):
        definitions = load_definitions(schemas_dir)
        self.registry = CachedSchemaRegistryClient({"url": registry_url})
        self.group_schema = self_contained("dev.vapostream.schemas.avro.ResponseGroup", definitions)
        self.group_writer = avro.io.DatumWriter(self.group_schema)
        self.prompts = MessageSerializer(self.registry, reader_value_schema=self_contained(
            "dev.vapostream.schemas.avro.Prompt", definitions))
        self.chunks = MessageSerializer(self.registry, reader_value_schema=self_contained(
            "dev.vapostream.schemas.avro.WeightChunk", definitions))

    def encode_group(self, topic, group):
        """Confluent wire format: 0x00, the schema id (big-endian int32), Avro binary.

        The same as MessageSerializer.encode_record_with_schema without its validation pass, which took
        seven times as long as the encoding itself; write_data still refuses a value of the wrong type."""
        schema_id = self.registry.register(topic + "-value", self.group_schema)  # cached after the first call
        out = io.BytesIO()
        out.write(struct.pack(">bI", 0, schema_id))
        self.group_writer.write_data(self.group_schema, group, avro.io.BinaryEncoder(out))
        return out.getvalue()

    def decode_prompt(self, raw):
        if not raw:
            raise ValueError("prompt record has no value")
        if len(raw) < 5 or raw[0] != 0:
            raise ValueError("value (%d bytes, first byte 0x%02x) is not in the registry wire format: magic byte 0x00 "
                             "and a 4-byte schema id expected" % (len(raw), raw[0]))
        prompt = self.prompts.decode_message(raw)
        if not isinstance(prompt, dict) or "id" not in prompt or "text" not in prompt:
            raise ValueError("value is not a Prompt: %r" % (prompt,))
        return prompt

    def decode_chunk(self, raw):
        return self.chunks.decode_message(raw)


# --- dead letters (schemas/.../dlq/DeadLetter.java) -------------------------------------------------

def root_cause(error):
    while error.__cause__ is not None and error.__cause__ is not error:
        error = error.__cause__
    return error


def error_class(error):
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else kind.__module__ + "." + kind.__qualname__


def describe(error):
    """The error and its causes in one line, e.g. "A: x; caused by B: y", at most MAX_ERROR_CHARS."""
    parts = []
    while error is not None:
        parts.append("%s: %s" % (type(error).__name__, error))
        error = error.__cause__ if error.__cause__ is not error else None
    return "; caused by ".join(parts)[:MAX_ERROR_CHARS]


def dead_letter(producer, message, error, stage):
    """Sends the prompt's original key, value and headers to <topic>.dlq, with the vapo.dlq.* headers, in the open transaction."""
    headers = [(k, v) for k, v in (message.headers() or []) if not k.startswith("vapo.dlq.")]
    headers += [("vapo.dlq.stage", stage), ("vapo.dlq.error.class", error_class(root_cause(error))),
                ("vapo.dlq.error.message", describe(error)), ("vapo.dlq.source.topic", message.topic()),
                ("vapo.dlq.source.partition", str(message.partition())), ("vapo.dlq.source.offset", str(message.offset()))]
    producer.produce(message.topic() + ".dlq", key=message.key(), value=message.value(),
                     headers=[(k, v if isinstance(v, bytes) else str(v).encode("utf-8")) for k, v in headers])
    LOG.warning("%s-%d@%d sent to the DLQ: %s", message.topic(), message.partition(), message.offset(), describe(error))


# --- following weights (generator/.../weights/PolicyVersions.java) -----------------------------------

def published(chunk):
    """(publisher start in ms, version): the order versions are followed in (schemas/.../PublishedVersion.java).
    A restarted learner started later, so its republished checkpoint version comes after what it published before."""
    started = chunk.get("publisherStartedAtMs") or 0
    if hasattr(started, "timestamp"):
        started = round(started.timestamp() * 1000)
    return (started, chunk["version"])


class PolicyVersions:
    """The newest chunk per index of one model; switches to the version chunk 0 announces once it is complete and verified."""

    def __init__(self, model_name, vocab_size, metrics):
        self.model_name = model_name
        self.vocab_size = vocab_size
        self.metrics = metrics
        self.chunks = {}
        self.changed = False
        self.version = None
        self.held = None
        self.refused_older = None
        self.policy = None

    def offer(self, chunk):
        if chunk["modelName"] != self.model_name:
            return
        self.chunks[chunk["chunkIndex"]] = chunk
        self.changed = True
        self.metrics.newest_version = max(self.metrics.newest_version, chunk["version"])

    def current(self):
        """(version, policy) to sample the next batch with, after switching to a newer complete version; None before the first.

        Versions are followed in published() order; one older than the version in use is refused."""
        first = self.chunks.get(0)
        if first is None or not self.changed:
            return None if self.policy is None else (self.version, self.policy)
        announced = published(first)
        if self.held is not None and announced < self.held:
            self.changed = False
            if announced == self.refused_older:  # reported once
                return None if self.policy is None else (self.version, self.policy)
            self.refused_older = announced
            self.metrics.versions_refused += 1
            LOG.error("policy '%s' v%d refused, keeping v%d: it is older than the version in use (publisher started %d ms"
                      " against %d ms): a weight record replayed or imported from the past, or a second learner?",
                      self.model_name, first["version"], self.version, announced[0], self.held[0])
        elif self.held is None or announced > self.held:
            self.changed = False
            try:
                payload = self.assemble(first)
                if payload is not None:
                    self.policy = vapo_model.load_policy(payload, self.vocab_size)
                    LOG.info("policy '%s' v%d loaded (%d bytes, sha256 %s), was %s", self.model_name, first["version"],
                             len(payload), first["sha256"], "none" if self.version is None else "v%d" % self.version)
                    self.version = first["version"]
                    self.held = announced
                    self.metrics.versions_loaded += 1
            except Exception as e:  # any failure refuses the version; the previous one stays in use
                self.metrics.versions_refused += 1
                LOG.error("policy '%s' v%d refused, keeping %s: %s", self.model_name, first["version"],
                          "no policy" if self.version is None else "v%d" % self.version, describe(e))
        return None if self.policy is None else (self.version, self.policy)

    def assemble(self, first):
        """The verified payload of chunk 0's version, None while some chunk of it is missing."""
        chunks = [self.chunks.get(i) for i in range(first["chunkCount"])]
        # another publication's chunk (an older version, or the same number from a restarted learner) is not this one's
        if any(c is None or published(c) != published(first) for c in chunks):
            return None
        if any(c["sha256"] != first["sha256"] for c in chunks):
            raise ValueError("chunks of v%d disagree on the SHA-256" % first["version"])
        if first["format"] != vapo_model.FORMAT:
            raise ValueError("payload format %r, this worker reads %s" % (first["format"], vapo_model.FORMAT))
        payload = b"".join(c["data"] for c in chunks)
        if len(payload) != first["totalBytes"]:
            raise ValueError("chunks hold %d of the announced %d bytes" % (len(payload), first["totalBytes"]))
        actual = vapo_model.sha256_hex(payload)
        if actual != first["sha256"]:
            raise ValueError("SHA-256 %s does not match the announced %s" % (actual, first["sha256"]))
        return payload


class WeightsFeed:
    """Reads the weights topic from its beginning, assign-all and read_committed; only <model>/ keys are decoded."""

    def __init__(self, args, serdes, versions):
        # confluent-kafka 1.7 refuses a consumer without group.id: a unique one, never committed.
        self.consumer = Consumer({
            **args.kafka, "bootstrap.servers": args.bootstrap,
            "group.id": "%s-weights-%s" % (args.worker_id, uuid.uuid4().hex[:8]),
            "client.id": args.worker_id + "-weights", "enable.auto.commit": False, "enable.auto.offset.store": False,
            "isolation.level": "read_committed", "auto.offset.reset": "earliest"})
        self.serdes = serdes
        self.versions = versions
        self.prefix = (args.model_name + "/").encode("utf-8")
        metadata = self.consumer.list_topics(args.weights_topic, timeout=30)
        topic = metadata.topics.get(args.weights_topic)
        if topic is None or topic.error is not None or not topic.partitions:
            raise RuntimeError("weights topic '%s' does not exist: %s" % (args.weights_topic, topic and topic.error))
        self.partitions = [TopicPartition(args.weights_topic, p, OFFSET_BEGINNING) for p in sorted(topic.partitions)]
        self.consumer.assign(self.partitions)

    def poll(self, timeout):
        for message in self.consumer.consume(num_messages=64, timeout=timeout):
            if message.error() is not None:
                LOG.warning("weights topic: %s", message.error())
            elif message.key() is not None and message.key().startswith(self.prefix) and message.value() is not None:
                try:
                    self.versions.offer(self.serdes.decode_chunk(message.value()))
                except Exception as e:  # not this worker's to dead-letter: every worker reads it
                    LOG.error("weight chunk %s at offset %d cannot be read, skipped: %s", message.key(), message.offset(),
                              describe(e))

    def catch_up(self, limit):
        """Reads everything published up to now, or for at most limit seconds.

        "Now" is the high watermark of the consumer's last fetch (cached=True): asking the broker instead
        queues behind the consumer's own long-polling fetch and costs up to fetch.wait.max.ms per batch."""
        deadline = time.monotonic() + limit
        while True:
            self.poll(0)
            positions = self.consumer.position(self.partitions)
            behind = [tp for tp in positions
                      if tp.offset < self.consumer.get_watermark_offsets(tp, cached=True)[1]]
            if not behind or time.monotonic() >= deadline:
                return
            self.poll(0.05)

    def close(self):
        self.consumer.close()


# --- one batch ---------------------------------------------------------------------------------------

class Metrics:
    def __init__(self):
        self.started = time.monotonic()
        self.groups = self.tokens = self.dead_letters = 0
        self.versions_loaded = self.versions_refused = 0
        self.newest_version = -1
        self.version = -1
        self.first_group_at = None

    def summary(self):
        elapsed = max(1e-9, time.monotonic() - (self.first_group_at or self.started))
        lag = 0 if self.version < 0 else self.newest_version - self.version
        return ("groups %d (%.2f/s), tokens %d (%.0f/s since the first group), dead letters %d, versions loaded %d, "
                "refused %d, policy v%d, newest v%d, lag %d" % (
                    self.groups, self.groups / elapsed, self.tokens, self.tokens / elapsed, self.dead_letters,
                    self.versions_loaded, self.versions_refused, self.version, self.newest_version, lag))


def prepare(messages, serdes, tokenizer, config, args, producer):
    """(message, prompt, tokens) for every usable prompt; the others are dead-lettered in the open transaction."""
    usable, dead = [], 0
    for message in messages:
        try:
            prompt = serdes.decode_prompt(message.value())
            try:
                tokens = tokenizer.encode_prompt(prompt["text"])
            except ValueError as e:
                raise ValueError("prompt %s cannot be tokenized: %s" % (prompt["id"], e)) from e
            problem = vapo_model.context_problem(config, len(tokens), args.max_new_tokens)
            if problem is not None:
                raise ValueError("prompt %s: %s" % (prompt["id"], problem))
            if group_size(prompt, args) < 1:
                raise ValueError("prompt %s asks for groups of %d responses (its run contract's group size); at least 1"
                                 " is needed" % (prompt["id"], group_size(prompt, args)))
            usable.append((message, prompt, tokens))
        except Exception as e:
            dead_letter(producer, message, e, args.stage)
            dead += 1
    return usable, dead


def sample_groups(policy, usable, args, seed):
    """One list of G responses per usable prompt, or the exception its sampling failed with.

    All prompts of the batch are sampled together (P x G rows, one policy version); if that fails, each
    prompt is retried alone so that one bad prompt fails only itself."""
    def run(items, s):
        sizes = [group_size(prompt, args) for _, prompt, _ in items]
        rows = [tokens for (_, _, tokens), g in zip(items, sizes) for _ in range(g)]
        responses = vapo_model.sample(policy, rows, args.max_new_tokens, args.temperature, args.top_p,
                                      torch.Generator().manual_seed(s))
        ends = [sum(sizes[:i + 1]) for i in range(len(sizes))]
        return [responses[end - g:end] for end, g in zip(ends, sizes)]

    try:
        return run(usable, seed)
    except Exception as batch_error:
        if len(usable) == 1:
            return [batch_error]
        LOG.warning("sampling a batch of %d prompts failed (%s); sampling them one by one", len(usable), batch_error)
        results = []
        for i, item in enumerate(usable):
            try:
                results.extend(run([item], seed + i + 1))
            except Exception as e:
                results.append(e)
        return results


def group_size(prompt, args):
    """G from the prompt's run contract (docs/protocol.md); --group-size for a prompt without one, or for every
    prompt with --override-run-contract."""
    run = prompt.get("run")
    return args.group_size if run is None or args.override_run_contract else run["groupSize"]


def response_group(prompt, tokens, responses, version, args, tokenizer):
    return {
        "promptId": prompt["id"], "promptText": prompt["text"], "answer": prompt["answer"], "promptTokens": tokens,
        "policyVersion": version, "modelName": args.model_name,
        "sampling": {"temperature": args.temperature, "topP": args.top_p, "maxNewTokens": args.max_new_tokens,
                     "seed": args.seed},
        "responses": [{"tokens": r.tokens, "text": tokenizer.decode(r.tokens), "behaviourLogProbs": r.log_probs,
                       "finishReason": r.finish_reason} for r in responses],
        "generatorId": args.worker_id, "admittedAtVersion": prompt.get("admittedAtVersion", -1),
        "createdAtMs": datetime.datetime.now(datetime.timezone.utc), "metadata": prompt.get("metadata") or {},
        "run": prompt.get("run"),
    }


def batch_seed(args, usable):
    """A fixed --seed gives the same samples for the same prompts; otherwise every batch draws a fresh seed."""
    if args.seed is None:
        return random.getrandbits(62)
    seed = args.seed
    for _, prompt, _ in usable:
        seed = (seed * 31 + zlib.crc32(prompt["id"].encode("utf-8"))) % (1 << 62)
    return seed


def process_batch(messages, current, ctx):
    """Samples one poll's prompts and commits groups, dead letters and offsets in one transaction (aborted and rewound on failure)."""
    args, producer, consumer, metrics = ctx["args"], ctx["producer"], ctx["consumer"], ctx["metrics"]
    version, policy = current
    producer.begin_transaction()
    try:
        usable, dead = prepare(messages, ctx["serdes"], ctx["tokenizer"], policy.config, args, producer)
        groups = tokens = 0
        if usable:
            results = sample_groups(policy, usable, args, batch_seed(args, usable))
            for (message, prompt, prompt_tokens), result in zip(usable, results):
                if isinstance(result, Exception):
                    dead_letter(producer, message, result, args.stage)
                    dead += 1
                    continue
                group = response_group(prompt, prompt_tokens, result, version, args, ctx["tokenizer"])
                try:
                    value = ctx["serdes"].encode_group(args.rollouts_topic, group)
                except Exception as e:  # output that cannot be serialized dead-letters its source
                    dead_letter(producer, message, e, args.stage)
                    dead += 1
                    continue
                producer.produce(args.rollouts_topic, key=prompt["id"].encode("utf-8"), value=value)
                groups += 1
                tokens += sum(len(r.tokens) for r in result)
        offsets = {}
        for m in messages:
            offsets[(m.topic(), m.partition())] = max(offsets.get((m.topic(), m.partition()), -1), m.offset() + 1)
        producer.send_offsets_to_transaction([TopicPartition(t, p, o) for (t, p), o in offsets.items()],
                                             consumer.consumer_group_metadata())
        commit(producer)
    except KafkaException as e:
        error = e.args[0]
        if not error.txn_requires_abort():
            raise  # fatal, or fenced by a newer worker with this transactional id: stop
        LOG.warning("transaction for %d prompts aborted, they will be sampled again: %s", len(messages), error)
        producer.abort_transaction()
        rewind(consumer, messages)
        return
    except BaseException:
        producer.abort_transaction()  # not a Kafka error (a bug, or interrupted): leave nothing open, then stop
        raise
    if metrics.first_group_at is None and groups:
        metrics.first_group_at = time.monotonic()
    metrics.groups += groups
    metrics.tokens += tokens
    metrics.dead_letters += dead
    metrics.version = version


def commit(producer, attempts=3):
    for attempt in range(attempts):
        try:
            producer.commit_transaction()
            return
        except KafkaException as e:
            if not e.args[0].retriable() or attempt + 1 == attempts:
                raise


def rewind(consumer, messages):
    """Seeks each still-assigned partition back to the batch's first offset so that the next poll returns it again."""
    first = {}
    for m in messages:
        key = (m.topic(), m.partition())
        first[key] = min(first.get(key, m.offset()), m.offset())
    assigned = {(tp.topic, tp.partition) for tp in consumer.assignment()}
    for (topic, partition), offset in first.items():
        if (topic, partition) in assigned:
            consumer.seek(TopicPartition(topic, partition, offset))


# --- the loop ----------------------------------------------------------------------------------------

def run(args):
    stop = {"requested": False}

    def request_stop(signum, _frame):
        LOG.info("signal %d: stopping after the batch in progress", signum)
        stop["requested"] = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    tokenizer = vapo_model.CharTokenizer(args.alphabet)
    metrics = Metrics()
    serdes = Serdes(args.registry, args.schemas_dir)
    versions = PolicyVersions(args.model_name, tokenizer.vocab_size, metrics)
    weights = WeightsFeed(args, serdes, versions)
    producer = Producer({
        **args.kafka, "bootstrap.servers": args.bootstrap, "client.id": args.worker_id + "-producer",
        "transactional.id": "vapo-generator-" + args.worker_id, "enable.idempotence": True, "acks": "all",
        "transaction.timeout.ms": args.transaction_timeout_ms})
    consumer = Consumer({
        **args.kafka, "bootstrap.servers": args.bootstrap, "client.id": args.worker_id + "-prompts", "group.id": args.group_id,
        "isolation.level": "read_committed", "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    ctx = {"args": args, "producer": producer, "consumer": consumer, "metrics": metrics, "serdes": serdes,
           "tokenizer": tokenizer}
    subscribed = False
    next_log = time.monotonic() + args.metrics_interval
    try:
        producer.init_transactions()
        LOG.info("worker %s waiting for policy '%s' (version 0 or later) on %s before consuming %s", args.worker_id,
                 args.model_name, args.weights_topic, args.prompts_topic)
        while not stop["requested"]:
            if subscribed:
                weights.catch_up(CATCH_UP_SECONDS)
            else:
                weights.poll(PROMPT_POLL_SECONDS)
            current = versions.current()  # between batches: the only place the version may change
            if current is None:
                continue
            if not subscribed:
                consumer.subscribe([args.prompts_topic])
                subscribed = True
                LOG.info("worker %s has policy '%s' v%d; consuming %s as group %s, %d prompts x %d samples per batch",
                         args.worker_id, args.model_name, current[0], args.prompts_topic, args.group_id,
                         args.max_groups_in_flight, args.group_size)
            messages = []
            for m in consumer.consume(num_messages=args.max_groups_in_flight, timeout=PROMPT_POLL_SECONDS):
                if m.error() is None:
                    messages.append(m)
                else:
                    LOG.warning("prompts consumer: %s", m.error())
            if messages:
                process_batch(messages, current, ctx)
            if time.monotonic() >= next_log:
                next_log = time.monotonic() + args.metrics_interval
                LOG.info("worker %s: %s", args.worker_id, metrics.summary())
        return 0
    except Exception as e:
        LOG.error("worker %s stopped on an error: %s", args.worker_id, describe(e))
        return 1
    finally:
        consumer.close()  # leaves the group: its partitions move to the other workers at once
        producer.flush(30)
        weights.close()
        LOG.info("worker %s stopped; %s", args.worker_id, metrics.summary())


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True, help="Kafka bootstrap servers")
    parser.add_argument("--registry", required=True, help="the registry's Confluent-compatible URL (.../apis/ccompat/v7)")
    parser.add_argument("--prompts-topic", default="vapo.prompts", help="its dead letters go to <this>.dlq")
    parser.add_argument("--rollouts-topic", default="vapo.rollouts")
    parser.add_argument("--weights-topic", default="vapo.weights")
    parser.add_argument("--group-id", default="vapo-generator", help="the workers' consumer group, shared with Java workers")
    parser.add_argument("--worker-id", default="python-" + uuid.uuid4().hex[:8],
                        help="set it to something stable: it names the transactional id vapo-generator-<worker-id>")
    parser.add_argument("--model-name", default="policy", help="the policy's model name on the weights topic")
    parser.add_argument("--group-size", type=int, default=16,
                        help="G, responses per prompt without a run contract (a prompt's contract names its own G)")
    parser.add_argument("--override-run-contract", action="store_true",
                        help="--group-size for every prompt, whatever its run contract says")
    parser.add_argument("--max-new-tokens", type=int, default=DEFAULT_MAX_NEW_TOKENS, help="length limit per response, EOS included")
    parser.add_argument("--temperature", type=float, default=1.0, help="keep 1 for RL")
    parser.add_argument("--top-p", type=float, default=1.0, help="keep 1 for RL")
    parser.add_argument("--seed", type=int, default=None, help="fixed seed: the same prompts give the same groups")
    parser.add_argument("--max-groups-in-flight", type=int, default=4, help="prompts per poll: one batch, one transaction")
    parser.add_argument("--alphabet", default=vapo_model.BUILT_IN_ALPHABET, help="the character tokenizer's alphabet")
    parser.add_argument("--threads", type=int, default=1, help="PyTorch (and OpenBLAS) threads")
    parser.add_argument("--transaction-timeout-ms", type=int, default=60000)
    parser.add_argument("--metrics-interval", type=float, default=30.0, help="seconds between metrics log lines")
    parser.add_argument("--stage", default="generator", help="the vapo.dlq.stage header of its dead letters")
    parser.add_argument("--kafka", action="append", default=[], metavar="KEY=VALUE",
                        help="a librdkafka setting for its clients, repeatable (e.g. session.timeout.ms=10000, TLS, SASL);"
                             " the settings the protocol depends on cannot be overridden")
    parser.add_argument("--schemas-dir", default=os.path.normpath(DEFAULT_SCHEMAS), help="the repository's .avsc files")
    args = parser.parse_args(argv)
    if args.group_size < 1 or args.max_new_tokens < 1 or args.max_groups_in_flight < 1:
        parser.error("--group-size, --max-new-tokens and --max-groups-in-flight must be at least 1")
    if any("=" not in kv for kv in args.kafka):
        parser.error("--kafka takes KEY=VALUE")
    args.kafka = dict(kv.split("=", 1) for kv in args.kafka)
    if not (args.temperature >= 0 and 0 < args.top_p <= 1):
        parser.error("--temperature must be >= 0 and --top-p in (0, 1]")
    return args


def main():
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sys.exit(run(parse_args(sys.argv[1:])))


if __name__ == "__main__":
    main()
