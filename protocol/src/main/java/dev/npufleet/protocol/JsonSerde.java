package dev.npufleet.protocol;

import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer and deserializer for one protocol record type, through {@link JsonCodec}.
 * A consumer that must survive malformed records (the worker) reads bytes and decodes itself
 * instead, so a bad record is data, not a poll exception.
 */
public final class JsonSerde<T> implements Serializer<T>, Deserializer<T> {
    private final Class<T> type;

    public JsonSerde(Class<T> type) {
        this.type = type;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : JsonCodec.encode(data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : JsonCodec.decode(data, type);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the type is given at construction
    }

    @Override
    public void close() {
        // nothing to release
    }
}
