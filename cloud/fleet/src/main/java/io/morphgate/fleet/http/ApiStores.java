package io.morphgate.fleet.http;

import java.sql.SQLException;

import io.morphgate.fleet.desired.DesiredStates;
import io.morphgate.fleet.inventory.Database;
import io.morphgate.fleet.inventory.Inventory;
import io.morphgate.fleet.rollout.RolloutStore;

/**
 * The stores the API reads and writes, each on a connection of its own held open (opening one costs more than a
 * request: ~150 ms on an H2 file with AUTO_SERVER). Not thread-safe: {@link FleetApi} runs one request at a time on
 * them.
 */
record ApiStores(Inventory inventory, DesiredStates desired, RolloutStore rollouts) implements AutoCloseable {

    static ApiStores open(Database database) throws SQLException {
        return new ApiStores(new Inventory(database), new DesiredStates(database), new RolloutStore(database));
    }

    @Override
    public void close() throws SQLException {
        try (inventory; desired; rollouts) {
            // closes all three, the first failure thrown
        }
    }
}
