package dev.npufleet.worker.engine;

import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.ErrorInfo;
import java.util.Objects;

/**
 * A job that cannot be done, with the code its ERROR event carries. Never fatal for the worker:
 * a failed job is an event, not a crash.
 */
public class InferenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String param;
    private final String detail;

    public InferenceException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public InferenceException(ErrorCode code, String message, Throwable cause) {
        this(code, message, cause, null, null);
    }

    private InferenceException(ErrorCode code, String message, Throwable cause, String param, String detail) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.param = param;
        this.detail = detail;
    }

    /**
     * An {@code invalid_request} about one request field.
     *
     * @param detail OpenAI's code for it ({@code unsupported_value}, {@code invalid_value},
     *     {@code context_length_exceeded})
     */
    public static InferenceException invalid(String param, String detail, String message, Throwable cause) {
        return new InferenceException(ErrorCode.INVALID_REQUEST, message, cause, param, detail);
    }

    public ErrorCode code() {
        return code;
    }

    /** What the job's ERROR event carries. */
    public ErrorInfo toErrorInfo() {
        return new ErrorInfo(code.wire(), getMessage(), param, detail);
    }
}
