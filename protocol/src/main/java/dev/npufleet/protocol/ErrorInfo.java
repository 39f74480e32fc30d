package dev.npufleet.protocol;

import java.util.Objects;

/**
 * Why a job failed.
 *
 * @param code a stable machine-readable code (see {@link ErrorCode})
 * @param message for people
 * @param param the request field at fault, or null (an {@code invalid_request} about one parameter)
 * @param detail OpenAI's finer code for an {@code invalid_request} ({@code context_length_exceeded},
 *     {@code unsupported_value}, {@code invalid_value}), or null; readers that do not know it keep {@code code}
 */
public record ErrorInfo(String code, String message, String param, String detail) {
    public ErrorInfo {
        Objects.requireNonNull(code, "code");
        message = message == null ? code : message;
    }

    public ErrorInfo(String code, String message) {
        this(code, message, null, null);
    }

    public static ErrorInfo of(ErrorCode code, String message) {
        return new ErrorInfo(code.wire(), message);
    }
}
