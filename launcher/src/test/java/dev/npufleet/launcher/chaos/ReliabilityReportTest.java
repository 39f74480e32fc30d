package dev.npufleet.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReliabilityReportTest {

    private static final String SECTION = ReliabilityReport.BEGIN + "\nnew figures\n" + ReliabilityReport.END + "\n";

    @Test
    void shouldReplaceOnlyItsOwnSectionAndKeepTheRest() {
        String existing = "# Reliability\n\n## Tenancy\nkept\n\n" + ReliabilityReport.BEGIN + "\nold figures\n"
                + ReliabilityReport.END + "\n\n## Reading the figures\nkept too\n";

        String merged = ReliabilityReport.merge(existing, SECTION);

        assertThat(merged).contains("## Tenancy\nkept", "new figures", "## Reading the figures\nkept too")
                .doesNotContain("old figures");
    }

    @Test
    void shouldAppendItsSectionToAFileWithoutOne() {
        assertThat(ReliabilityReport.merge("# Reliability\n\n## Tenancy\n", SECTION))
                .isEqualTo("# Reliability\n\n## Tenancy\n\n" + SECTION);
        assertThat(ReliabilityReport.merge("", SECTION)).isEqualTo("# Reliability\n\n" + SECTION);
    }
}
