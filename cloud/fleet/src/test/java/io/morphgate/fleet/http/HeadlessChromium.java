package io.morphgate.fleet.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Debian's chromium, headless, loading a page and printing its DOM once its scripts ran ({@code --dump-dom}, with a
 * virtual time budget so the page's first fetches finish). The binary: {@code /usr/bin/chromium}, or the system
 * property {@code morphgate.chromium}. Without it the browser tests skip, unless {@code MORPHGATE_REQUIRE_CHROMIUM=true}
 * (CI), which makes its absence a failure.
 */
final class HeadlessChromium {

    static final String MISSING = "chromium is not installed (apt-get install -y chromium, or -Dmorphgate.chromium=PATH): "
            + "the fleet page's browser test skips";

    private HeadlessChromium() {
    }

    /** The binary; skips the test (or fails it, with MORPHGATE_REQUIRE_CHROMIUM=true) when there is none. */
    static Path binary() {
        Path binary = Path.of(System.getProperty("morphgate.chromium", "/usr/bin/chromium"));
        if (!Files.isExecutable(binary)) {
            if ("true".equals(System.getenv("MORPHGATE_REQUIRE_CHROMIUM"))) {
                throw new AssertionError(MISSING + " - but MORPHGATE_REQUIRE_CHROMIUM=true");
            }
            System.err.println("SKIPPED: " + MISSING);
            Assumptions.assumeTrue(false, MISSING);
        }
        return binary;
    }

    /** The page's DOM after {@code budgetMillis} of virtual time. */
    static String dumpDom(String url, int budgetMillis) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("fleet-chromium-");
        try {
            Path out = profile.resolve("dom.html");
            Process process = new ProcessBuilder(List.of(binary().toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--user-data-dir=" + profile.resolve("profile"),
                    "--virtual-time-budget=" + budgetMillis, "--dump-dom", url))
                    .redirectOutput(out.toFile()).redirectError(profile.resolve("chromium.log").toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("chromium did not finish in 60 s: " + log(profile));
            }
            String dom = Files.readString(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0 || dom.isBlank()) {
                throw new AssertionError("chromium exited " + process.exitValue() + " with no DOM: " + log(profile));
            }
            return dom;
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String log(Path profile) throws IOException {
        Path log = profile.resolve("chromium.log");
        return Files.exists(log) ? Files.readString(log) : "(no log)";
    }
}
