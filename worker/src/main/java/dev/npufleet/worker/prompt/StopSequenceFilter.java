package dev.npufleet.worker.prompt;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts generated text at the first stop string. Text that could be the start of a stop string is
 * held back until the next text shows whether it is one, so a client never sees part of a stop
 * string. One per job; called from the token thread only.
 */
public final class StopSequenceFilter {

    private final String[] stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    public StopSequenceFilter(List<String> stopStrings) {
        List<String> useful = new ArrayList<>();
        for (String s : stopStrings) {
            if (s != null && !s.isEmpty()) {
                useful.add(s);
            }
        }
        this.stops = useful.toArray(String[]::new);
    }

    /** True once a stop string was seen: the answer is complete. */
    public boolean stopped() {
        return stopped;
    }

    /**
     * Takes the next generated text and returns what can be released now (maybe empty). After a
     * stop string, returns the text before it and then nothing more.
     */
    public String accept(String text) {
        if (stopped || text.isEmpty()) {
            return "";
        }
        if (stops.length == 0) {
            return text;
        }
        held.append(text);
        int match = firstMatch();
        if (match >= 0) {
            stopped = true;
            String out = held.substring(0, match);
            held.setLength(0);
            return out;
        }
        int keep = longestPartialMatchAtEnd();
        int release = held.length() - keep;
        if (release == 0) {
            return "";
        }
        String out = held.substring(0, release);
        held.delete(0, release);
        return out;
    }

    /** At the end of generation: held text turned out not to be a stop string, so release it. */
    public String flush() {
        if (stopped) {
            return "";
        }
        String out = held.toString();
        held.setLength(0);
        return out;
    }

    private int firstMatch() {
        int best = -1;
        for (String stop : stops) {
            int at = held.indexOf(stop);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }

    /** Length of the longest end of the held text that is a proper beginning of a stop string. */
    private int longestPartialMatchAtEnd() {
        int best = 0;
        int n = held.length();
        for (String stop : stops) {
            for (int len = Math.min(stop.length() - 1, n); len > best; len--) {
                if (endsWithPrefix(n, stop, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }

    private boolean endsWithPrefix(int n, String stop, int len) {
        for (int i = 0; i < len; i++) {
            if (held.charAt(n - len + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
