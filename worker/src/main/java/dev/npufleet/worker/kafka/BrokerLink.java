package dev.npufleet.worker.kafka;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the worker's records reach the broker, judged from the producer's acknowledgements: a send
 * that fails with a retriable error (the delivery timeout ran out, the network is gone) starts an outage,
 * the next acknowledged send ends it. Logs one line when an outage starts and one when it ends, never one
 * per failed send (the status heartbeat alone fails every second while the broker is away). A record the
 * broker refuses for what it is (too large, an invalid topic) says nothing about the link.
 *
 * <p>Thread-safe: called from the producer's I/O thread, read from any thread.
 */
public final class BrokerLink {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerLink.class);

    private final String workerId;
    private final AtomicLong downSince = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>();

    public BrokerLink(String workerId) {
        this.workerId = workerId;
    }

    /** A record was acknowledged. */
    public void delivered() {
        long since = downSince.getAndSet(0);
        if (since != 0) {
            LOG.atInfo().addKeyValue("board", workerId).log("Broker reachable again after {} s; jobs resume",
                    (System.currentTimeMillis() - since) / 1000);
        }
    }

    /** A record could not be delivered. */
    public void failed(Throwable error) {
        if (!(error instanceof RetriableException)) {
            return;
        }
        lastError.set(error.toString());
        if (downSince.compareAndSet(0, System.currentTimeMillis())) {
            LOG.atWarn().addKeyValue("board", workerId)
                    .log("Broker unreachable ({}); the running job stops and runs again once the broker is back "
                            + "(logged once per outage)", error.toString());
        }
    }

    public boolean isUp() {
        return downSince.get() == 0;
    }

    /** When the current outage started (epoch ms), or 0 while the broker is reachable. */
    public long downSince() {
        return downSince.get();
    }

    /** The error that started the latest outage, or null. */
    public String lastError() {
        return lastError.get();
    }
}
