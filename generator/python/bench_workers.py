#!/usr/bin/python3
"""Generated tokens/s of a rollout worker through Kafka: the Python worker (worker.py) beside the Java
one (`vapo generator`), same model, same prompts, same settings, alternated runs, medians.

Each run gets fresh topics on a running cluster (infra/bin/local-cluster start), publishes one policy
file as version 0 on its weights topic and --prompts prompts from a JSONL file ({id, prompt, answer})
on its prompts topic, starts one worker as a child process, reads its groups back (read_committed) until
every prompt is answered, and stops it with SIGTERM. Throughput counts the response tokens (EOS
included, as the workers' tokens-total) of the groups created after the first batch, over the time from
the first batch's groups to the last group (createdAtMs), so start-up and the policy load are excluded.

    ./mvnw -B -q install -DskipTests                          # the Java worker, on the cli's classpath
    infra/bin/local-cluster start
    /usr/bin/python3 generator/python/bench_workers.py --policy runs/base/blind-spots/policy.weights \
        --prompts-file data/blind-spots/heldout.jsonl --prompts 128 --runs 3
"""
import argparse
import datetime
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid

sys.dont_write_bytecode = True

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition  # noqa: E402
from confluent_kafka.admin import AdminClient, NewTopic  # noqa: E402
from confluent_kafka.avro.cached_schema_registry_client import CachedSchemaRegistryClient  # noqa: E402
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer  # noqa: E402

import worker  # noqa: E402  (the schemas, inlined as the worker does)

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CHUNK_BYTES = 512 * 1024


def create_topics(args, names):
    admin = AdminClient({"bootstrap.servers": args.bootstrap})
    topics = [NewTopic(names["prompts"], 4, 1), NewTopic(names["prompts"] + ".dlq", 1, 1),
              NewTopic(names["rollouts"], 4, 1),
              NewTopic(names["weights"], 1, 1, config={"cleanup.policy": "compact", "max.message.bytes": str(2 * CHUNK_BYTES)})]
    for future in admin.create_topics(topics).values():
        future.result()


def publish(args, names, serializer, definitions):
    """The policy file as v0 (chunked like the learner does) and the first --prompts prompts of the file."""
    producer = Producer({"bootstrap.servers": args.bootstrap, "acks": "all", "message.max.bytes": 2 * CHUNK_BYTES})
    payload = open(args.policy, "rb").read()
    chunk_schema = worker.self_contained("dev.vapostream.schemas.avro.WeightChunk", definitions)
    prompt_schema = worker.self_contained("dev.vapostream.schemas.avro.Prompt", definitions)
    now = datetime.datetime.now(datetime.timezone.utc)
    pieces = [payload[i:i + CHUNK_BYTES] for i in range(0, len(payload), CHUNK_BYTES)] or [b""]
    for i, piece in enumerate(pieces):
        chunk = {"modelName": "policy", "role": "POLICY", "version": 0, "chunkIndex": i, "chunkCount": len(pieces),
                 "totalBytes": len(payload), "sha256": worker.vapo_model.sha256_hex(payload), "format": "VAPOWTS2",
                 "architecture": {}, "data": piece, "publishedAtMs": now}
        producer.produce(names["weights"], key=("policy/%d" % i).encode(),
                         value=serializer.encode_record_with_schema(names["weights"], chunk_schema, chunk))
    with open(args.prompts_file, encoding="utf-8") as f:
        examples = [json.loads(line) for line, _ in zip(f, range(args.prompts))]
    for e in examples:
        prompt = {"id": e["id"], "text": e["prompt"], "answer": e["answer"], "dataset": "bench", "admittedAtMs": now,
                  "admittedAtVersion": 0, "metadata": {}}
        producer.produce(names["prompts"], key=e["id"].encode(),
                         value=serializer.encode_record_with_schema(names["prompts"], prompt_schema, prompt))
    producer.flush(30)
    return len(examples)


def worker_command(kind, args, names):
    settings = {"group-size": args.group_size, "max-new-tokens": args.max_new_tokens, "seed": args.seed,
                "max-groups-in-flight": args.groups_in_flight}
    if kind == "python":
        command = [sys.executable, os.path.join(REPO, "generator", "python", "worker.py"), "--bootstrap", args.bootstrap,
                   "--registry", args.registry.rstrip("/") + "/apis/ccompat/v7", "--worker-id", "bench-py",
                   "--group-id", "bench-" + names["id"], "--prompts-topic", names["prompts"],
                   "--rollouts-topic", names["rollouts"], "--weights-topic", names["weights"], "--metrics-interval", "600"]
        return command + [x for k, v in settings.items() for x in ("--" + k, str(v))]
    # The Java worker is `vapo generator`, run from the cli module's class path as the vapo launcher does.
    target = os.path.join(REPO, "cli", "target")
    with open(os.path.join(target, "runtime-classpath.txt"), encoding="utf-8") as f:
        classpath = os.path.join(target, "classes") + os.pathsep + f.read().strip()
    command = ["java", "-Xmx1g", "-Dai.djl.offline=true", "-DDJL_CACHE_DIR=" + os.path.join(REPO, "target", "djl-cache"),
               "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1", "-cp", classpath,
               "dev.vapostream.cli.Vapo", "generator", "--bootstrap-servers", args.bootstrap,
               "--registry-url", args.registry, "--worker-id", "bench-java", "--group-id", "bench-" + names["id"],
               "--prompts-topic", names["prompts"], "--rollouts-topic", names["rollouts"],
               "--weights-topic", names["weights"], "--topics-create", "false", "--metrics-log-interval-ms", "600000"]
    return command + [x for k, v in settings.items() for x in ("--" + k, str(v))]


def collect(args, names, expected, child, deserializer):
    """(createdAtMs, tokens) of every committed group, once all expected prompts are answered."""
    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": "bench-reader-" + names["id"],
                         "isolation.level": "read_committed", "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.assign([TopicPartition(names["rollouts"], p, 0) for p in range(4)])
    groups = {}
    deadline = time.monotonic() + args.timeout
    while len(groups) < expected:
        if time.monotonic() > deadline or child.poll() is not None:
            raise SystemExit("run %s: %d of %d groups (worker exit %s)" % (names["id"], len(groups), expected, child.poll()))
        for m in consumer.consume(num_messages=100, timeout=0.5):
            if m.error() is None:
                group = deserializer.decode_message(m.value())
                created = group["createdAtMs"]
                created = created.timestamp() * 1000 if isinstance(created, datetime.datetime) else created
                groups[group["promptId"]] = (created, sum(len(r["tokens"]) for r in group["responses"]))
            elif m.error().code() != KafkaError._PARTITION_EOF:
                raise SystemExit(str(m.error()))
    consumer.close()
    return sorted(groups.values())


def one_run(kind, args, serializer, definitions):
    names = {"id": uuid.uuid4().hex[:8]}
    names.update({t: "bench.%s-%s" % (t, names["id"]) for t in ("prompts", "rollouts", "weights")})
    create_topics(args, names)
    expected = publish(args, names, serializer, definitions)
    log = open(os.path.join(args.log_dir, "%s-%s.log" % (kind, names["id"])), "w")
    child = subprocess.Popen(worker_command(kind, args, names), stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    try:
        groups = collect(args, names, expected, child, serializer)
    finally:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(60)
        except subprocess.TimeoutExpired:
            child.kill()
        log.close()
    first = args.groups_in_flight - 1  # the end of the first batch
    seconds = (groups[-1][0] - groups[first][0]) / 1000
    tokens = sum(t for _, t in groups[first + 1:])
    rate = tokens / seconds
    print("%-6s run %s: %d groups, %d tokens (mean response %.1f), %.1f s after the first batch: %.0f tokens/s"
          % (kind, names["id"], len(groups), sum(t for _, t in groups),
             sum(t for _, t in groups) / len(groups) / args.group_size, seconds, rate), flush=True)
    return rate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", default="127.0.0.1:19092")
    parser.add_argument("--registry", default="http://127.0.0.1:18080", help="the registry's base URL")
    parser.add_argument("--policy", required=True, help="a VAPOWTS2 policy file, e.g. a base from vapo pretrain")
    parser.add_argument("--prompts-file", default=os.path.join(REPO, "data", "blind-spots", "heldout.jsonl"))
    parser.add_argument("--prompts", type=int, default=128)
    parser.add_argument("--group-size", type=int, default=16)
    parser.add_argument("--max-new-tokens", type=int, default=93)
    parser.add_argument("--groups-in-flight", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="runs per worker, alternated")
    parser.add_argument("--workers", default="python,java")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--log-dir", default="/tmp")
    args = parser.parse_args()
    definitions = worker.load_definitions(os.path.normpath(worker.DEFAULT_SCHEMAS))
    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": args.registry.rstrip("/") + "/apis/ccompat/v7"}))
    kinds = args.workers.split(",")
    rates = {k: [] for k in kinds}
    for _ in range(args.runs):
        for kind in kinds:
            rates[kind].append(one_run(kind, args, serializer, definitions))
    for kind in kinds:
        print("%-6s median %.0f tokens/s over %d runs: %s" % (kind, statistics.median(rates[kind]), len(rates[kind]),
                                                              ", ".join("%.0f" % r for r in rates[kind])))


if __name__ == "__main__":
    main()
