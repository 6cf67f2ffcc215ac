package io.morphgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
            // decisions between one step's line and the next: a re-plan the derived variants trigger in the
            // background may add a decision to a step, so each step is judged by what it ends with
            double full = 11.04;
            List<String[]> budgetSet = decisions(between(log, "demo: step 2/4", "demo: step 3/4"));
            List<String[]> operatorCycled = decisions(between(log, "demo: step 3/4", "demo: step 4/4"));
            List<String[]> budgetLifted = decisions(between(log, "demo: step 4/4", "demo: done"));
            assertFalse(budgetSet.isEmpty() || operatorCycled.isEmpty() || budgetLifted.isEmpty(),
                    () -> "a decision in each step:\n" + log);
            // budget of half the MACs: a lighter configuration that fits it
            String[] planned = budgetSet.get(budgetSet.size() - 1);
            assertEquals("COMMITTED", planned[0], log);
            assertTrue(Double.parseDouble(planned[2]) <= full / 2, () -> "over budget:\n" + log);
            // operator stopped: nothing fits, the full model serves; started again: a lighter one again
            // (the decision printed may be a plan that failed because its variants went meanwhile; what counts is
            // that the full model served until the operator came back)
            assertTrue(between(log, "demo: step 3/4", "and starts again").contains("configuration default {}"),
                    () -> "the full model while the operator was stopped:\n" + log);
            assertTrue(Double.parseDouble(operatorCycled.get(operatorCycled.size() - 1)[2]) <= full / 2,
                    () -> "over budget:\n" + log);
            // budget lifted: the full model
            String[] lifted = budgetLifted.get(budgetLifted.size() - 1);
            assertEquals("the full model", lifted[1], log);
            assertTrue(Double.parseDouble(lifted[3]) > Double.parseDouble(planned[3]),
                    () -> "the full model is expected to be the most accurate:\n" + log);
            assertTrue(Pattern.compile("demo: done: \\d+ requests in the last \\d+ s, 0 failed").matcher(log).find(),
                    () -> "requests failed:\n" + log);
            assertTrue(log.contains("by default (generation") && log.contains("by c-"),
                    () -> "images answered by the full model and by a compressed configuration:\n" + log);
        }
    }

    private static String between(String log, String from, String to) {
        int start = log.indexOf(from);
        int end = log.indexOf(to, Math.max(start, 0));
        return start < 0 ? "" : log.substring(start, end < 0 ? log.length() : end);
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
