package io.morphgate.inference.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.morphgate.inference.mqtt.internal.RecentReplies.Verdict;

class RecentRepliesTest {

    private final AtomicLong now = new AtomicLong(1_000);

    private RecentReplies replies(int capacity, int seconds) {
        return new RecentReplies(capacity, Duration.ofSeconds(seconds), now::get);
    }

    private static byte[] reply(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aRepeatedIdGetsTheSameReplyAndARepeatWhileRunningWaitsForIt() {
        RecentReplies replies = replies(10, 60);
        assertEquals(Verdict.RUN, replies.claim("a").verdict());
        assertEquals(Verdict.RUNNING, replies.claim("a").verdict());
        replies.answered("a", reply("{\"index\":9}"), true);
        RecentReplies.Claim again = replies.claim("a");
        assertEquals(Verdict.REPLAY, again.verdict());
        assertArrayEquals(reply("{\"index\":9}"), again.reply().orElseThrow());
        assertEquals(Verdict.RUN, replies.claim("b").verdict());
    }

    @Test
    void aReplyIsKeptForTheTimeConfiguredOnly() {
        RecentReplies replies = replies(10, 60);
        replies.claim("a");
        replies.answered("a", reply("first"), true);
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertEquals(Verdict.REPLAY, replies.claim("a").verdict());
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertEquals(Verdict.RUN, replies.claim("a").verdict(), "60 s after its reply the id is new again");
    }

    @Test
    void atMostCapacityIdsAreKeptTheOldestForgottenFirst() {
        RecentReplies replies = replies(3, 60);
        for (String id : new String[] {"a", "b", "c", "d"}) {
            replies.claim(id);
            replies.answered(id, reply(id), true);
        }
        assertEquals(3, replies.size());
        assertEquals(Verdict.REPLAY, replies.claim("d").verdict());
        assertEquals(Verdict.REPLAY, replies.claim("b").verdict());
        assertEquals(Verdict.RUN, replies.claim("a").verdict(), "the oldest was forgotten");
    }

    @Test
    void aTransientRefusalIsNotKeptSoARetryRuns() {
        RecentReplies replies = replies(10, 60);
        replies.claim("a");
        replies.answered("a", reply("OVERLOADED"), false);
        assertEquals(Verdict.RUN, replies.claim("a").verdict());
        assertEquals(0, replies.size() - 1, "only the new claim is remembered");
    }

    @Test
    void capacityZeroRunsEverything() {
        RecentReplies replies = replies(0, 60);
        replies.claim("a");
        replies.answered("a", reply("x"), true);
        assertEquals(Verdict.RUN, replies.claim("a").verdict());
        assertEquals(Verdict.RUN, replies.claim("a").verdict());
        assertEquals(0, replies.size());
    }

    @Test
    void negativeBoundsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> replies(-1, 60));
        assertThrows(IllegalArgumentException.class, () -> replies(10, -1));
    }
}
