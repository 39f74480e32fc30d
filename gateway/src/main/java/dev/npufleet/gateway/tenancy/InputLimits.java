package dev.npufleet.gateway.tenancy;

import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.api.InferenceRequest;
import dev.npufleet.protocol.ChatMessage;
import java.util.List;

/**
 * Bounds a request's input before it is published, so no board meets a job the gateway could have refused: the
 * number of chat messages, the total characters of text, and the chat template's control tokens in chat text.
 *
 * <p>Control tokens are refused, not neutralised: {@code <|im_start|>} (or another family's turn marker) in a
 * message's content would let a client
 * forge a turn (a system message of its own) once the worker renders the template, and any rewrite of the text
 * would change what the model sees without the client knowing. A raw {@code /v1/completions} prompt is the
 * client's whole input, with no turn of anyone else's to forge: it may hold them. Stateless; any thread.
 */
public final class InputLimits {
    /**
     * The turn markers of every chat template family the workers render (ChatML, Llama 3, Gemma, Phi-3, DeepSeek-R1):
     * the gateway does not know which template a model's boards use, so a marker of any family is refused.
     */
    static final List<String> CONTROL_TOKENS = List.of("<|im_start|>", "<|im_end|>", "<|endoftext|>",
            "<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<start_of_turn>",
            "<end_of_turn>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>", "<\uff5cUser\uff5c>",
            "<\uff5cAssistant\uff5c>", "<\uff5cbegin\u2581of\u2581sentence\uff5c>", "<\uff5cend\u2581of\u2581sentence\uff5c>");

    private final TenancySettings settings;

    public InputLimits(TenancySettings settings) {
        this.settings = settings;
    }

    /** @throws dev.npufleet.gateway.api.ApiException 400 naming the field at fault */
    public void check(InferenceRequest request) {
        checkMessages(request.messages(), "messages");
        long chars = chars(request.messages()) + (request.prompt() == null ? 0 : request.prompt().length());
        for (String stop : request.params().stop()) {
            chars += stop.length();
        }
        if (chars > settings.maxInputChars()) {
            throw tooLong(request.isChat() ? "messages" : "prompt", chars).toException();
        }
    }

    /** The count and control-token checks of chat messages (a request's, or a named cache's prefix). */
    public void checkMessages(List<ChatMessage> messages, String param) {
        if (messages.size() > settings.maxMessages()) {
            throw ErrorMapping.invalidField(param, "'" + param + "' holds " + messages.size()
                    + " messages; at most " + settings.maxMessages() + " are accepted.").toException();
        }
        for (int i = 0; i < messages.size(); i++) {
            String token = controlToken(messages.get(i).content());
            if (token != null) {
                String at = param + "[" + i + "].content";
                throw ErrorMapping.invalidField(at, "'" + at + "' holds the chat template's control token '" + token
                        + "'; it would be read as a turn boundary, so it is refused.").toException();
            }
        }
        long chars = chars(messages);
        if (chars > settings.maxInputChars()) {
            throw tooLong(param, chars).toException();
        }
    }

    /** The length check of a raw prompt (a named cache's prefix given as text). */
    public void checkPrompt(String prompt, String param) {
        if (prompt.length() > settings.maxInputChars()) {
            throw tooLong(param, prompt.length()).toException();
        }
    }

    private ApiError tooLong(String param, long chars) {
        return new ApiError(400, ErrorMapping.INVALID_REQUEST, "context_length_exceeded", param,
                "The input is " + chars + " characters long; this fleet takes at most " + settings.maxInputChars()
                        + " characters per request, more than any served model's context holds.");
    }

    private static long chars(List<ChatMessage> messages) {
        long chars = 0;
        for (ChatMessage m : messages) {
            chars += m.content().length();
        }
        return chars;
    }

    private static String controlToken(String text) {
        if (text.indexOf('<') < 0) {
            return null;
        }
        for (String token : CONTROL_TOKENS) {
            if (text.contains(token)) {
                return token;
            }
        }
        return null;
    }
}
