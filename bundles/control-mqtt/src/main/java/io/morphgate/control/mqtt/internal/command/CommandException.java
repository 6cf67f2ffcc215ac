package io.morphgate.control.mqtt.internal.command;

import java.util.Optional;

/** A command refused or failed with a code from {@link ErrorCodes} (or a deployment code), and a reason. */
public class CommandException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final String field;

    public CommandException(String code, String message) {
        this(code, null, message);
    }

    private CommandException(String code, String field, String message) {
        super(message);
        this.code = code;
        this.field = field;
    }

    /** INVALID_ARGUMENT naming the field at fault. */
    public static CommandException invalidArgument(String field, String message) {
        return new CommandException(ErrorCodes.INVALID_ARGUMENT, field, field + ": " + message);
    }

    public String code() {
        return code;
    }

    /** The field at fault, for INVALID_ARGUMENT. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
