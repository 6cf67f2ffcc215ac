package io.morphgate.fleet.rollout;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import io.morphgate.console.Payloads;
import io.morphgate.fleet.inventory.Database;
import io.morphgate.fleet.inventory.GatewayRecord;
import io.morphgate.fleet.inventory.Inventory;

/**
 * What an operator asks for when rolling a budget out, from the {@code deploy} command or {@code POST
 * /api/v1/rollouts}: one set of defaults and one validation for both. {@link #submit} writes the PENDING rollout;
 * the running controller carries it out. Field names are those of the API (the command's options say the same
 * in kebab case).
 */
public record RolloutPlan(String id, String group, List<String> gateways, Long maxLatencyMillis, Long maxMacs,
        Long maxParams, Long maxMemoryBytes, int canary, int waveSize, double wavePauseSeconds, double healthWaitSeconds,
        double maxBadShare, double commandTimeoutSeconds) {

    public static final int DEFAULT_CANARY = 1;
    public static final int DEFAULT_WAVE_SIZE = 10;
    public static final double DEFAULT_WAVE_PAUSE_SECONDS = 30;
    public static final double DEFAULT_HEALTH_WAIT_SECONDS = 30;
    public static final double DEFAULT_MAX_BAD_SHARE = 0.2;
    public static final double DEFAULT_COMMAND_TIMEOUT_SECONDS = 30;

    /** Request ids are {@code <rollout>-rollback-<gateway>}: a short id leaves room for the gateway's. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");

    public RolloutPlan {
        gateways = gateways == null ? List.of() : List.copyOf(gateways);
    }

    /** Why a plan was refused: the field at fault (null: the plan as a whole) and a reason a person can act on. */
    public static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        /** The plan is wrong as given. */
        public static final String INVALID = "INVALID_ARGUMENT";
        /** A rollout with this id exists. */
        public static final String EXISTS = "ALREADY_EXISTS";

        private final String code;
        private final String field;

        Rejected(String code, String field, String reason) {
            super(reason);
            this.code = code;
            this.field = field;
        }

        public String code() {
            return code;
        }

        public String field() {
            return field;
        }
    }

    /** Validates the plan, resolves its gateways, writes the rollout PENDING; returns its id. */
    public String submit(Database database) throws Rejected, SQLException {
        try (Inventory inventory = new Inventory(database); RolloutStore store = new RolloutStore(database)) {
            return submit(inventory, store);
        }
    }

    /** As {@link #submit(Database)}, with stores already open. */
    public String submit(Inventory inventory, RolloutStore store) throws Rejected, SQLException {
        validate();
        List<String> targets = targets(inventory);
        String rolloutId = id != null ? id : "r-" + UUID.randomUUID().toString().substring(0, 8);
        if (store.find(rolloutId).isPresent()) {
            throw new Rejected(Rejected.EXISTS, "id", "a rollout " + rolloutId + " exists already");
        }
        String budget = Payloads.budget(maxLatencyMillis, maxMacs, maxParams, maxMemoryBytes).toString();
        try {
            store.create(new RolloutStore.Rollout(rolloutId, budget, "PENDING", null, false, canary, waveSize,
                    millis(wavePauseSeconds), millis(healthWaitSeconds), maxBadShare, millis(commandTimeoutSeconds),
                    null, null), targets);
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) { // integrity: created meanwhile
                throw new Rejected(Rejected.EXISTS, "id", "a rollout " + rolloutId + " exists already");
            }
            throw e;
        }
        return rolloutId;
    }

    /** The checks that need no database. */
    public void validate() throws Rejected {
        if (id != null && !ID.matcher(id).matches()) {
            throw invalid("id", "letters, digits, '.', '_' or '-', at most 32, starting with a letter or digit");
        }
        if (maxLatencyMillis == null && maxMacs == null && maxParams == null && maxMemoryBytes == null) {
            throw invalid("budget", "give at least one limit: maxLatencyMillis, maxMacs, maxParams, maxMemoryBytes");
        }
        positive("budget.maxLatencyMillis", maxLatencyMillis);
        positive("budget.maxMacs", maxMacs);
        positive("budget.maxParams", maxParams);
        positive("budget.maxMemoryBytes", maxMemoryBytes);
        if (canary < 1) {
            throw invalid("canary", "at least 1 gateway in the canary wave");
        }
        if (waveSize < 1) {
            throw invalid("waveSize", "at least 1 gateway per wave");
        }
        if (!(wavePauseSeconds >= 0)) {
            throw invalid("wavePauseSeconds", "0 or more seconds");
        }
        if (!(healthWaitSeconds >= 0)) {
            throw invalid("healthWaitSeconds", "0 or more seconds");
        }
        if (!(maxBadShare >= 0 && maxBadShare <= 1)) {
            throw invalid("maxBadShare", "a share between 0 and 1");
        }
        if (!(commandTimeoutSeconds > 0)) {
            throw invalid("commandTimeoutSeconds", "more than 0 seconds");
        }
        if (group == null && gateways.isEmpty()) {
            throw invalid("group", "give a group or gateways");
        }
        for (String g : gateways) {
            if (g == null || g.isBlank()) {
                throw invalid("gateways", "a gateway id is empty");
            }
        }
    }

    /** The listed gateways and the group's members, distinct, sorted by id (the order of the waves). */
    private List<String> targets(Inventory inventory) throws Rejected, SQLException {
        List<String> targets = new ArrayList<>(gateways);
        if (group != null) {
            inventory.list(group).stream().map(GatewayRecord::id).forEach(targets::add);
        }
        if (targets.isEmpty()) {
            throw invalid("group", "group " + group + " has no gateways (see the group command)");
        }
        return targets.stream().distinct().sorted().toList();
    }

    private static void positive(String field, Long limit) throws Rejected {
        if (limit != null && limit <= 0) {
            throw invalid(field, "a limit above 0");
        }
    }

    private static Rejected invalid(String field, String reason) {
        return new Rejected(Rejected.INVALID, field, field + ": " + reason);
    }

    private static long millis(double seconds) {
        return (long) (seconds * 1000);
    }
}
