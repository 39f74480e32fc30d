package dev.npufleet.gateway.http;

import dev.npufleet.protocol.CacheBuild;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.ErrorInfo;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Usage;

/** Events as a worker on board "board-1" would publish them. */
final class Events {
    static final String BOARD = "board-1";

    private Events() {
    }

    static Event started(String jobId) {
        return Event.started(jobId, BOARD, 1, null);
    }

    static Event chunk(String jobId, long seq, String text) {
        return Event.chunk(jobId, BOARD, 1, seq, text);
    }

    static Event finish(String jobId, long length, Usage usage) {
        return Event.finish(jobId, BOARD, 1, length, "stop", usage, null, null);
    }

    static Event cacheBuilt(String jobId, CacheBuild build) {
        return Event.finish(jobId, BOARD, 1, 0, "stop", null, null, build);
    }

    static Event error(String jobId, ErrorCode code, String message) {
        return Event.error(jobId, BOARD, 1, ErrorInfo.of(code, message));
    }
}
