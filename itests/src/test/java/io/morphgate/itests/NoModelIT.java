package io.morphgate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.morphgate.api.inference.InferenceException;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.serving.PredictionService;
import io.morphgate.api.serving.ServingException;
import io.morphgate.api.slot.SlotCatalog;

/**
 * A gateway with no model bundle: the backbone and everything that does not need a model run, the status says so,
 * inference answers NOT_READY; the moment the Fashion-MNIST model bundle is installed it serves, and the operators
 * offer variants for it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NoModelIT extends TestSupport {

    @Configuration
    public Option[] configuration() {
        Path work = Path.of(System.getProperty("morphgate.itests.target", "target"), "no-model-it",
                UUID.randomUUID().toString()).toAbsolutePath();
        List<Option> options = new ArrayList<>(Arrays.asList(gatewayOptions(NO_MODEL, "morphgate-core",
                "morphgate-operator-lowrank", "morphgate-serving")));
        options.add(frameworkProperty("morphgate.data.dir").value(work.resolve("data").toString()));
        options.add(frameworkProperty("org.osgi.service.http.port").value(Integer.toString(ServingInputs.freePort())));
        options.add(frameworkProperty("morphgate.itests.fashion").value(
                TestBundles.require(featureBundles(FASHION_MNIST).get(0)).toUri().toString()));
        return options.toArray(Option[]::new);
    }

    @Test
    public void withoutAModelTheGatewayAnswersAndInferenceIsNotReadyUntilAModelBundleArrives() throws Exception {
        ModelControl control = service(ModelControl.class, 10_000);
        InferenceService inference = service(InferenceService.class, 10_000);
        ModelStatus status = control.status();
        assertEquals(ModelStatus.State.NO_MODEL, status.state());
        assertEquals(Optional.empty(), status.model());
        assertTrue(control.models().isEmpty());
        assertEquals(Optional.empty(), inference.model());
        assertEquals(List.of(), inference.labels());
        try {
            inference.infer(new float[784]);
            fail("inference answered with no model");
        } catch (InferenceException e) {
            assertEquals(InferenceException.Code.NOT_READY, e.code());
        }
        PredictionService serving = service(PredictionService.class, 10_000);
        try {
            serving.predict("application/json", "{\"tensor\":[0]}".getBytes(), 1).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            fail("the prediction service answered with no model");
        } catch (ServingException e) {
            assertEquals(ServingException.Code.NOT_READY, e.code());
        } catch (ExecutionException e) {
            assertEquals(ServingException.Code.NOT_READY, ((ServingException) e.getCause()).code());
        }
        assertEquals("no slot catalog without a model", null, context.getServiceReference(SlotCatalog.class));

        Bundle model = context.installBundle(context.getProperty("morphgate.itests.fashion"));
        model.start();
        await("the Fashion-MNIST model serving", 30_000, () -> control.status().state() == ModelStatus.State.SERVING);
        assertEquals("fashion-mnist", control.status().model().orElseThrow().id());
        assertEquals(10, inference.infer(new float[784]).probabilities().length);
        await("the low-rank operator's variants for the new model", 60_000,
                () -> control.status().variants().stream().anyMatch(v -> v.accepted()));

        model.uninstall();
        await("no model once its bundle is gone", 30_000, () -> control.status().state() == ModelStatus.State.NO_MODEL);
        assertEquals(null, context.getServiceReference(SlotCatalog.class));
    }
}
