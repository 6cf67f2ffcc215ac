package io.morphgate.inference.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.morphgate.api.serving.Prediction;
import io.morphgate.api.serving.PredictionService;
import io.morphgate.api.serving.QueueStatistics;
import io.morphgate.api.serving.ServingException;
import io.morphgate.api.serving.ServingException.Code;

/** A request id runs the model once: repeats within the time kept get the same reply, published again. */
class InferenceRequestsTest {

    private static final String NS = "morphgate/v1/gw-1/";

    /** Completes predictions when the test says so; counts the requests that reached the model's queue. */
    private static final class FakePredictions implements PredictionService {
        final AtomicInteger calls = new AtomicInteger();
        final List<CompletableFuture<Prediction>> pending = new CopyOnWriteArrayList<>();
        volatile Code refuseWith;

        @Override
        public CompletionStage<Prediction> predict(String mediaType, byte[] body, int topClasses) {
            calls.incrementAndGet();
            if (refuseWith != null) {
                throw new ServingException(refuseWith, "refused: " + refuseWith);
            }
            CompletableFuture<Prediction> future = new CompletableFuture<>();
            pending.add(future);
            return future;
        }

        @Override
        public QueueStatistics statistics() {
            throw new UnsupportedOperationException();
        }
    }

    private record Published(String topic, byte[] payload) {
        JsonObject json() {
            return JsonParser.parseString(new String(payload, StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }

    private final FakePredictions predictions = new FakePredictions();
    private final List<Published> published = new CopyOnWriteArrayList<>();

    private InferenceRequests requests(int kept) {
        return new InferenceRequests(NS, predictions, 3, new RecentReplies(kept, Duration.ofSeconds(60),
                System::nanoTime), (topic, payload) -> published.add(new Published(topic, payload)));
    }

    private static Prediction prediction(int index) {
        return new Prediction(List.of(new Prediction.ClassScore(index, "class " + index, 0.9f)), "c-1", 1, 0.1, 1.0,
                1);
    }

    @Test
    void aRepeatedRequestIdIsAnsweredAgainWithoutRunningTheModelTwice() {
        InferenceRequests requests = requests(1000);
        requests.arrived(NS + "infer/request/f32/cam7:42", new byte[3136]);
        requests.arrived(NS + "infer/request/f32/cam7:42", new byte[3136]); // while it runs: no second run, no reply
        assertEquals(1, predictions.calls.get());
        assertEquals(List.of(), published);
        predictions.pending.get(0).complete(prediction(9));
        assertEquals(1, published.size());
        requests.arrived(NS + "infer/request/f32/cam7:42", new byte[3136]); // after: the same reply again
        assertEquals(1, predictions.calls.get(), "the model ran once for the id");
        assertEquals(2, published.size());
        assertEquals(NS + "infer/reply/cam7:42", published.get(1).topic());
        assertArrayEquals(published.get(0).payload(), published.get(1).payload());
        assertEquals("cam7:42", published.get(1).json().get("requestId").getAsString());
        assertEquals(9, published.get(1).json().get("index").getAsInt());

        requests.arrived(NS + "infer/request/f32/cam7:43", new byte[3136]);
        assertEquals(2, predictions.calls.get(), "a new id runs");
    }

    @Test
    void aRefusedInputIsAnsweredAgainButATransientRefusalRunsAgain() {
        InferenceRequests requests = requests(1000);
        requests.arrived(NS + "infer/request/bmp/bad", new byte[10]);
        requests.arrived(NS + "infer/request/bmp/bad", new byte[10]);
        assertEquals(2, published.size());
        assertEquals("UNSUPPORTED_MEDIA_TYPE", published.get(1).json().getAsJsonObject("error").get("code")
                .getAsString());
        assertEquals(0, predictions.calls.get());

        predictions.refuseWith = Code.OVERLOADED;
        requests.arrived(NS + "infer/request/f32/busy", new byte[3136]);
        predictions.refuseWith = null;
        requests.arrived(NS + "infer/request/f32/busy", new byte[3136]);
        assertEquals(2, predictions.calls.get(), "a retry after OVERLOADED runs");
        assertEquals("OVERLOADED", published.get(2).json().getAsJsonObject("error").get("code").getAsString());
        predictions.pending.get(0).complete(prediction(1));
        assertEquals(1, published.get(3).json().get("index").getAsInt());

        requests.arrived(NS + "infer/request/f32/failed", new byte[3136]);
        predictions.pending.get(1).completeExceptionally(new ServingException(Code.RUNTIME_FAILURE, "boom"));
        requests.arrived(NS + "infer/request/f32/failed", new byte[3136]);
        assertEquals(4, predictions.calls.get(), "a retry after RUNTIME_FAILURE runs");
    }

    @Test
    void withNothingKeptEveryRequestRuns() {
        InferenceRequests requests = requests(0);
        requests.arrived(NS + "infer/request/f32/r", new byte[3136]);
        predictions.pending.get(0).complete(prediction(2));
        requests.arrived(NS + "infer/request/f32/r", new byte[3136]);
        assertEquals(2, predictions.calls.get());
    }

    @Test
    void aRequestWithoutAUsableIdIsDroppedUnanswered() {
        InferenceRequests requests = requests(1000);
        requests.arrived(NS + "infer/request/f32/bad id", new byte[3136]);
        requests.arrived(NS + "infer/request/f32/a/b", new byte[3136]);
        assertTrue(published.isEmpty());
        assertEquals(0, predictions.calls.get());
    }
}
