package dev.npufleet.gateway.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * One job's hops as a client that asked for them ({@code X-Npufleet-Timing: 1}) gets them: named durations in
 * milliseconds, in path order, each measured on one host's clock (README, "Per-hop timing", names them). Written as
 * a {@code Server-Timing} header value on a unary answer, or as the {@code npufleet_timing} object of a stream's
 * last chunk before {@code [DONE]}; read back from either by the overhead benchmark. Immutable; any thread.
 */
public record HopReport(List<Hop> hops) {
    /** The request header that asks for the report. */
    public static final String REQUEST_HEADER = "X-Npufleet-Timing";
    /** The stream chunk's field that carries the report. */
    public static final String FIELD = "npufleet_timing";

    private static final JsonFactory FACTORY = JsonCodec.mapper().getFactory();
    private static final Pattern ENTRY = Pattern.compile("\\s*([a-z_]+)\\s*(?:;\\s*dur=([0-9.]+))?.*");
    private static final Pattern NAME = Pattern.compile("[a-z_]+");

    public HopReport {
        hops = List.copyOf(hops);
    }

    /** One hop: its name (a token: lower case and {@code _}) and its milliseconds (0 or more). */
    public record Hop(String name, double ms) {
        public Hop {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("a hop's name is a token of a-z and _, not " + name);
            }
            if (!(ms >= 0) || Double.isInfinite(ms)) {
                throw new IllegalArgumentException("hop " + name + " must last 0 ms or more, not " + ms);
            }
        }
    }

    /** The hop's milliseconds, if the report has it. */
    public OptionalDouble get(String name) {
        return hops.stream().filter(h -> h.name().equals(name)).mapToDouble(Hop::ms).findFirst();
    }

    /** {@code accept;dur=0.412, kafka;dur=1.905, ...} (RFC: W3C Server Timing), milliseconds to the microsecond. */
    public String serverTiming() {
        StringBuilder out = new StringBuilder(hops.size() * 24);
        for (Hop hop : hops) {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(hop.name()).append(";dur=").append(format(hop.ms()));
        }
        return out.toString();
    }

    /** Reads a {@code Server-Timing} value back (entries without {@code dur} or with another name form are skipped). */
    public static HopReport parseServerTiming(String header) {
        List<Hop> out = new ArrayList<>();
        if (header != null) {
            for (String entry : header.split(",")) {
                var m = ENTRY.matcher(entry);
                if (m.matches() && m.group(2) != null) {
                    out.add(new Hop(m.group(1), Double.parseDouble(m.group(2))));
                }
            }
        }
        return new HopReport(out);
    }

    /** A stream's timing chunk: OpenAI's chunk shape with no choices (as the usage chunk) and the report's field. */
    public byte[] openAiChunk(CompletionFormat format) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(256); JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", format.id());
            g.writeStringField("object", format.kind() == JobKind.CHAT ? "chat.completion.chunk" : "text_completion");
            g.writeNumberField("created", format.created());
            g.writeStringField("model", format.model());
            g.writeArrayFieldStart("choices");
            g.writeEndArray();
            writeField(g);
            g.writeEndObject();
            g.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
    }

    /** Writes {@code "npufleet_timing":{"accept":0.412,...}} into the object {@code g} is in. */
    public void writeField(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart(FIELD);
        for (Hop hop : hops) {
            g.writeFieldName(hop.name());
            g.writeNumber(format(hop.ms()));
        }
        g.writeEndObject();
    }

    /**
     * {@code ms} to three decimals, as {@code String.format("%.3f")} writes it. Hops are whole microseconds, and
     * those are written digit by digit: the formatter cost more per stream than relaying a chunk (12 hops a stream).
     */
    static String format(double ms) {
        long micros = Math.round(ms * 1000);
        boolean exact = micros < 1_000_000_000_000L && micros / 1000.0 == ms
                && (micros > 0 || Double.doubleToRawLongBits(ms) == 0L); // not -0.0, which prints as "-0.000"
        if (!exact) {
            return String.format(Locale.ROOT, "%.3f", ms);
        }
        long fraction = micros % 1000;
        StringBuilder out = new StringBuilder(16).append(micros / 1000).append('.');
        if (fraction < 100) {
            out.append(fraction < 10 ? "00" : "0");
        }
        return out.append(fraction).toString();
    }
}
