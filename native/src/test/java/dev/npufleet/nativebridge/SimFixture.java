package dev.npufleet.nativebridge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared setup of the integration tests: the tiny simulator model and sessions on it through the real bridge. */
final class SimFixture {
    static final int CONTEXT = 256;
    static final int NEW_TOKENS = 24;

    private SimFixture() {
    }

    /** Writes the tiny model into dir once and returns its path. */
    static Path tinyModel(Path dir) {
        Path file = dir.resolve("tiny.npfsim");
        if (!Files.exists(file)) {
            try {
                SimModels.write(file, SimModelSpec.tiny());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }

    static SessionConfig config(AbiVersion abi, Path model) {
        return SessionConfig.of(NativeLibrary.simulatorLibrary(abi), abi, model)
                .withMaxContextLen(CONTEXT)
                .withMaxNewTokens(NEW_TOKENS);
    }

    /** Thread factory for test pools: a run stuck by a bug must fail its test, not keep the test JVM alive. */
    static Thread daemon(Runnable task) {
        Thread t = new Thread(task, "it-run");
        t.setDaemon(true);
        return t;
    }

    /** A session with the runtime's chat template off, so prompt tokens are the prompt's bytes. */
    static RkllmSession rawSession(SessionConfig config) {
        RkllmSession session = RkllmSession.open(config);
        session.setChatTemplate("", "", "");
        return session;
    }
}
