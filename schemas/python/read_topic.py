#!/usr/bin/python3
"""Reads one vapo topic from the beginning to its end with Confluent's Python client and prints
every value, decoded, as one JSON line.

It uses only what an outside client has: Debian's python3-confluent-kafka (1.7) and its legacy
Avro API (MessageSerializer over the registry's Confluent-compatible URL), which cannot follow
schema references. It reads what the stages committed (isolation.level read_committed).

    /usr/bin/python3 schemas/python/read_topic.py --bootstrap 127.0.0.1:9092 \
        --registry http://127.0.0.1:8081/apis/ccompat/v7 --topic vapo.advantages

Output, one line per record: {"partition", "offset", "key", "schemaId", "value"}; bytes fields
appear as {"bytes": length}, timestamp-millis fields as epoch milliseconds. Exit status 0 when every record decoded; 2, with one
{"partition", "offset", "error"} line per record that did not, otherwise.
"""
import argparse
import datetime
import json
import struct
import sys
import uuid

from confluent_kafka import Consumer, KafkaError, TopicPartition
from confluent_kafka.avro.cached_schema_registry_client import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer


def json_safe(value):
    if isinstance(value, datetime.datetime):  # timestamp-millis: back to the long on the wire
        return round(value.timestamp() * 1000)
    if isinstance(value, (bytes, bytearray)):
        return {"bytes": len(value)}
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


def partitions_of(consumer, topic, timeout):
    metadata = consumer.list_topics(topic, timeout=timeout)
    found = metadata.topics.get(topic)
    if found is None or found.error is not None:
        raise SystemExit("topic %s: %s" % (topic, found.error if found else "not found"))
    return sorted(found.partitions)


def read(args):
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": "read-topic-" + uuid.uuid4().hex[:8],
        "enable.auto.commit": False,
        "isolation.level": "read_committed",
        "enable.partition.eof": True,
    })
    decoder = MessageSerializer(CachedSchemaRegistryClient({"url": args.registry}))
    partitions = partitions_of(consumer, args.topic, args.timeout)
    consumer.assign([TopicPartition(args.topic, p, 0) for p in partitions])
    at_end, failed = set(), 0
    while len(at_end) < len(partitions):
        message = consumer.poll(args.timeout)
        if message is None:
            raise SystemExit("topic %s: no record and no end of partition within %s s" % (args.topic, args.timeout))
        if message.error() is not None:
            if message.error().code() == KafkaError._PARTITION_EOF:
                at_end.add(message.partition())
                continue
            raise SystemExit("topic %s: %s" % (args.topic, message.error()))
        at_end.discard(message.partition())
        failed += print_record(message, decoder)
    consumer.close()
    return 2 if failed else 0


def print_record(message, decoder):
    raw = message.value()
    key = message.key().decode("utf-8") if message.key() is not None else None
    try:
        value = decoder.decode_message(raw)
        schema_id = struct.unpack(">I", raw[1:5])[0]
        line = {"partition": message.partition(), "offset": message.offset(), "key": key,
                "schemaId": schema_id, "value": json_safe(value)}
        failed = 0
    except Exception as e:  # any undecodable record is reported, not fatal: the caller counts them
        line = {"partition": message.partition(), "offset": message.offset(), "error": "%s: %s" % (type(e).__name__, e)}
        failed = 1
    print(json.dumps(line, allow_nan=True))
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True, help="Kafka bootstrap servers")
    parser.add_argument("--registry", required=True, help="the registry's Confluent-compatible URL (.../apis/ccompat/v7)")
    parser.add_argument("--topic", required=True)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the next record")
    sys.exit(read(parser.parse_args()))


if __name__ == "__main__":
    main()
