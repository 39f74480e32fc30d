package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ApiException;
import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.metrics.GatewayMetrics;
import dev.npufleet.gateway.tenancy.KeyRing;
import dev.npufleet.gateway.tenancy.RateLimiter;
import dev.npufleet.gateway.tenancy.TenancySettings;
import dev.npufleet.gateway.tracing.GatewayTracing;
import dev.npufleet.protocol.JobKind;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's only Jetty handler (core API, no servlets): admits each request ({@link AccessGuard}: API keys),
 * routes it, answers 404/405
 * for paths it does not serve, maps exceptions to OpenAI-shaped errors, counts every answer by
 * endpoint and status. Runs on Jetty's threads; every endpoint is asynchronous, so no thread waits
 * on a job.
 */
public final class GatewayHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayHandler.class);

    private final Routes routes;
    private final GatewayMetrics metrics;
    private final AccessGuard access;
    private final GatewayTracing tracing;

    public GatewayHandler(GatewayServices services) {
        this(services, GatewayTracing.off());
    }

    public GatewayHandler(GatewayServices services, GatewayTracing tracing) {
        this.tracing = tracing;
        this.metrics = services.exchanges().metrics();
        TenancySettings tenancy = services.tenancy();
        this.access = new AccessGuard(KeyRing.of(tenancy, System::currentTimeMillis),
                new RateLimiter(tenancy.rateRpm(), tenancy.rateTpm(), tenancy.rateGateways(), System::nanoTime));
        InferenceEndpoint chat = new InferenceEndpoint(services, JobKind.CHAT);
        InferenceEndpoint completions = new InferenceEndpoint(services, JobKind.COMPLETION);
        CacheEndpoint caches = new CacheEndpoint(services);
        InfoEndpoints info = new InfoEndpoints(services);
        AsyncJobEndpoint jobs = new AsyncJobEndpoint(services);
        BatchViews batchViews = new BatchViews(services);
        FilesEndpoint files = new FilesEndpoint(services, batchViews);
        BatchEndpoint batches = new BatchEndpoint(services, batchViews);
        OllamaEndpoints ollama = new OllamaEndpoints(services, chat);
        UiEndpoint ui = new UiEndpoint();
        EmbeddingsEndpoint embeddings = new EmbeddingsEndpoint(services, chat);
        this.routes = new Routes()
                .add("POST", "/v1/chat/completions", "chat_completions", chat::handle)
                .add("POST", "/v1/completions", "completions", completions::handle)
                .add("POST", "/v1/embeddings", "embeddings", embeddings::openAi)
                .add("GET", "/v1/models", "models", info::models)
                .add("GET", "/v1/models/{id}", "model_get", info::model)
                .add("GET", "/v1/fleet", "fleet", info::fleet)
                .add("POST", "/v1/cache/{model}", "cache_create", caches::create)
                .add("GET", "/v1/cache/{model}", "cache_list", caches::list)
                .add("GET", "/v1/cache/{model}/{name}", "cache_get", caches::get)
                .add("DELETE", "/v1/cache/{model}/{name}", "cache_delete", caches::delete)
                .add("POST", "/v1/jobs", "job_create", jobs::create)
                .add("GET", "/v1/jobs/{id}", "job_get", jobs::get)
                .add("GET", "/v1/jobs/{id}/events", "job_events", call -> JobEventStream.open(services, call))
                .add("POST", "/v1/jobs/{id}/cancel", "job_cancel", jobs::cancel)
                .add("POST", "/v1/files", "file_upload", files::upload)
                .add("GET", "/v1/files", "file_list", files::list)
                .add("GET", "/v1/files/{id}", "file_get", files::get)
                .add("GET", "/v1/files/{id}/content", "file_content", files::content)
                .add("DELETE", "/v1/files/{id}", "file_delete", files::delete)
                .add("POST", "/v1/batches", "batch_create", batches::create)
                .add("GET", "/v1/batches", "batch_list", batches::list)
                .add("GET", "/v1/batches/{id}", "batch_get", batches::get)
                .add("POST", "/v1/batches/{id}/cancel", "batch_cancel", batches::cancel)
                .add("POST", "/api/chat", "ollama_chat", ollama::chat)
                .add("POST", "/api/generate", "ollama_generate", ollama::generate)
                .add("POST", "/api/embed", "ollama_embed", embeddings::ollamaEmbed)
                .add("POST", "/api/embeddings", "ollama_embeddings", embeddings::ollamaEmbeddings)
                .add("GET", "/api/tags", "ollama_tags", ollama::tags)
                .add("POST", "/api/show", "ollama_show", ollama::show)
                .add("GET", "/api/ps", "ollama_ps", ollama::ps)
                .add("GET", "/api/version", "ollama_version", ollama::version)
                .add("POST", "/api/pull", "ollama_managed", ollama::managed)
                .add("POST", "/api/push", "ollama_managed", ollama::managed)
                .add("POST", "/api/create", "ollama_managed", ollama::managed)
                .add("POST", "/api/copy", "ollama_managed", ollama::managed)
                .add("DELETE", "/api/delete", "ollama_managed", ollama::managed)
                .add("GET", "/", "ui", ui::page)
                .add("GET", "/ui", "ui", ui::page)
                .add("GET", "/ui/", "ui", ui::page)
                .add("GET", "/ui/{file}", "ui", ui::asset)
                .add("GET", "/health", "health", info::health)
                .add("GET", "/ready", "ready", info::ready)
                .add("GET", "/metrics", "metrics", info::metrics);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        Routes.Match match = routes.match(method, path);
        String name = match.found() ? match.route().name() : "unknown";
        Callback traced = tracing.begin(request, response, match.found() ? match.route().path() : null, name, callback);
        HttpCall call = new HttpCall(request, response, new Metered(traced, response, metrics, name), match.params());
        try {
            access.admit(request, response, path, match.found() ? match.route().name() : null);
            QueryParams.check(request);
            if (match.found()) {
                match.route().endpoint().accept(call);
            } else if (!match.allowed().isEmpty()) {
                response.getHeaders().put(HttpHeader.ALLOW, String.join(", ", match.allowed()));
                call.error(ErrorMapping.methodNotAllowed(method, path));
            } else {
                call.error(ErrorMapping.pathNotFound(method, path));
            }
        } catch (ApiException e) {
            call.error(e.error());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", method, path, e);
            call.error(ErrorMapping.internal("The gateway failed: " + e.getClass().getSimpleName()));
        }
        return true;
    }

    /**
     * Counts the answer when the response completes; a failed one (client gone) as status 499. Counts
     * once, though a request may be failed both by us and by Jetty.
     */
    private static final class Metered implements Callback {
        private final Callback delegate;
        private final Response response;
        private final GatewayMetrics metrics;
        private final String endpoint;
        private final AtomicBoolean counted = new AtomicBoolean();

        Metered(Callback delegate, Response response, GatewayMetrics metrics, String endpoint) {
            this.delegate = delegate;
            this.response = response;
            this.metrics = metrics;
            this.endpoint = endpoint;
        }

        @Override
        public void succeeded() {
            if (counted.compareAndSet(false, true)) {
                metrics.request(endpoint, response.getStatus());
            }
            delegate.succeeded();
        }

        @Override
        public void failed(Throwable x) {
            if (counted.compareAndSet(false, true)) {
                metrics.request(endpoint, 499);
            }
            delegate.failed(x);
        }

        @Override
        public InvocationType getInvocationType() {
            return delegate.getInvocationType();
        }
    }
}
