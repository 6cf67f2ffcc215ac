package io.morphgate.control.mqtt.internal.handler;

import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import com.google.gson.JsonObject;

import io.morphgate.api.deployment.Deployer;
import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.control.mqtt.internal.command.Arguments;
import io.morphgate.control.mqtt.internal.command.Command;
import io.morphgate.control.mqtt.internal.command.CommandException;
import io.morphgate.control.mqtt.internal.command.CommandHandler;
import io.morphgate.control.mqtt.internal.command.ErrorCodes;
import io.morphgate.control.mqtt.internal.command.Reply;

/**
 * {@code upload}: one chunk of a jar sent inline ({@code uploadId}, {@code index} of {@code count}, base64
 * {@code data}), for gateways that cannot reach a repository; the jar is then installed with the url
 * {@code upload:<uploadId>}.
 */
public final class UploadHandler implements CommandHandler {

    private final Supplier<Optional<Deployer>> deployer;

    public UploadHandler(Supplier<Optional<Deployer>> deployer) {
        this.deployer = deployer;
    }

    @Override
    public CompletionStage<Reply> handle(Command command) throws CommandException {
        Arguments args = command.arguments();
        String uploadId = args.requiredId("uploadId");
        int count = args.requiredInt("count", 1, 100_000);
        int index = args.requiredInt("index", 0, count - 1);
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(args.requiredString("data"));
        } catch (IllegalArgumentException e) {
            throw CommandException.invalidArgument("data", "not base64: " + e.getMessage());
        }
        Deployer jobs = deployer.get().orElseThrow(() -> new CommandException(ErrorCodes.UNAVAILABLE,
                "no deployer is running on this gateway; retry the same request id when it is"));
        try {
            jobs.upload(uploadId, index, count, bytes);
        } catch (DeploymentException e) {
            throw new CommandException(e.code().name(), e.getMessage());
        }
        JsonObject result = new JsonObject();
        result.addProperty("uploadId", uploadId);
        result.addProperty("index", index);
        result.addProperty("count", count);
        result.addProperty("bytes", bytes.length);
        result.addProperty("url", "upload:" + uploadId);
        return CompletableFuture.completedFuture(Reply.ok(command, result));
    }

    @Override
    public Set<String> fields() {
        return Set.of("uploadId", "index", "count", "data");
    }
}
