package io.morphgate.inference.http.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import javax.servlet.AsyncContext;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.osgi.service.metatype.annotations.Designate;

import com.google.gson.JsonObject;

import io.morphgate.api.serving.Prediction;
import io.morphgate.api.serving.PredictionService;
import io.morphgate.api.serving.ServingException;
import io.morphgate.api.serving.ServingException.Code;
import io.morphgate.serving.wire.PredictionJson;

/**
 * {@code POST /morphgate/v1/infer[?top=N]} with a {@code Content-Type} the prediction service decodes. Asynchronous:
 * a request waiting for its batch holds no Jetty thread.
 */
@Component(service = Servlet.class, configurationPid = "morphgate.inference.http")
@Designate(ocd = HttpInferenceConfiguration.class)
@HttpWhiteboardServletName("morphgate-inference")
@HttpWhiteboardServletPattern("/morphgate/v1/infer")
@HttpWhiteboardServletAsyncSupported
public class InferenceServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(InferenceServlet.class.getName());

    private final transient PredictionService predictions;
    private final int defaultTop;
    private final long timeoutMillis;
    private final long maxBodyBytes;

    @Activate
    public InferenceServlet(@Reference PredictionService predictions, HttpInferenceConfiguration config) {
        this.predictions = predictions;
        this.defaultTop = config.defaultTopClasses();
        this.timeoutMillis = TimeUnit.SECONDS.toMillis(config.replyTimeoutSeconds());
        this.maxBodyBytes = config.maxBodyBytes();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Allow", "POST");
        write(response, 405, error(Code.MALFORMED_REQUEST, "use POST with an input body (see docs/protocol.md)"));
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long arrived = System.nanoTime();
        CompletionStage<Prediction> answer;
        try {
            int top = top(request.getParameter("top"));
            byte[] body = body(request);
            answer = predictions.predict(request.getContentType(), body, top);
        } catch (ServingException e) {
            write(response, HttpStatus.of(e.code()), PredictionJson.error(e));
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(timeoutMillis);
        answer.whenComplete((prediction, failure) -> {
            HttpServletResponse r = (HttpServletResponse) async.getResponse();
            try {
                if (failure == null) {
                    write(r, 200, PredictionJson.prediction(prediction, (System.nanoTime() - arrived) / 1e6));
                } else {
                    ServingException e = PredictionJson.cause(failure);
                    write(r, HttpStatus.of(e.code()), PredictionJson.error(e));
                }
                async.complete();
            } catch (IOException | IllegalStateException e) {
                // the client went away or the async timeout already answered
                LOG.log(System.Logger.Level.DEBUG, "cannot send an inference reply: " + e);
            }
        });
        async.addListener(new TimeoutReply(timeoutMillis));
    }

    private int top(String parameter) {
        if (parameter == null || parameter.isBlank()) {
            return defaultTop;
        }
        try {
            return Integer.parseInt(parameter.trim());
        } catch (NumberFormatException e) {
            throw new ServingException(Code.MALFORMED_REQUEST, "'top' must be a whole number, not '" + parameter + "'");
        }
    }

    /**
     * Reads at most {@code maxBodyBytes} and a buffer more, so a huge body is refused without being kept. The rest of
     * a refused body is read and dropped up to twice the limit (servlet containers call it swallowing): a client that
     * is still sending then reads the 413 instead of a broken pipe. A larger body is answered at once and its
     * connection closed.
     */
    private byte[] body(HttpServletRequest request) throws IOException {
        long limit = maxBodyBytes;
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            swallow(request, 0);
            throw new ServingException(Code.PAYLOAD_TOO_LARGE, "the body has " + declared
                    + " bytes; the gateway accepts at most " + limit);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(32, request.getContentLength()));
        InputStream in = request.getInputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            if (out.size() > limit) {
                swallow(request, out.size());
                throw new ServingException(Code.PAYLOAD_TOO_LARGE, "the body has more than " + limit
                        + " bytes; the gateway accepts at most " + limit);
            }
        }
        return out.toByteArray();
    }

    /** Drops what is left of a refused body, up to twice the limit in all; the request is answered either way. */
    private void swallow(HttpServletRequest request, long alreadyRead) {
        long budget = 2 * maxBodyBytes - alreadyRead;
        try {
            InputStream in = request.getInputStream();
            byte[] buffer = new byte[8192];
            int n;
            while (budget > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, budget))) >= 0) {
                budget -= n;
            }
        } catch (IOException e) {
            // the client gave up: nothing to answer
        }
    }

    private static JsonObject error(Code code, String message) {
        return PredictionJson.error(new ServingException(code, message));
    }

    static void write(HttpServletResponse response, int status, JsonObject json) throws IOException {
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
