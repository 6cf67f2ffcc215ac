package io.morphgate.trainer;

import java.util.Locale;

/** Progress lines a person can follow: elapsed wall time, then the message. */
final class Progress {

    private final long start = System.nanoTime();

    void line(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%7.1fs] %s%n", seconds(), String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }
}
