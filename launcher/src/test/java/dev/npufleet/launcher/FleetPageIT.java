package dev.npufleet.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.npufleet.broker.KafkaTestBroker;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The fleet page in a real browser (headless Chromium driven by Selenium) against a real fleet: it loads, shows
 * both boards and a cache they hold, fits a phone's width, and shows a board leaving within seconds. Skipped, with
 * the reason printed, where Chromium or its driver is not installed (Debian: {@code chromium chromium-driver});
 * {@code NPUFLEET_CHROMIUM} and {@code NPUFLEET_CHROMEDRIVER} name other paths. Leaves a screenshot in
 * {@code target/fleet-page.png}.
 */
@ExtendWith(KafkaTestBroker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetPageIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private TestFleet fleet;
    private WebDriver browser;

    private static Path tool(String env, String fallback) {
        String named = System.getenv(env);
        return Path.of(named != null && !named.isBlank() ? named : fallback);
    }

    @BeforeAll
    void start(KafkaTestBroker.Broker broker, @TempDir Path dir) throws Exception {
        Path chromium = tool("NPUFLEET_CHROMIUM", "/usr/bin/chromium");
        Path driver = tool("NPUFLEET_CHROMEDRIVER", "/usr/bin/chromedriver");
        boolean present = Files.isExecutable(chromium) && Files.isExecutable(driver);
        if (!present) {
            System.out.println("FleetPageIT SKIPPED: no " + chromium + " or " + driver
                    + " (apt-get install chromium chromium-driver)");
        }
        assumeTrue(present, "Chromium or its driver is not installed");
        fleet = new TestFleet(broker.bootstrapServers(), KafkaTestBroker.uniqueName("page") + ".", dir);
        fleet.startWorker("board-a", Map.of());
        fleet.startWorker("board-b", Map.of());
        fleet.awaitWorkers();
        browser = chromium(chromium, driver, Files.createDirectories(dir.resolve("chromium-profile")));
    }

    private static WebDriver chromium(Path chromium, Path driver, Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    // The page redraws itself every poll, so an element found in one call may be gone by the next: each read
    // below is one script run in the page, never a found element read later.

    @SuppressWarnings("unchecked")
    private List<String> boardsShown() {
        return (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll('[data-board]')).map(e => e.getAttribute('data-board'));");
    }

    private String statusShown(String board) {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "const e = document.querySelector(\"[data-board='\" + arguments[0] + \"']\");"
                        + " return e ? e.getAttribute('data-status') : 'absent';", board);
    }

    private String textShown(String selector) {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;", selector);
    }

    @Test
    void shouldShowBothBoardsAndACacheThenABoardLeaving() throws Exception {
        HttpResponse<String> cache = Http.post(fleet.baseUrl() + "/v1/cache/" + TestFleet.MODEL,
                "{\"cache_name\":\"page-cache\",\"messages\":[{\"role\":\"system\",\"content\":\"Be a board.\"}]}");
        assertThat(cache.statusCode()).as(cache.body()).isEqualTo(201);
        Http.post(fleet.baseUrl() + "/v1/chat/completions", "{\"model\":\"" + TestFleet.MODEL
                + "\",\"max_tokens\":4,\"use_cache\":\"page-cache\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        browser.get(fleet.baseUrl() + "/");
        await().atMost(WAIT).untilAsserted(() -> assertThat(boardsShown()).contains("board-a", "board-b"));
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(browser.findElements(By.cssSelector("tr[data-cache='page-cache']"))).isNotEmpty());
        assertThat(textShown("#health")).isEqualTo("ok");
        assertThat(textShown("[data-model='" + TestFleet.MODEL + "'] .live-boards")).isEqualTo("2");
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(),
                Path.of("target", "fleet-page.png"), StandardCopyOption.REPLACE_EXISTING);

        browser.manage().window().setSize(new Dimension(412, 915)); // a phone
        Object overflow = ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - window.innerWidth;");
        assertThat(((Number) overflow).longValue()).as("horizontal overflow on a phone, px").isLessThanOrEqualTo(0);

        fleet.worker("board-b").stop(Duration.ofSeconds(10));
        await().atMost(WAIT).untilAsserted(() -> assertThat(statusShown("board-b")).isIn("gone", "absent"));
        assertThat(statusShown("board-a")).isIn("idle", "busy");
    }
}
