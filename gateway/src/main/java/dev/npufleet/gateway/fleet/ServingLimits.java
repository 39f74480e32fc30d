package dev.npufleet.gateway.fleet;

import dev.npufleet.protocol.WorkerStatus;
import java.util.List;
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
        List<WorkerStatus> live = fleet.live(model, nowMillis);
        if (live.isEmpty() || live.stream().anyMatch(s -> s.serving() == null)) {
            return UNKNOWN;
        }
        List<WorkerStatus.Serving> s = live.stream().map(WorkerStatus::serving).toList();
        boolean bytesKnown = s.stream().allMatch(x -> x.maxBytesPerToken() > 0);
        return new ServingLimits(
                positive(s.stream().mapToInt(WorkerStatus.Serving::maxContext).min().orElse(0)),
                positive(s.stream().mapToInt(WorkerStatus.Serving::maxNewTokens).min().orElse(0)),
                bytesKnown ? s.stream().mapToInt(WorkerStatus.Serving::maxBytesPerToken).max() : OptionalInt.empty());
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
