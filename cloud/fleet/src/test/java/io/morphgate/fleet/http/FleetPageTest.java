package io.morphgate.fleet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.morphgate.fleet.inventory.Database;
import io.morphgate.fleet.rollout.RolloutStore;

/**
 * The fleet page in headless chromium against a running API (FleetFixture's database): it lists the gateways with
 * their state, group and desired status, and the running rollout with its waves; after the controller records more
 * progress, a new load shows it.
 */
class FleetPageTest {

    @TempDir
    Path dir;

    @Test
    void thePageShowsTheGatewaysAndARolloutWithItsWaves() throws Exception {
        HeadlessChromium.binary();
        Database database = FleetFixture.create(dir);
        try (FleetApi api = FleetApi.start(database, "127.0.0.1", 0)) {
            String dom = HeadlessChromium.dumpDom(api.address() + "/", 5000);
            assertEquals("", cell(dom, "div", "id=\"error\"", ""), "no error shown");
            for (String id : new String[] {"gw-1", "gw-2", "gw-3", "gw-4"}) {
                assertTrue(dom.contains("data-gateway=\"" + id + "\""), id + " listed: " + dom);
            }
            String four = row(dom, "data-gateway=\"gw-4\"");
            assertTrue(four.contains(">offline<"), four);
            assertTrue(four.contains(">pending<"), four);
            assertTrue(row(dom, "data-gateway=\"gw-3\"").contains(">drifted<"));
            assertTrue(row(dom, "data-gateway=\"gw-1\"").contains(">edge<"));
            assertTrue(dom.contains("(4, 3 online)"), "the count");

            String live = rollout(dom, "r-live");
            assertTrue(live.contains(">RUNNING<"), live);
            assertTrue(live.contains("2 / 3 applied"), live);
            assertTrue(live.contains("at wave 1"), live);
            assertTrue(row(live, "data-wave=\"0\"").contains(">PASSED<"), live);
            assertTrue(row(live, "data-wave=\"1\"").contains(">APPLYING<"), live);
            assertTrue(rollout(dom, "r-done").contains(">SUCCEEDED<"));

            try (RolloutStore store = new RolloutStore(database)) { // as the controller records the last reply
                store.applied("r-live", "gw-3", "OK", null);
            }
            String after = rollout(HeadlessChromium.dumpDom(api.address() + "/", 5000), "r-live");
            assertTrue(after.contains("3 / 3 applied"), after);
            assertTrue(row(after, "data-wave=\"1\"").contains(">CHECKING_HEALTH<"), after);
        }
    }

    /** The element with {@code marker} in its start tag, up to its end tag. */
    private static String row(String dom, String marker) {
        return cell(dom, "tr", marker, null);
    }

    private static String rollout(String dom, String id) {
        int start = dom.indexOf("data-rollout=\"" + id + "\"");
        assertTrue(start >= 0, id + " shown: " + dom);
        int next = dom.indexOf("data-rollout=", start + 1);
        return dom.substring(start, next < 0 ? dom.length() : next);
    }

    private static String cell(String dom, String tag, String marker, String otherwise) {
        Matcher m = Pattern.compile("<" + tag + "[^>]*" + Pattern.quote(marker) + "[^>]*>(.*?)</" + tag + ">",
                Pattern.DOTALL).matcher(dom);
        if (m.find()) {
            return m.group(1);
        }
        assertTrue(otherwise != null, marker + " not in " + dom);
        return otherwise;
    }
}
