package dev.npufleet.protocol;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The fleet's topic names, all under one configurable prefix (so several fleets can share a
 * cluster). Immutable; any thread.
 *
 * @param prefix prepended to every name, e.g. {@code "staging."}; empty for none
 */
public record Topics(String prefix) {

    private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]*");
    private static final Pattern ILLEGAL_CHAR = Pattern.compile("[^A-Za-z0-9._-]");

    public Topics {
        Objects.requireNonNull(prefix, "prefix");
        if (!LEGAL.matcher(prefix).matches()) {
            throw new IllegalArgumentException("topic prefix may hold only letters, digits, '.', '_' and '-': " + prefix);
        }
    }

    public static Topics defaults() {
        return new Topics("");
    }

    /**
     * Jobs for one model. Characters a topic name cannot hold (a model id such as
     * {@code qwen3:0.6b}) become {@code _}.
     */
    public String jobs(String model) {
        return prefix + "npu.jobs." + ILLEGAL_CHAR.matcher(model).replaceAll("_");
    }

    /**
     * The background lane of one model's jobs: asynchronous jobs and batch lines. Workers run a record of
     * {@link #jobs(String)} (the interactive lane) first between jobs and give this lane a bounded share, so a big
     * batch does not hold up a conversation. Same partition count as the interactive topic.
     */
    public String background(String model) {
        return jobs(model) + ".bg";
    }

    /** Chunks, finishes and errors of every job (key = job id); what gateways consume. */
    public String events() {
        return prefix + "npu.events";
    }

    /** Compacted: named cache definitions (key = {@code model/name}). */
    public String caches() {
        return prefix + "npu.caches";
    }

    /** Compacted: each worker's latest status (key = worker id; tombstone when it leaves). */
    public String workers() {
        return prefix + "npu.workers";
    }

    /** Cancellations (key = job id). */
    public String control() {
        return prefix + "npu.control";
    }

    /** Dead letters: records no worker could process, with the reason. */
    public String dlq() {
        return prefix + "npu.dlq";
    }

    /**
     * Compacted: files uploaded for batches (key = file id; value = the file's raw bytes, its name,
     * purpose and creation time in headers; tombstone = deleted).
     */
    public String files() {
        return prefix + "npu.files";
    }

    /** Compacted: batches (key = batch id; value = its {@link BatchRecord}, the latest one wins). */
    public String batches() {
        return prefix + "npu.batches";
    }
}
