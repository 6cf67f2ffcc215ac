package io.morphgate.fleet.inventory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import org.flywaydb.core.Flyway;

/**
 * The fleet database, by JDBC URL: an embedded H2 file by default (AUTO_SERVER, so {@code gateways} can read it while
 * {@code serve} runs), PostgreSQL with {@code jdbc:postgresql://...}. The schema is Flyway's migrations in
 * {@code db/migration}, applied on open.
 */
public final class Database {

    private final String url;
    private final String user;
    private final String password;

    private Database(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** The default: an H2 file database {@code <dir>/fleet.mv.db}. */
    public static String h2Url(Path dir) {
        return "jdbc:h2:file:" + dir.toAbsolutePath().resolve("fleet") + ";AUTO_SERVER=TRUE";
    }

    /** Opens the database and brings its schema up to date. */
    public static Database open(String url, String user, String password) {
        Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").load().migrate();
        return new Database(url, user, password);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    public String url() {
        return url;
    }
}
