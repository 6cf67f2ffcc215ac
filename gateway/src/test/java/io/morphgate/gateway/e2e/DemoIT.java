package io.morphgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./demo.sh}'s run, as a newcomer sees it: the distribution with the demo features and {@code --demo} walks
 * through the full model, a MAC budget the policy meets with a lighter configuration, the operator bundle stopped and
 * started under that budget, and the full model back once the budget is lifted; then it exits by itself, with no
 * request failed.
 */
class DemoIT {

    private static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");
    private static final Pattern DECISION = Pattern.compile(
            "demo: +policy: (\\w+) (.+?), ([0-9.]+) M MACs.*expected accuracy ([0-9.]+)%");

    @Test
    void theDemoShowsTheGatewayAdaptingToABudgetAndExits(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(FASHION_MNIST), "needs Debian's dataset-fashion-mnist (./test.sh installs it)");
        try (InstalledGateway gateway = InstalledGateway.install(dir.resolve("gateway"), List.of("morphgate-core",
                "morphgate-model-fashion-mnist", "morphgate-policy", "morphgate-operator-lowrank", "morphgate-control",
                "morphgate-serving", "morphgate-demo"), Map.of(), List.of("--demo", "--demo-pause", "2",
                        "--http-port", String.valueOf(InstalledGateway.freePort()),
                        "--broker-port", String.valueOf(InstalledGateway.freePort())))) {
            gateway.start();
            assertEquals(0, gateway.awaitExit(300), gateway::logText);
            String log = gateway.logText();
            for (String step : List.of("step 1/4", "step 2/4", "step 3/4", "step 4/4")) {
                assertTrue(log.contains("demo: " + step), () -> step + " missing:\n" + log);
            }
            List<String[]> decisions = decisions(log);
            assertEquals(4, decisions.size(), () -> "four decisions printed:\n" + log);
            double full = 11.04;
            // budget of half the MACs: a lighter configuration that fits it
            assertEquals("COMMITTED", decisions.get(0)[0], log);
            assertTrue(Double.parseDouble(decisions.get(0)[2]) <= full / 2, () -> "over budget:\n" + log);
            // operator stopped: nothing fits, the full model serves; started again: a lighter one again
            assertEquals("the full model", decisions.get(1)[1], log);
            assertTrue(Double.parseDouble(decisions.get(2)[2]) <= full / 2, () -> "over budget:\n" + log);
            // budget lifted: the full model
            assertEquals("the full model", decisions.get(3)[1], log);
            assertTrue(Double.parseDouble(decisions.get(3)[3]) > Double.parseDouble(decisions.get(0)[3]),
                    () -> "the full model is expected to be the most accurate:\n" + log);
            assertTrue(Pattern.compile("demo: done: \\d+ requests in the last \\d+ s, 0 failed").matcher(log).find(),
                    () -> "requests failed:\n" + log);
            assertTrue(log.contains("by default (generation") && log.contains("by c-"),
                    () -> "images answered by the full model and by a compressed configuration:\n" + log);
        }
    }

    private static List<String[]> decisions(String log) {
        Matcher m = DECISION.matcher(log);
        List<String[]> found = new java.util.ArrayList<>();
        while (m.find()) {
            found.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4)});
        }
        return found;
    }
}
