package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.AnswerShape;
import dev.npufleet.gateway.api.AnswerSplitter;
import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.HopReport;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.ToolCall;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A streamed completion: relays the job's text in its API's framing (OpenAI's SSE chunks, Ollama's NDJSON lines). The response is committed
 * at the first text (or the finish), not before, so that a job failing before its first token
 * still gets a real HTTP status; after that, a failure is an error event then {@code [DONE]}.
 *
 * <p>A stream silent for {@code keepAlive} gets an SSE comment, committing it if it had not started:
 * a client that went away is only noticed by a failing write (Jetty does not watch an idle
 * connection), and its queued job should be cancelled, not run for nobody. It also keeps proxies
 * from closing a long wait.
 *
 * <p>Threads as in {@link JobExchange}, plus the timer thread for keep-alives; {@code opened} and
 * the queueing of frames are guarded by this object's monitor, the writes happen outside it.
 */
final class StreamingExchange extends JobExchange {
    private final AnswerFraming framing;
    private final AnswerShape shape;
    private AnswerSplitter splitter; // events-consumer thread only
    private int calls; // events-consumer thread only
    private boolean textQueued; // events-consumer thread only: text queued since the last flush
    private final SseWriter writer;
    private volatile boolean opened; // written under this
    private long lastWriteNanos = System.nanoTime(); // guarded by this
    private volatile ScheduledFuture<?> keepAlive;
    private final AtomicBoolean counted = new AtomicBoolean();

    StreamingExchange(ExchangeServices services, String jobId, String model, Request request, Response response,
            Callback callback, AnswerFraming framing, AnswerShape shape) {
        super(services, jobId, model, request, response, callback);
        this.framing = framing;
        this.shape = shape;
        this.writer = new SseWriter(response, callback, this::clientGone, this::closed);
    }

    @Override
    protected void text(String fresh, long offset) {
        List<ByteBuffer> frames = split(fresh, offset, false);
        synchronized (this) {
            if (isEnded()) {
                return;
            }
            boolean first = openLocked();
            frames.forEach(writer::enqueue);
            lastWriteNanos = System.nanoTime();
            if (first) {
                services.metrics().ttft(model, System.nanoTime() - startNanos);
            }
        }
        services.metrics().chunkRelayed();
        textQueued |= !frames.isEmpty();
    }

    @Override
    public void flush() {
        writer.iterate();
        if (textQueued) {
            textQueued = false;
            textWritten();
            answerStarted();
        }
    }

    /** The frames {@code fresh} makes: as it is, or split into reasoning, text and tool calls. */
    private List<ByteBuffer> split(String fresh, long offset, boolean end) {
        if (!shape.split()) {
            return fresh.isEmpty() ? List.of() : List.of(framing.content(fresh, offset));
        }
        if (splitter == null) {
            splitter = shape.splitter(thinkingOpen(), jobId);
        }
        List<ByteBuffer> out = new ArrayList<>(2);
        AnswerSplitter.Sink sink = new AnswerSplitter.Sink() {
            @Override
            public void reasoning(String text) {
                out.add(framing.reasoning(text, offset));
            }

            @Override
            public void content(String text) {
                out.add(framing.content(text, offset));
            }

            @Override
            public void toolCall(int index, ToolCall call) {
                calls++;
                out.add(framing.toolCall(index, call, offset));
            }
        };
        if (end) {
            splitter.finish(sink);
        } else {
            splitter.accept(fresh, sink);
        }
        return out;
    }

    @Override
    protected void finished(Event finish) {
        List<ByteBuffer> frames = new ArrayList<>(split("", delivered(), true));
        ApiError missing = shape.missingCall(calls);
        if (missing != null) {
            failed(missing);
            return;
        }
        frames.addAll(List.of(framing.finish(finish, shape.finishReason(finish.finishReason(), calls), delivered(),
                System.nanoTime() - startNanos)));
        HopReport timing = timingAsked();
        ByteBuffer timingFrame = timing == null ? null : framing.timing(timing, delivered());
        if (timingFrame != null) {
            frames.add(frames.size() - 1, timingFrame); // the last chunk before the stream's end ([DONE])
        }
        synchronized (this) {
            openLocked();
            writer.enqueueLast(frames.toArray(ByteBuffer[]::new));
        }
        if (finish.usage() != null) {
            services.metrics().tokensRelayed(model, finish.usage().completionTokens());
        }
        writer.iterate();
    }

    @Override
    protected void failed(ApiError error) {
        boolean streaming;
        synchronized (this) {
            streaming = opened;
            if (streaming) {
                writer.enqueueLast(framing.error(error));
            }
        }
        if (streaming) {
            writer.iterate();
        } else {
            HttpResponses.error(response, callback, error);
        }
    }

    @Override
    protected void abandoned(Throwable cause) {
        writer.abort(cause);
    }

    @Override
    protected void opened() {
        long period = services.keepAlive().toNanos();
        keepAlive = services.timers().scheduleWithFixedDelay(this::keepAlive, period, period, TimeUnit.NANOSECONDS);
    }

    @Override
    protected void ending() {
        ScheduledFuture<?> task = keepAlive;
        if (task != null) {
            task.cancel(false);
        }
    }

    private void keepAlive() {
        synchronized (this) {
            long now = System.nanoTime();
            if (isEnded() || now - lastWriteNanos < services.keepAlive().toNanos()) {
                return;
            }
            openLocked();
            writer.enqueue(framing.keepAlive());
            lastWriteNanos = now;
        }
        writer.iterate();
    }

    /** Commits the stream's headers and opening frames once. @return true the first time */
    private boolean openLocked() {
        if (opened) {
            return false;
        }
        opened = true;
        HttpResponses.startStream(response, framing.streamContentType());
        if (worker() != null) {
            response.getHeaders().put(InferenceEndpoint.WORKER_HEADER, worker());
        }
        services.metrics().streamOpened();
        writer.enqueue(framing.opening());
        return true;
    }

    private void closed() {
        if (opened && counted.compareAndSet(false, true)) {
            services.metrics().streamClosed();
        }
    }
}
