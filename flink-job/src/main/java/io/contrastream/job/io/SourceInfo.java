package io.contrastream.job.io;

import java.io.Serializable;

/**
 * Where the job's pair events come from, for dead letters: {@code kafka} and a topic, or {@code
 * file} and a path.
 *
 * @param kind "kafka" or "file"
 * @param name the topic or the file path
 */
public record SourceInfo(String kind, String name) implements Serializable {

    /** A Kafka topic. */
    public static SourceInfo kafka(String topic) {
        return new SourceInfo("kafka", topic);
    }

    /** A file. */
    public static SourceInfo file(String path) {
        return new SourceInfo("file", path);
    }

    /** True for a Kafka source. */
    public boolean isKafka() {
        return kind.equals("kafka");
    }
}
