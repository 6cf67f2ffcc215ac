package io.morphgate.fleet;

import java.util.List;
import java.util.concurrent.Callable;

import io.morphgate.fleet.inventory.Inventory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Puts gateways in a group (or takes them out): rollouts and listings target groups. */
@Command(name = "group", mixinStandardHelpOptions = true,
        description = "Adds gateways to a group (or removes them with --remove).")
final class GroupCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Parameters(index = "0", description = "The group.")
    String group;

    @Parameters(index = "1..*", description = "Gateway ids.")
    List<String> gateways;

    @Option(names = "--remove", description = "Take the gateways out of the group.")
    boolean remove;

    @Override
    public Integer call() throws Exception {
        try (Inventory inventory = new Inventory(database.open())) {
            if (remove) {
                inventory.removeFromGroup(group, gateways);
            } else {
                inventory.addToGroup(group, gateways);
            }
        }
        System.out.println((remove ? "removed from " : "added to ") + group + ": " + gateways.size() + " gateways");
        return Fleet.EXIT_OK;
    }
}
