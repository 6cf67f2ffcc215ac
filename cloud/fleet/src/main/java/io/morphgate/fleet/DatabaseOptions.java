package io.morphgate.fleet;

import java.nio.file.Path;

import io.morphgate.fleet.inventory.Database;
import picocli.CommandLine.Option;

/** Which database: an H2 file under --data by default, any JDBC URL (PostgreSQL) with --db. */
final class DatabaseOptions {

    @Option(names = "--db", description = "JDBC URL of the fleet database, e.g. jdbc:postgresql://host/fleet "
            + "(default: an embedded H2 file under --data).")
    String url;

    @Option(names = "--data", description = "Directory of the default H2 database (default: ${DEFAULT-VALUE}).",
            defaultValue = "fleet-data")
    Path data;

    @Option(names = "--db-user", description = "Database user (default: ${DEFAULT-VALUE}).", defaultValue = "fleet")
    String user;

    @Option(names = "--db-password-env", description = "Environment variable holding the database password "
            + "(default: ${DEFAULT-VALUE}; empty when unset).", defaultValue = "MORPHGATE_FLEET_DB_PASSWORD")
    String passwordVariable;

    Database open() {
        String password = System.getenv(passwordVariable);
        return Database.open(url != null ? url : Database.h2Url(data), user, password == null ? "" : password);
    }
}
