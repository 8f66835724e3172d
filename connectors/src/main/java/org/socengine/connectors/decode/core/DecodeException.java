package org.socengine.connectors.decode.core;

/** A record could not be decoded; the reason is a short stable code for metrics and the DLQ. */
public class DecodeException extends Exception {

    /** Stable reason codes, used as metric tags. */
    public enum Reason {
        EMPTY,
        TOO_LARGE,
        NOT_UTF8,
        TRUNCATED,
        MALFORMED,
        WRONG_FORMAT,
        BAD_TIMESTAMP,
        UNSUPPORTED,
        INTERNAL_ERROR,
        /** The header or key names another department than the topic or the device address. */
        DEPARTMENT_MISMATCH,
        /** No department could be trusted and the topic dead-letters such records. */
        DEPARTMENT_UNKNOWN
    }

    private final Reason reason;

    public DecodeException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DecodeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public String reasonCode() {
        return reason.name().toLowerCase(java.util.Locale.ROOT);
    }
}
