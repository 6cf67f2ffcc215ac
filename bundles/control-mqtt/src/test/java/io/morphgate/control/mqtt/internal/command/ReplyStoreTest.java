package io.morphgate.control.mqtt.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplyStoreTest {

    @TempDir
    Path dir;

    @Test
    void repliesSurviveARestart() {
        ReplyStore store = new ReplyStore(dir, 5);
        store.put("r-1", "{\"a\":1}");
        store.put("r.2_x-y", "{\"a\":2}");
        ReplyStore reopened = new ReplyStore(dir, 5);
        assertEquals(Optional.of("{\"a\":1}"), reopened.find("r-1"));
        assertEquals(Optional.of("{\"a\":2}"), reopened.find("r.2_x-y"));
        assertEquals(Optional.empty(), reopened.find("r-3"));
    }

    @Test
    void aReplyCanBeReplaced() {
        ReplyStore store = new ReplyStore(dir, 5);
        store.put("job-1", "{\"status\":\"accepted\"}");
        store.put("job-1", "{\"status\":\"ok\"}");
        assertEquals(Optional.of("{\"status\":\"ok\"}"), new ReplyStore(dir, 5).find("job-1"));
        assertEquals(1, store.size());
    }

    @Test
    void keepsOnlyTheNewest() throws Exception {
        ReplyStore store = new ReplyStore(dir, 3);
        for (int i = 1; i <= 5; i++) {
            store.put("r-" + i, "{}");
        }
        assertEquals(3, store.size());
        assertTrue(store.find("r-1").isEmpty());
        assertTrue(store.find("r-2").isEmpty());
        assertTrue(store.find("r-5").isPresent());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(3, files.count(), "no temporary or evicted files left behind");
        }
    }

    @Test
    void oddButValidIdsStayInsideTheDirectory() {
        ReplyStore store = new ReplyStore(dir, 3);
        store.put("..", "{}");
        assertTrue(Files.exists(dir.resolve("...json")));
        assertTrue(new ReplyStore(dir, 3).find("..").isPresent());
    }
}
