package org.socengine.connectors.notify;

/**
 * The result of {@link Notifier#send}: delivered or not, after how many attempts, the status code
 * of the last attempt (HTTP status or SMTP reply code, 0 when nothing answered) and the last error
 * (null when delivered; never holds a secret).
 */
public record DeliveryResult(boolean ok, int attempts, int statusCode, String error) {

    public static DeliveryResult delivered(int attempts, int statusCode) {
        return new DeliveryResult(true, attempts, statusCode, null);
    }

    public static DeliveryResult failed(int attempts, int statusCode, String error) {
        return new DeliveryResult(false, attempts, statusCode, error);
    }
}
