package dev.npufleet.protocol;

import java.util.Objects;

/**
 * Why a job failed.
 *
 * @param code a stable machine-readable code (see {@link ErrorCode})
 * @param message for people
 */
public record ErrorInfo(String code, String message) {
    public ErrorInfo {
        Objects.requireNonNull(code, "code");
        message = message == null ? code : message;
    }

    public static ErrorInfo of(ErrorCode code, String message) {
        return new ErrorInfo(code.wire(), message);
    }
}
