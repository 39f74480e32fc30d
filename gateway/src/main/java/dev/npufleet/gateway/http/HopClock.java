package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.HopReport;
import dev.npufleet.gateway.metrics.GatewayMetrics;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Hops;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Request;

/**
 * One request's marks on the gateway's monotonic clock (received, job sent, job acknowledged, first chunk received,
 * first byte written), each kept at its first value and recorded in the gateway's hop histograms as it comes; at
 * the job's end, joined with the worker's {@link Hops} from the {@code FINISH} into a {@link HopReport}. Kafka's
 * share is a difference of two durations, each measured on one host: (job sent → first chunk received, here) minus
 * (polled → first chunk sent, on the worker), so no two hosts' clocks are ever compared. It starts at the send, not
 * at the acknowledgement: the acknowledgement's callback runs on the producer's I/O thread, which on a loaded
 * machine ran after the worker had already polled the job (5 of 200 requests of a benchmark at load 23–38 on 2
 * cores), while no worker can poll a job before it was sent. The acknowledgement is reported beside the path.
 *
 * <p>Threads: the send mark on the request thread, the acknowledgement mark on the producer's I/O thread, the
 * others and {@link #finish} on the events-consumer thread; marks are volatile.
 */
final class HopClock {
    private final long received;
    private final boolean asked;
    private final GatewayMetrics metrics;
    private final String model;
    private volatile long sent;
    private volatile long acked;
    private volatile long firstChunk;
    private volatile int chunkAttempt;
    private volatile long firstWrite;

    /**
     * @param receivedNanos when the request's headers arrived
     * @param asked whether the client asked for the report
     */
    HopClock(long receivedNanos, boolean asked, GatewayMetrics metrics, String model) {
        this.received = receivedNanos;
        this.asked = asked;
        this.metrics = metrics;
        this.model = model;
    }

    /** Whether the request asks for the hops ({@code X-Npufleet-Timing: 1} or {@code true}). */
    static boolean asked(Request request) {
        String value = request.getHeaders().get(HopReport.REQUEST_HEADER);
        return value != null && (value.trim().equals("1") || value.trim().equalsIgnoreCase("true"));
    }

    boolean asked() {
        return asked;
    }

    /** The job is about to be handed to the producer (request thread). */
    void jobSent() {
        jobSent(System.nanoTime());
    }

    void jobSent(long now) {
        if (sent == 0) {
            sent = now;
            metrics.hop(model, "publish", now - received);
        }
    }

    void jobAcked() {
        if (acked == 0) {
            jobAcked(System.nanoTime());
        }
    }

    void jobAcked(long now) {
        if (acked == 0) {
            acked = now;
            metrics.hop(model, "accept", now - received);
        }
    }

    void chunkReceived(int attempt) {
        if (firstChunk == 0) {
            chunkReceived(attempt, System.nanoTime());
        }
    }

    void chunkReceived(int attempt, long now) {
        if (firstChunk == 0) {
            chunkAttempt = attempt;
            firstChunk = now;
            metrics.hop(model, "first_chunk", now - received);
        }
    }

    /** Text was handed to the connection (only the first counts; called per chunk, so the clock is read once). */
    void firstWrite() {
        if (firstWrite == 0) {
            firstWrite(System.nanoTime());
        }
    }

    void firstWrite(long now) {
        if (firstWrite == 0 && firstChunk != 0) {
            firstWrite = now;
            metrics.hop(model, "relay", now - firstChunk);
        }
    }

    /**
     * The report at the job's end ({@code now}: its FINISH arrived), recording Kafka's share in the histograms. A hop
     * whose marks are missing is left out: an old worker's FINISH has no hops, a job with no text has no first chunk,
     * and Kafka's share needs the worker's hops of the very attempt whose first chunk came here first.
     */
    HopReport finish(Event finish, long now) {
        Hops worker = finish.timings() == null ? null : finish.timings().hops();
        List<HopReport.Hop> out = new ArrayList<>(12);
        add(out, "publish", ms(received, sent));
        Double kafka = kafka(worker, finish.attempt());
        if (kafka != null) {
            metrics.hop(model, "kafka", Math.round(kafka * 1e6));
        }
        add(out, "kafka", kafka);
        if (worker != null) {
            add(out, "wait", worker.waitMs());
            add(out, "first_token", worker.firstTokenMs());
            add(out, "chunk", worker.chunkMs());
        }
        add(out, "first_chunk", ms(received, firstChunk));
        add(out, "relay", ms(firstChunk, firstWrite));
        add(out, "ttfb", ms(received, firstWrite));
        add(out, "total", ms(received, now));
        // beside the path: the acknowledgements of the job and of its first chunk
        add(out, "accept", ms(received, acked));
        add(out, "chunk_ack", worker == null ? null : worker.chunkAckMs());
        return new HopReport(out);
    }

    /** (job sent → first chunk received) − (worker polled → first chunk sent); null when unknown or negative. */
    private Double kafka(Hops worker, int finishAttempt) {
        Double fleet = ms(sent, firstChunk);
        Double onWorker = worker == null ? null : worker.toFirstChunkMs();
        if (fleet == null || onWorker == null || chunkAttempt != finishAttempt) {
            return null;
        }
        double kafka = Hops.micros(fleet - onWorker);
        return kafka >= 0 ? kafka : null; // only two clocks running at different rates could do it: not trusted
    }

    private static Double ms(long from, long to) {
        return from == 0 || to == 0 || to < from ? null : Hops.micros((to - from) / 1e6);
    }

    private static void add(List<HopReport.Hop> out, String name, Double ms) {
        if (ms != null) {
            out.add(new HopReport.Hop(name, ms));
        }
    }
}
