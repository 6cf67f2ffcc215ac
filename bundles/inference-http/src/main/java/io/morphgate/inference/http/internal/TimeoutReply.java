package io.morphgate.inference.http.internal;

import java.io.IOException;

import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.http.HttpServletResponse;

import io.morphgate.api.serving.ServingException;
import io.morphgate.api.serving.ServingException.Code;
import io.morphgate.serving.wire.PredictionJson;

/** Answers 504 TIMEOUT when a request's batch has not answered within the reply timeout. */
final class TimeoutReply implements AsyncListener {

    private final long timeoutMillis;

    TimeoutReply(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void onTimeout(AsyncEvent event) throws IOException {
        HttpServletResponse response = (HttpServletResponse) event.getAsyncContext().getResponse();
        InferenceServlet.write(response, 504, PredictionJson.error(new ServingException(Code.TIMEOUT,
                "no answer within " + timeoutMillis + " ms")));
        event.getAsyncContext().complete();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        // answered
    }

    @Override
    public void onError(AsyncEvent event) {
        // the container closes the exchange
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not restarted
    }
}
