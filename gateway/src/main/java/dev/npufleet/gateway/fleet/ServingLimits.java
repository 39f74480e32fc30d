package dev.npufleet.gateway.fleet;

import dev.npufleet.protocol.WorkerStatus;
import java.util.OptionalInt;

/**
 * The limits every live board of a model reports ({@link WorkerStatus.Serving}): the smallest of each,
 * and only when every live board reports it, so that a request refused here could have run on no board.
 * Where the fleet cannot tell (no live board, an older worker), the board decides. Immutable.
 *
 * @param maxContext the smallest context length, or empty
 * @param maxNewTokens the smallest answer limit, or empty
 * @param maxBytesPerToken the largest bytes-per-token bound, or empty when some board does not know it
 */
public record ServingLimits(OptionalInt maxContext, OptionalInt maxNewTokens, OptionalInt maxBytesPerToken) {

    public static final ServingLimits UNKNOWN = new ServingLimits(OptionalInt.empty(), OptionalInt.empty(),
            OptionalInt.empty());

    /** The limits of {@code model}'s live boards. */
    public static ServingLimits of(FleetView fleet, String model, long nowMillis) {
        // a loop, not streams: this runs on every request's path
        int context = Integer.MAX_VALUE;
        int newTokens = Integer.MAX_VALUE;
        int bytesPerToken = 0;
        boolean bytesKnown = true;
        boolean any = false;
        for (WorkerStatus status : fleet.of(model)) {
            if (!fleet.isLive(status, nowMillis)) {
                continue;
            }
            WorkerStatus.Serving s = status.serving();
            if (s == null) {
                return UNKNOWN;
            }
            any = true;
            context = Math.min(context, s.maxContext());
            newTokens = Math.min(newTokens, s.maxNewTokens());
            bytesKnown &= s.maxBytesPerToken() > 0;
            bytesPerToken = Math.max(bytesPerToken, s.maxBytesPerToken());
        }
        if (!any) {
            return UNKNOWN;
        }
        return new ServingLimits(positive(context), positive(newTokens),
                bytesKnown ? OptionalInt.of(bytesPerToken) : OptionalInt.empty());
    }

    /** The fewest tokens {@code utf8Bytes} of prompt text can be, or empty when the tokenizer's bound is unknown. */
    public OptionalInt leastTokens(long utf8Bytes) {
        if (maxBytesPerToken.isEmpty()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) Math.min(Integer.MAX_VALUE, utf8Bytes / maxBytesPerToken.getAsInt()));
    }

    private static OptionalInt positive(int value) {
        return value > 0 ? OptionalInt.of(value) : OptionalInt.empty();
    }
}
