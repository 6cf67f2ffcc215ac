package io.morphgate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;

/**
 * The short form of the long-run drill (the long one, with the memory curve, is LongRunBenchmark): 100 consecutive
 * swaps through the variants of three operators under two load clients. Every request is answered (a swap never cuts
 * one off), every pin is one swap, and once the run is over only the serving session is open: every retired session
 * was closed. Memory growth is measured by the benchmark, not asserted here.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LongRunIT extends TestSupport {

    private static final List<String> OPERATORS = List.of("io.morphgate.operator.lowrank",
            "io.morphgate.operator.multibranch", "io.morphgate.operator.fire");

    @Configuration
    public Option[] configuration() {
        return gatewayOptions("morphgate-core", "morphgate-operator-lowrank", "morphgate-operator-multibranch",
                "morphgate-operator-fire");
    }

    @Test
    public void hundredSwapsUnderLoadAnswerEveryRequestAndCloseEveryRetiredSession() throws Exception {
        ModelControl control = service(ModelControl.class, 10_000);
        InferenceService inference = service(InferenceService.class, 10_000);
        for (String name : OPERATORS) {
            await(name + " to settle", 60_000, () -> OperatorFeatures.settled(control, bundle(name)));
        }
        SwapSoak.Result result = new SwapSoak(control, inference).run(100, 25, 2);

        assertEquals("failures other than a clean InferenceException: " + result.firstUnexpected(), 0,
                result.unexpectedFailures());
        assertEquals("requests that failed during the swaps", 0, result.cleanFailures());
        assertTrue("requests answered: " + result.answered(), result.answered() > 100);
        assertEquals("one swap per pin", 100, result.generations());
        assertEquals("every slot pinned in turn: " + result.pinsPerSlot(), 4, result.pinsPerSlot().size());
        assertTrue("variants cycled: " + result.variantsCycled(), result.variantsCycled() >= 8);
        await("only the serving session open (now " + control.status().openSessions() + ")", 20_000,
                () -> control.status().openSessions() == 1);
    }
}
