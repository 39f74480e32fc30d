package dev.npufleet.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativeLibraryTest {

    @Test
    void shouldNameThePlatformAsTheJarFoldersDo() {
        String arch = System.getProperty("os.arch");
        String expected = arch.equals("amd64") || arch.equals("x86_64") ? "linux-x86_64" : "linux-aarch64";

        assertThat(NativeLibrary.platform()).isEqualTo(expected);
    }
}
