package dev.npufleet.protocol.tracing;

import io.opentelemetry.api.common.AttributeKey;

/** The span attributes gateways and workers both set (README, "Tracing"), named once. Constants only. */
public final class TraceAttributes {

    public static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("npufleet.job.id");
    public static final AttributeKey<String> MODEL = AttributeKey.stringKey("npufleet.model");
    public static final AttributeKey<String> WORKER = AttributeKey.stringKey("npufleet.worker");

    private TraceAttributes() {
    }
}
