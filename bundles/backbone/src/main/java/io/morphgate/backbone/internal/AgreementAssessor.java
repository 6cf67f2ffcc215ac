package io.morphgate.backbone.internal;

import java.lang.System.Logger.Level;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;

/**
 * Measures, off the swap thread, how often the model with one variant swapped in predicts what the default model
 * predicts on the calibration images. It costs a session and a batch of 64 inferences per variant: done during
 * admission it made every bundle start tens of milliseconds per variant slower to serve.
 */
final class AgreementAssessor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AgreementAssessor.class.getName());

    private final Calibration calibration;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "morphgate-backbone-assess");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });

    AgreementAssessor(Calibration calibration) {
        this.calibration = calibration;
    }

    /** Queues the measurement; the result lands in the variant's state when done. */
    void assess(OfferedVariant variant, ModelProto modelWithVariant) {
        if (calibration.isEmpty()) {
            return;
        }
        try {
            thread.execute(() -> measure(variant, modelWithVariant));
        } catch (RejectedExecutionException closing) {
            LOG.log(Level.DEBUG, "not assessing {0}: the backbone is stopping", variant.id());
        }
    }

    private void measure(OfferedVariant variant, ModelProto modelWithVariant) {
        try {
            OptionalDouble agreement = calibration.agreementWithDefault(modelWithVariant);
            agreement.ifPresent(variant::agreement);
            agreement.ifPresent(a -> LOG.log(Level.INFO, String.format(
                    "variant %s agrees with the default model on %.1f%% of the calibration images", variant.id(),
                    100 * a)));
        } catch (OrtException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not measure the agreement of variant " + variant.id() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
