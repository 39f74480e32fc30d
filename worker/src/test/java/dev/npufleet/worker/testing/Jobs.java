package dev.npufleet.worker.testing;

import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.GenerationParams;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.Protocol;
import java.util.List;

/** Job records for tests. */
public final class Jobs {
    private Jobs() {
    }

    public static Job completion(String model, String replyTo, String prompt) {
        return completion(model, replyTo, prompt, GenerationParams.defaults());
    }

    public static Job completion(String model, String replyTo, String prompt, GenerationParams params) {
        return new Job(Protocol.VERSION, JobIds.newId(), model, JobKind.COMPLETION, null, prompt, null, params,
                replyTo, System.currentTimeMillis(), 0);
    }

    public static Job chat(String model, String replyTo, CacheDefinition cache, String user) {
        return new Job(Protocol.VERSION, JobIds.newId(), model, JobKind.CHAT, List.of(ChatMessage.user(user)), null,
                cache == null ? null : Job.CacheRef.of(cache), greedy(32), replyTo, System.currentTimeMillis(), 0);
    }

    public static Job withDeadline(Job j, long deadline) {
        return new Job(j.v(), j.id(), j.model(), j.kind(), j.messages(), j.prompt(), j.cache(), j.params(),
                j.replyTo(), j.createdAt(), deadline);
    }

    public static Job withCache(Job j, Job.CacheRef cache, JobKind kind) {
        return new Job(j.v(), j.id(), j.model(), kind, j.messages(), j.prompt(), cache, j.params(), j.replyTo(),
                j.createdAt(), j.deadline());
    }

    public static GenerationParams greedy(int maxTokens) {
        return new GenerationParams(maxTokens, 0.0, null, null, null, List.of(), null, null, null);
    }

    public static GenerationParams withStop(int maxTokens, String... stop) {
        return new GenerationParams(maxTokens, 0.0, null, null, null, List.of(stop), null, null, null);
    }

    public static CacheDefinition chatCache(String model, String name, String revision, String system) {
        return new CacheDefinition(model, name, revision, null, List.of(ChatMessage.system(system)), false, 0,
                System.currentTimeMillis());
    }
}
