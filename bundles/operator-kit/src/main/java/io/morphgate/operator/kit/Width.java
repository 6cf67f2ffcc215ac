package io.morphgate.operator.kit;

/**
 * The article's width rule, {@code int(filters * factor)}: Keras code computes widths in floating point and truncates
 * with Python's {@code int()}, so an operator here must truncate the same way (not round) to get the article's widths,
 * e.g. {@code int(64 * 0.3) = int(19.2) = 19}. Java's {@code (int)} cast of the same double product truncates toward
 * zero exactly like Python's {@code int()}.
 */
public final class Width {

    private Width() {
    }

    /**
     * {@code int(filters * factor)}.
     *
     * @throws IllegalArgumentException when filters or factor is negative or factor is not finite
     */
    public static int scaled(int filters, double factor) {
        if (filters < 0 || !(factor >= 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("width needs filters >= 0 and a finite factor >= 0, got " + filters
                    + " * " + factor);
        }
        return (int) (filters * factor);
    }
}
