package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.AnswerParts;
import dev.npufleet.gateway.api.AnswerShape;
import dev.npufleet.gateway.api.AnswerSplitter;
import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.ApiException;
import dev.npufleet.gateway.api.HopReport;
import dev.npufleet.protocol.Event;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A completion that is not streamed: gathers the job's text and answers once, with the whole object of its API's
 * framing ({@code chat.completion}, {@code text_completion}, Ollama's final object, an embeddings list). While it waits, a {@link HangupWatch}
 * notices a client that goes away (its job is then cancelled, as for a stream). Threads as in
 * {@link JobExchange}; the text is only touched by the events-consumer thread.
 */
final class UnaryExchange extends JobExchange {
    static final String SERVER_TIMING = "Server-Timing";
    private final AnswerFraming framing;
    private final AnswerShape shape;
    private final Request request;
    private final AnswerParts parts = new AnswerParts();
    private AnswerSplitter splitter;
    private volatile HangupWatch hangups;

    UnaryExchange(ExchangeServices services, String jobId, String model, Request request, Response response,
            Callback callback, AnswerFraming framing, AnswerShape shape) {
        super(services, jobId, model, request, response, callback);
        this.framing = framing;
        this.shape = shape;
        this.request = request;
    }

    @Override
    protected void opened() {
        HangupWatch watch = HangupWatch.start(request, this::clientGone);
        hangups = watch;
        if (watch != null && isEnded()) {
            watch.stop(); // ended meanwhile: Jetty's own read interest comes next
        }
    }

    @Override
    protected void ending() {
        HangupWatch watch = hangups;
        if (watch != null) {
            watch.stopBefore(response);
        }
    }

    @Override
    protected void text(String fresh, long offset) {
        answerStarted(); // the first chunk arrived: nothing is written to a unary client before the end
        if (!shape.split()) {
            parts.content(fresh);
            return;
        }
        if (splitter == null) {
            splitter = shape.splitter(thinkingOpen(), jobId);
        }
        splitter.accept(fresh, parts);
    }

    @Override
    protected void finished(Event finish) {
        if (worker() != null) {
            response.getHeaders().put(InferenceEndpoint.WORKER_HEADER, worker());
        }
        if (finish.usage() != null) {
            services.metrics().tokensRelayed(model, finish.usage().completionTokens());
        }
        if (splitter != null) {
            splitter.finish(parts);
        }
        ApiError missing = shape.missingCall(parts.toolCalls());
        if (missing != null) {
            HttpResponses.error(response, callback, missing);
            return;
        }
        byte[] body;
        try {
            body = framing.whole(parts.answer(), shape.finishReason(finish.finishReason(), parts.toolCalls()), finish,
                    System.nanoTime() - startNanos);
        } catch (ApiException e) { // a FINISH the framing cannot answer (an embedding job's without vectors)
            HttpResponses.error(response, callback, e.error());
            return;
        }
        HopReport timing = timingAsked();
        if (timing != null) {
            response.getHeaders().put(SERVER_TIMING, timing.serverTiming());
        }
        HttpResponses.json(response, callback, 200, body);
    }

    @Override
    protected void failed(ApiError error) {
        HttpResponses.error(response, callback, error);
    }

    @Override
    protected void abandoned(Throwable cause) {
        callback.failed(cause);
    }
}
