package dev.npufleet.gateway.tracing;

import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Ends a request's trace when its response completes (the last byte written), then completes the response.
 * Whichever thread completes the response.
 */
final class TracedCallback implements Callback {
    private final Callback delegate;
    private final RequestTrace trace;
    private final Response response;

    TracedCallback(Callback delegate, RequestTrace trace, Response response) {
        this.delegate = delegate;
        this.trace = trace;
        this.response = response;
    }

    @Override
    public void succeeded() {
        trace.end(response.getStatus(), null);
        delegate.succeeded();
    }

    @Override
    public void failed(Throwable x) {
        trace.end(response.getStatus(), x);
        delegate.failed(x);
    }

    @Override
    public InvocationType getInvocationType() {
        return delegate.getInvocationType();
    }
}
