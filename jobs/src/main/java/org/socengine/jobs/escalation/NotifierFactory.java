package org.socengine.jobs.escalation;

import java.io.Serializable;
import org.socengine.connectors.notify.ChannelSpec;
import org.socengine.connectors.notify.Notifier;
import org.socengine.connectors.notify.Notifiers;
import org.socengine.connectors.notify.SecretResolver;

/**
 * How the dispatcher builds a channel where it runs; {@link Notifiers#create(ChannelSpec,
 * SecretResolver)} unless a test replaces the waits between retries.
 */
@FunctionalInterface
public interface NotifierFactory extends Serializable {

    Notifier create(ChannelSpec spec, SecretResolver secrets);

    static NotifierFactory standard() {
        return Notifiers::create;
    }
}
