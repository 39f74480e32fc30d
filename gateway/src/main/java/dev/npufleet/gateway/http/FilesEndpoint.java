package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ApiException;
import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.batch.BatchIds;
import dev.npufleet.gateway.batch.BatchJson;
import dev.npufleet.gateway.batch.FileListing;
import dev.npufleet.gateway.batch.StoredFile;
import dev.npufleet.gateway.tenancy.Caller;
import dev.npufleet.gateway.tenancy.UploadBudget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenAI's files API for batch input: {@code POST /v1/files} (multipart/form-data: {@code purpose=batch}
 * and {@code file}), {@code GET /v1/files} (a listing), {@code GET /v1/files/{id}}, {@code GET /v1/files/{id}/content},
 * {@code DELETE /v1/files/{id}}. Uploads are stored in the files topic; a finished batch's output and
 * error files ({@code file-batch_...-output}, {@code -errors}) are computed from its jobs' events.
 * Request threads only start work; answers are written from the stores' callbacks. Uploads in progress hold at
 * most {@code NPUFLEET_MAX_UPLOAD_MEMORY_BYTES} together ({@link UploadBudget}); past it, 429 with
 * {@code Retry-After}.
 */
final class FilesEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(FilesEndpoint.class);
    static final String JSONL = "application/jsonl";
    /** Room for the multipart framing and the small fields around the file. */
    private static final int FRAMING_BYTES = 64 * 1024;

    private final GatewayServices services;
    private final BatchViews batches;
    private final UploadBudget uploads;

    FilesEndpoint(GatewayServices services, BatchViews batches) {
        this.services = services;
        this.batches = batches;
        this.uploads = new UploadBudget(services.tenancy().maxUploadMemoryBytes());
    }

    void upload(HttpCall call) {
        String contentType = call.request().getHeaders().get(HttpHeader.CONTENT_TYPE);
        String boundary = contentType == null
                || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")
                ? null : MultiPart.extractBoundary(contentType);
        if (boundary == null) {
            throw ErrorMapping.invalidField("file",
                    "Upload the file as multipart/form-data with fields 'purpose' and 'file'.").toException();
        }
        int max = services.requests().maxFileBytes();
        if (call.request().getLength() > (long) max + FRAMING_BYTES) {
            throw ErrorMapping.fileTooLarge(max).toException();
        }
        long reserve = call.request().getLength() >= 0 ? call.request().getLength() : (long) max + FRAMING_BYTES;
        if (!uploads.tryReserve(reserve)) {
            call.response().getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            throw ErrorMapping.tooManyUploads().toException();
        }
        parse(new HttpCall(call.request(), call.response(), Callback.from(call.callback(), () -> uploads.release(reserve)),
                call.params()), boundary, max);
    }

    private void parse(HttpCall call, String boundary, int max) {
        MultiPartFormData.Parser parser = new MultiPartFormData.Parser(boundary);
        parser.setMaxFileSize(max);
        parser.setMaxMemoryFileSize(max);
        parser.setMaxLength((long) max + FRAMING_BYTES);
        parser.setMaxParts(8);
        parser.parse(call.request()).whenComplete((parts, failure) -> {
            if (failure != null) {
                call.error(tooLarge(failure) ? ErrorMapping.fileTooLarge(max)
                        : ErrorMapping.invalidField("file", "The multipart body cannot be read: " + failure.getMessage()));
                return;
            }
            try (parts) {
                store(call, file(parts, max, AccessGuard.caller(call).owner()));
            } catch (ApiException e) {
                call.error(e.error());
            } catch (IOException | RuntimeException e) {
                LOG.error("reading an upload failed", e);
                call.error(ErrorMapping.internal("The gateway failed reading the upload: " + e.getClass().getSimpleName()));
            }
        });
    }

    private static boolean tooLarge(Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains("exceeded");
    }

    private static StoredFile file(MultiPartFormData.Parts parts, int max, String owner) throws IOException {
        MultiPart.Part purposePart = parts.getFirst("purpose");
        if (purposePart == null) {
            throw ErrorMapping.missingField("purpose").toException();
        }
        String purpose = purposePart.getContentAsString(StandardCharsets.UTF_8).strip();
        if (!purpose.equals("batch")) {
            throw ErrorMapping.invalidField("purpose", "'purpose' must be 'batch', was '" + purpose + "'.").toException();
        }
        MultiPart.Part filePart = parts.getFirst("file");
        if (filePart == null) {
            throw ErrorMapping.missingField("file").toException();
        }
        ByteBuffer buffer = Content.Source.asByteBuffer(filePart.createContentSource());
        byte[] content = new byte[buffer.remaining()];
        buffer.get(content);
        if (content.length > max) {
            throw ErrorMapping.fileTooLarge(max).toException();
        }
        String name = filePart.getFileName() == null || filePart.getFileName().isBlank() ? "upload.jsonl"
                : filePart.getFileName();
        return new StoredFile(BatchIds.newFileId(), name, purpose, System.currentTimeMillis(), content, owner);
    }

    private void store(HttpCall call, StoredFile file) {
        services.files().put(file).whenComplete((ok, failure) -> {
            if (failure != null) {
                call.error(ErrorMapping.fromFailure(failure));
                return;
            }
            LOG.atInfo().log("file {} stored: {} bytes, {}", file.id(), file.content().length, file.filename());
            HttpResponses.json(call.response(), call.callback(), 200, BatchJson.file(file.id(), file.content().length,
                    file.createdAt(), file.filename(), file.purpose()));
        });
    }

    /**
     * Uploaded files the caller may read (with keys on: its own; an admin key: all), newest first unless
     * {@code order=asc}; {@code purpose}, {@code limit}, {@code after} as OpenAI's API. A batch's output and error files are not listed: its batch object names them.
     */
    void list(HttpCall call) {
        Fields query = Request.extractQueryParameters(call.request());
        FileListing listing = FileListing.of(query.getValue("purpose"), query.getValue("limit"),
                query.getValue("order"), query.getValue("after"));
        Caller caller = AccessGuard.caller(call);
        answer(call, services.files().list().thenApply(all -> listing.page(all.stream()
                .filter(f -> caller.mayRead(f.owner())).toList()))); // another key's files are not listed
    }

    void get(HttpCall call) {
        String id = call.param(0);
        answer(call, content(id, AccessGuard.caller(call)).thenApply(found -> BatchJson.file(id, found.bytes().length, found.createdAt(),
                found.filename(), found.purpose())));
    }

    void content(HttpCall call) {
        content(call.param(0), AccessGuard.caller(call)).whenComplete((found, failure) -> {
            if (failure != null) {
                call.error(ErrorMapping.fromFailure(failure));
            } else {
                HttpResponses.bytes(call.response(), call.callback(), 200, JSONL, found.bytes());
            }
        });
    }

    void delete(HttpCall call) {
        String id = call.param(0);
        if (BatchIds.virtual(id).isPresent()) {
            throw ErrorMapping.unsupported(null, "A batch's output and error files go away with the batch's jobs' "
                    + "events; they cannot be deleted.").toException();
        }
        answer(call, stored(id, AccessGuard.caller(call)).thenCompose(file -> services.files().delete(id))
                .thenApply(ok -> BatchJson.fileDeleted(id)));
    }

    private void answer(HttpCall call, CompletableFuture<? extends com.fasterxml.jackson.databind.JsonNode> body) {
        body.whenComplete((json, failure) -> {
            if (failure != null) {
                call.error(ErrorMapping.fromFailure(failure));
            } else {
                HttpResponses.json(call.response(), call.callback(), 200, json);
            }
        });
    }

    /** A file's bytes and description, stored or computed. */
    private record Found(byte[] bytes, long createdAt, String filename, String purpose) {
    }

    private CompletableFuture<Found> content(String id, Caller caller) {
        Optional<BatchIds.Virtual> virtual = BatchIds.virtual(id);
        if (virtual.isPresent()) {
            return batchFile(id, virtual.get(), caller);
        }
        return stored(id, caller).thenApply(f -> new Found(f.content(), f.createdAt(), f.filename(), f.purpose()));
    }

    /** The stored file, or a 404 when there is none {@code caller} may see (another key's is answered alike). */
    private CompletableFuture<StoredFile> stored(String id, Caller caller) {
        if (!BatchIds.isFileId(id)) {
            return CompletableFuture.failedFuture(ErrorMapping.notFound("file", id).toException());
        }
        return services.files().get(id)
                .thenApply(found -> found.filter(f -> caller.mayRead(f.owner()))
                        .orElseThrow(() -> ErrorMapping.notFound("file", id).toException()));
    }

    /** A finished batch's output or error file; 404 before the batch ended, or when it has no such lines. */
    private CompletableFuture<Found> batchFile(String id, BatchIds.Virtual virtual, Caller caller) {
        return batches.view(virtual.batchId(), caller).thenApply(view -> {
            boolean has = virtual.kind() == BatchIds.Kind.OUTPUT ? view.state().completed() > 0 : view.state().failed() > 0;
            if (!view.state().status().isTerminal() || !has) {
                throw ErrorMapping.notFound("file", id).toException();
            }
            byte[] lines = BatchJson.lines(view.batch(), view.jobs(), view.state(), virtual.kind());
            String name = view.batch().id() + (virtual.kind() == BatchIds.Kind.OUTPUT ? "_output" : "_errors") + ".jsonl";
            return new Found(lines, view.state().endedAt(), name, "batch_output");
        });
    }
}
