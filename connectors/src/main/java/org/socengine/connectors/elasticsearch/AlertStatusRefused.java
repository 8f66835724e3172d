package org.socengine.connectors.elasticsearch;

/**
 * A status change that cannot be applied as it stands: an unknown alert, a transition the lifecycle
 * forbids (a closed alert is final), a close without a disposition. Retrying does not help; the
 * message says why, for the analyst.
 */
public class AlertStatusRefused extends Exception {

    public AlertStatusRefused(String message) {
        super(message);
    }
}
