package dev.npufleet.gateway.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.gateway.api.ErrorMapping;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One page of {@code GET /v1/files}: the files of a purpose (or all), sorted by creation time
 * ({@code order}: {@code desc}, the default, or {@code asc}), starting after the file {@code after}
 * names, at most {@code limit} (1 to 10,000, default 10,000, as OpenAI's API). Immutable; any thread.
 */
public record FileListing(String purpose, int limit, boolean ascending, String after) {
    public static final int MAX_LIMIT = 10_000;

    public FileListing {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT + ", was " + limit);
        }
    }

    /**
     * Reads the query's fields (each may be null).
     *
     * @throws dev.npufleet.gateway.api.ApiException (400) naming the field at fault
     */
    public static FileListing of(String purpose, String limit, String order, String after) {
        boolean ascending = false;
        if (order != null && !order.isBlank()) {
            String o = order.strip().toLowerCase(Locale.ROOT);
            if (!o.equals("asc") && !o.equals("desc")) {
                throw ErrorMapping.invalidField("order", "'order' must be 'asc' or 'desc', was '" + order + "'.")
                        .toException();
            }
            ascending = o.equals("asc");
        }
        return new FileListing(blankToNull(purpose), limit(limit), ascending, blankToNull(after));
    }

    /** @throws dev.npufleet.gateway.api.ApiException (400) when {@code after} names no listed file */
    public ObjectNode page(List<FileInfo> files) {
        Comparator<FileInfo> byTime = Comparator.comparingLong(FileInfo::createdAt).thenComparing(FileInfo::id);
        List<FileInfo> sorted = files.stream().filter(f -> purpose == null || purpose.equals(f.purpose()))
                .sorted(ascending ? byTime : byTime.reversed()).toList();
        int from = 0;
        if (after != null) {
            from = indexOf(sorted, after) + 1;
            if (from == 0) {
                throw ErrorMapping.invalidField("after", "No file with id '" + after + "'"
                        + (purpose == null ? "" : " and purpose '" + purpose + "'") + ".").toException();
            }
        }
        List<FileInfo> page = sorted.subList(from, Math.min(sorted.size(), from + limit));
        return BatchJson.list(page.stream().map(f -> BatchJson.file(f.id(), f.bytes(), f.createdAt(), f.filename(),
                f.purpose())).toList(), from + limit < sorted.size());
    }

    private static int indexOf(List<FileInfo> files, String id) {
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    private static int limit(String value) {
        if (value == null || value.isBlank()) {
            return MAX_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value.strip());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw ErrorMapping.invalidField("limit", "'limit' must be 1-" + MAX_LIMIT + ", was '" + value + "'.")
                .toException();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
